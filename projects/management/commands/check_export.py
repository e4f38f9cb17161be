"""Compare the CSV export's stored data (``projects.export_cells``) with a fresh computation; report what differs."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction

from projects.export_cells import export_cells_differences, export_lines_refresh_stale
from projects.models import Project, ProjectExportCells


class Command(BaseCommand):
    help = (
        "Compare every project's stored export cells and CSV lines with what the export computes now, and list "
        "the projects that differ (exit status 1 if any does). --repair forgets those and computes them again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=50, help="List at most this many differing projects.")
        parser.add_argument("--repair", action="store_true",
                            help="Forget the differing projects' stored rows and compute every forgotten one again.")

    def handle(self, *args, **options):
        if connections[Project.objects.db].vendor != "postgresql":
            self.stdout.write("Nothing stored on this database: the export computes every row live.")
            return
        # One statement, so one snapshot: the stored rows and the fresh computation see the same data.
        differing = export_cells_differences(projects=Project.objects.all())
        stored = ProjectExportCells.objects.count()
        self.stdout.write(f"{stored:,} projects' stored export data checked; {len(differing):,} differ.")
        slugs = dict(Project.objects.filter(pk__in=[pk for pk, _ in differing[: options["limit"]]])
                     .values_list("pk", "slug"))
        for pk, columns in differing[: options["limit"]]:
            self.stdout.write(f"  project {pk} ({slugs.get(pk, '?')}): {', '.join(columns)}")
        if len(differing) > options["limit"]:
            self.stdout.write(f"  … and {len(differing) - options['limit']:,} more.")
        if differing and options["repair"]:
            with transaction.atomic():
                ProjectExportCells.objects.filter(project_id__in=[pk for pk, _ in differing]).delete()
                rows = export_lines_refresh_stale()
            self.stdout.write(f"Repaired: {rows:,} stored rows computed again.")
            return
        if differing:
            raise CommandError(f"{len(differing)} projects' stored export data differ from a fresh computation.")
