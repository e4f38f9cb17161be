"""Recompute every project's stored export cells and CSV lines (``projects.export_cells``), in batches."""

import os

from django.utils.translation import gettext_lazy

from jobs.commands import BackgroundCommand
from projects.export_cells import export_cells_rebuild
from projects.jobs import REBUILD_EXPORT_CELLS_KIND


class Command(BackgroundCommand):
    help = "Recompute the CSV export's stored cells and lines of every project."
    job_kind, job_title = REBUILD_EXPORT_CELLS_KIND, gettext_lazy("重建导出单元格")
    background_help = "Queue it as a job (the worker runs it; its row count is on the 任务 page)."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 1),
                            help="Connections working at once (default: the cores, at most 4).")
        parser.add_argument("--lines-only", action="store_true",
                            help="Only the CSV lines, from the stored cells (after generate_demo, which stores the cells).")
        super().add_arguments(parser)

    def job_params(self, options):
        return {"lines_only": options["lines_only"]}

    def run(self, *args, **options):
        def report(done: int, total: int) -> None:
            if options["verbosity"] > 1:
                self.stderr.write(f"  batch {done} / {total}")

        rows = export_cells_rebuild(workers=options["workers"], lines_only=options["lines_only"], report=report)
        self.stdout.write(f"{rows} projects' export cells rebuilt.")
