from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string
from tqdm import tqdm

from projects.seed import SeedReport

STEPS = 10  # the labels the loaders report: 7 of projects.seed, 1 each of ambassadors, chains and figures


class Command(BaseCommand):
    help = "Load every fact of the source report (idempotent: only what is missing is created)."

    def handle(self, *args, **options):
        with tqdm(total=STEPS, desc="load_seed", unit="step", disable=options["verbosity"] == 0,
                  file=self.stderr._out) as bar:
            def progress(label: str) -> None:
                bar.set_postfix_str(label)
                bar.update(1)

            # Each app loads its own facts (settings.QINGSHAN_SEED_LOADERS, in order), in one transaction.
            report = SeedReport()
            with transaction.atomic():
                for dotted in settings.QINGSHAN_SEED_LOADERS:
                    report.merge(import_string(dotted)(progress=progress))
        created = sum(report.created.values())
        if created:
            details = ", ".join(f"{label} {n}" for label, n in sorted(report.created.items()) if n)
            self.stdout.write(self.style.SUCCESS(f"Seed data loaded: {created} records created ({details})."))
        else:
            self.stdout.write("Seed data already present: nothing changed.")
