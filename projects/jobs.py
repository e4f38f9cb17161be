"""The project ledger's kinds of job (registered with ``jobs`` when the app is ready)."""

from django.db import transaction
from django.utils.translation import gettext as _

from jobs.models import Job
from jobs.progress import Progress
from jobs.registry import JobOutcome, register_job_kind

from .export_cells import export_cells_rebuild, export_lines_refresh_stale

REBUILD_EXPORT_CELLS_KIND = "projects.rebuild_export_cells"
REFRESH_EXPORT_LINES_KIND = "projects.refresh_export_lines"


def run_rebuild_export_cells(job: Job, progress: Progress) -> JobOutcome:
    """Every project's stored export cells recomputed (``manage.py rebuild_export_cells``), one transaction."""
    progress.update(5, _("正在重建导出单元格…"))

    def report(done: int, total: int) -> None:
        progress.update(5 + 90 * done / total, _("已重建 %(done)s / %(total)s 批") % {"done": done, "total": total})

    with transaction.atomic():
        rows = export_cells_rebuild(lines_only=bool(job.params.get("lines_only")), report=report)
    return JobOutcome(summary={"rows": rows})


register_job_kind(REBUILD_EXPORT_CELLS_KIND, run_rebuild_export_cells, max_attempts=2)


def run_refresh_export_lines(job: Job, progress: Progress) -> JobOutcome:
    """The stored CSV lines the database forgot on a write, computed again, in one transaction."""

    def report(done: int, total: int) -> None:
        progress.rows(done, max(total, 1), _("已计算 %(done)s / %(total)s 个项目"))

    with transaction.atomic():
        rows = export_lines_refresh_stale(report=report)
    return JobOutcome(summary={"rows": rows})


register_job_kind(REFRESH_EXPORT_LINES_KIND, run_refresh_export_lines, max_attempts=3)
