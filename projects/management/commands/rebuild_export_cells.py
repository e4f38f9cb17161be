"""Recompute every project's stored export cells (``projects.export_cells``) in one statement."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from jobs.services import job_start
from projects.export_cells import export_cells_rebuild
from projects.jobs import REBUILD_EXPORT_CELLS_KIND


class Command(BaseCommand):
    help = "Recompute the CSV export's stored investor, institute and milestone cells of every project."

    def add_arguments(self, parser):
        parser.add_argument("--background", action="store_true",
                            help="Queue it as a job (the worker runs it; its row count is on the 任务 page).")

    def handle(self, *args, background: bool = False, **options):
        if background:
            job = job_start(kind=REBUILD_EXPORT_CELLS_KIND, title=_("重建导出单元格"), user=None)
            self.stdout.write(_("已排队为后台任务 #%(id)d。") % {"id": job.pk})
            return
        with transaction.atomic():
            rows = export_cells_rebuild()
        self.stdout.write(f"{rows} projects' export cells rebuilt.")
