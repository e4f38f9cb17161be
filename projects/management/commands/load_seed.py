from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load every fact of the source report (placeholder until the seed lands)."

    def handle(self, *args, **options):
        self.stdout.write("Seed data: not yet written.")
