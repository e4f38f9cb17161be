"""The daily digest: one mail to each person who chose it, listing their notices not yet mailed."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from desk.jobs import DIGEST_KIND
from desk.services import digest_send
from jobs.commands import BackgroundCommand


class Command(BackgroundCommand):
    help = "Mail each person who prefers a daily digest one summary of their notices."
    job_kind, job_title = DIGEST_KIND, gettext_lazy("每日通知汇总邮件")
    background_help = "Queue it as a job (the worker runs it; what it printed is on the 任务 page)."

    def run(self, *args, **options):
        mailed = digest_send()
        self.stdout.write(_("已发送 %(count)d 封汇总邮件。") % {"count": mailed})
