"""Escalate overdue 督办 items one level (蓝→黄→红); run daily by the schedule (cron, or the job engine).

The logic is ``desk.services.supervision_escalate_overdue``; this command only runs it and says what it did.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from desk.jobs import ESCALATE_KIND
from desk.services import supervision_escalate_overdue
from jobs.services import job_start


class Command(BaseCommand):
    help = "Escalate every overdue 督办 item one level (blue → yellow → red) and notify the people responsible."

    def add_arguments(self, parser):
        parser.add_argument("--background", action="store_true",
                            help="Queue it as a job (the worker runs it; what it printed is on the 任务 page).")

    def handle(self, *args, background: bool = False, **options):
        if background:
            job = job_start(kind=ESCALATE_KIND, title=_("升级逾期督办事项"), user=None)
            self.stdout.write(_("已排队为后台任务 #%(id)d。") % {"id": job.pk})
            return
        escalated = supervision_escalate_overdue()
        for item in escalated:
            self.stdout.write(_("已升级为%(level)s：%(item)s（期限 %(deadline)s，责任单位 %(unit)s）") % {
                "level": item.get_level_display(), "item": item, "deadline": item.deadline.isoformat(),
                "unit": item.responsible_unit})
        self.stdout.write(_("共升级 %(count)d 项督办事项。") % {"count": len(escalated)})
