"""The daily digest: one mail to each person who chose it, listing their notices not yet mailed."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from desk.services import digest_send


class Command(BaseCommand):
    help = "Mail each person who prefers a daily digest one summary of their notices."

    def handle(self, *args, **options):
        mailed = digest_send()
        self.stdout.write(_("已发送 %(count)d 封汇总邮件。") % {"count": mailed})
