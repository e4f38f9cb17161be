"""A management command that can also be queued as a job: ``manage.py <command> --background``.

The worker (``db_worker``) runs the job kind the command names; the job's record is on the 任务
page and in the ``jobs_job`` table. Queuing counts against the total cap of unfinished jobs
(``JOBS_MAX_TOTAL``, ``jobs.services.job_start``): above it the command says so and exits with an error. Subclasses set ``job_kind`` and ``job_title``, put their work in
``run()`` instead of ``handle()``, and may pass options on to the job with ``job_params()``.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from .services import JobLimitReached, job_start


class BackgroundCommand(BaseCommand):
    job_kind: str
    job_title: str  # may be a lazy translation
    background_help = "Queue it as a job (the worker runs it; its record is on the 任务 page)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--background", action="store_true", help=self.background_help)

    def job_params(self, options: dict[str, Any]) -> dict[str, Any]:
        return {}

    def handle(self, *args, background: bool = False, **options):
        if background:
            try:  # a person at a shell: capped by the total (no account to count against)
                job = job_start(kind=self.job_kind, title=str(self.job_title), user=None,
                                params=self.job_params(options), capped=True)
            except JobLimitReached as refusal:
                raise CommandError(refusal.messages[0]) from None
            self.stdout.write(_("已排队为后台任务 #%(id)d。") % {"id": job.pk})
            return None
        return self.run(*args, **options)

    def run(self, *args, **options):
        raise NotImplementedError
