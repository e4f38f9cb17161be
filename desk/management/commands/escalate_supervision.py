"""Escalate overdue 督办 items one level (蓝→黄→红); run daily by the product's schedule
(``desk.jobs``, ``jobs.schedule``).

The logic is ``desk.services.supervision_escalate_overdue``; this command only runs it and says what it did.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from desk.jobs import ESCALATE_KIND
from desk.services import supervision_escalate_overdue
from jobs.commands import BackgroundCommand


class Command(BackgroundCommand):
    help = "Escalate every overdue 督办 item one level (blue → yellow → red) and notify the people responsible."
    job_kind, job_title = ESCALATE_KIND, gettext_lazy("升级逾期督办事项")
    background_help = "Queue it as a job (the worker runs it; what it printed is on the 任务 page)."

    def run(self, *args, **options):
        escalated = supervision_escalate_overdue()
        for item in escalated:
            self.stdout.write(_("已升级为%(level)s：%(item)s（期限 %(deadline)s，责任单位 %(unit)s）") % {
                "level": item.get_level_display(), "item": item, "deadline": item.deadline.isoformat(),
                "unit": item.responsible_unit})
        self.stdout.write(_("共升级 %(count)d 项督办事项。") % {"count": len(escalated)})
