"""The daily digest: one mail to each person who chose it, listing their notices not yet mailed."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from desk.jobs import DIGEST_KIND
from desk.services import digest_send
from jobs.services import job_start


class Command(BaseCommand):
    help = "Mail each person who prefers a daily digest one summary of their notices."

    def add_arguments(self, parser):
        parser.add_argument("--background", action="store_true",
                            help="Queue it as a job (the worker runs it; what it printed is on the 任务 page).")

    def handle(self, *args, background: bool = False, **options):
        if background:
            job = job_start(kind=DIGEST_KIND, title=_("每日通知汇总邮件"), user=None)
            self.stdout.write(_("已排队为后台任务 #%(id)d。") % {"id": job.pk})
            return
        mailed = digest_send()
        self.stdout.write(_("已发送 %(count)d 封汇总邮件。") % {"count": mailed})
