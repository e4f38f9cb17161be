"""Recompute every project's stored export cells and CSV lines (``projects.export_cells``), in batches."""

import os

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from jobs.services import job_start
from projects.export_cells import export_cells_rebuild
from projects.jobs import REBUILD_EXPORT_CELLS_KIND


class Command(BaseCommand):
    help = "Recompute the CSV export's stored cells and lines of every project."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 1),
                            help="Connections working at once (default: the cores, at most 4).")
        parser.add_argument("--lines-only", action="store_true",
                            help="Only the CSV lines, from the stored cells (after generate_demo, which stores the cells).")
        parser.add_argument("--background", action="store_true",
                            help="Queue it as a job (the worker runs it; its row count is on the 任务 page).")

    def handle(self, *args, background: bool = False, **options):
        if background:
            job = job_start(kind=REBUILD_EXPORT_CELLS_KIND, title=_("重建导出单元格"), user=None,
                            params={"lines_only": options["lines_only"]})
            self.stdout.write(_("已排队为后台任务 #%(id)d。") % {"id": job.pk})
            return

        def report(done: int, total: int) -> None:
            if options["verbosity"] > 1:
                self.stderr.write(f"  batch {done} / {total}")

        rows = export_cells_rebuild(workers=options["workers"], lines_only=options["lines_only"], report=report)
        self.stdout.write(f"{rows} projects' export cells rebuilt.")
