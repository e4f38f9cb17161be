"""Remind people of tasks and 督办 items due tomorrow or overdue (once a day each); run daily by the
product's schedule (``desk.jobs``), or ``--background`` to queue it now."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from desk.jobs import REMINDERS_KIND
from desk.services import reminders_send
from jobs.commands import BackgroundCommand


class Command(BackgroundCommand):
    help = "Notify assignees of tasks and 督办 items due tomorrow or overdue (one notice per item per day)."
    job_kind, job_title = REMINDERS_KIND, gettext_lazy("到期提醒")

    def run(self, *args, **options):
        sent = reminders_send()
        self.stdout.write(_("已发送 %(count)d 条到期提醒。") % {"count": sent})
