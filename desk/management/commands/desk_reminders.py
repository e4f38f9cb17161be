"""Remind people of tasks and 督办 items due tomorrow or overdue (once a day each); run daily."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from desk.services import reminders_send


class Command(BaseCommand):
    help = "Notify assignees of tasks and 督办 items due tomorrow or overdue (one notice per item per day)."

    def handle(self, *args, **options):
        sent = reminders_send()
        self.stdout.write(_("已发送 %(count)d 条到期提醒。") % {"count": sent})
