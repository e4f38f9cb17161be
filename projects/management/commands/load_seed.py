from django.core.management.base import BaseCommand
from tqdm import tqdm

from ledger.cache import public_pages_changed
from projects.seed import seed_load

STEPS = 8  # the labels seed_load reports


class Command(BaseCommand):
    help = "Load every fact of the source report (idempotent: only what is missing is created)."

    def handle(self, *args, **options):
        with tqdm(total=STEPS, desc="load_seed", unit="step", disable=options["verbosity"] == 0,
                  file=self.stderr._out) as bar:
            def progress(label: str) -> None:
                bar.set_postfix_str(label)
                bar.update(1)

            report = seed_load(progress=progress)
        created = sum(report.created.values())
        if created:
            public_pages_changed()  # cached pages and figures are out of date
            details = ", ".join(f"{label} {n}" for label, n in sorted(report.created.items()) if n)
            self.stdout.write(self.style.SUCCESS(f"Seed data loaded: {created} records created ({details})."))
        else:
            self.stdout.write("Seed data already present: nothing changed.")
