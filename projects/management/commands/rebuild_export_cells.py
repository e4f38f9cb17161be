"""Recompute every project's stored export cells (``projects.export_cells``) in one statement."""

from django.core.management.base import BaseCommand
from django.db import transaction

from projects.export_cells import export_cells_rebuild


class Command(BaseCommand):
    help = "Recompute the CSV export's stored investor, institute and milestone cells of every project."

    def handle(self, *args, **options):
        with transaction.atomic():
            rows = export_cells_rebuild()
        self.stdout.write(f"{rows} projects' export cells rebuilt.")
