"""Remind officers of their projects' planned dates (30 and 7 days before by default); run daily.
Running it again the same day, or every hour, sends nothing twice."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from desk.jobs import PLAN_REMINDERS_KIND
from desk.services import plan_reminders_send
from jobs.commands import BackgroundCommand


class Command(BackgroundCommand):
    help = "Notify each officer of planned dates coming up (PLAN_REMINDER_DAYS before; once each)."
    job_kind, job_title = PLAN_REMINDERS_KIND, gettext_lazy("计划节点提醒")
    background_help = "Queue it as a job (the worker runs it; what it printed is on the 任务 page)."

    def run(self, *args, **options):
        sent = plan_reminders_send()
        self.stdout.write(_("已发送 %(count)d 条计划节点提醒。") % {"count": sent})
