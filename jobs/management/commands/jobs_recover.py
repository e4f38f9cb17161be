"""Put back in the queue (or mark failed) the jobs whose worker died; run it every minute (docs/deploy.md)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from jobs.services import jobs_recover


class Command(BaseCommand):
    help = "Requeue or fail jobs whose worker stopped sending heartbeats."

    def handle(self, *args, **options):
        recovered = jobs_recover()
        self.stdout.write(_("已处理 %(count)d 个中断的任务。") % {"count": len(recovered)})
