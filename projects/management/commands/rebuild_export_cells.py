"""Recompute every project's stored export cells and CSV lines (``projects.export_cells``), in batches."""

import os

from django.core.management.base import BaseCommand

from projects.export_cells import export_cells_rebuild


class Command(BaseCommand):
    help = "Recompute the CSV export's stored cells and lines of every project."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 1),
                            help="Connections working at once (default: the cores, at most 4).")
        parser.add_argument("--lines-only", action="store_true",
                            help="Only the CSV lines, from the stored cells (after generate_demo, which stores the cells).")

    def handle(self, *args, **options):
        def report(done: int, total: int) -> None:
            if options["verbosity"] > 1:
                self.stderr.write(f"  batch {done} / {total}")

        rows = export_cells_rebuild(workers=options["workers"], lines_only=options["lines_only"], report=report)
        self.stdout.write(f"{rows} projects' export cells rebuilt.")
