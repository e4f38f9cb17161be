"""The one task the engine (django-tasks, database backend) runs: carry out a recorded job."""

from django_tasks import task

from . import runner


@task()
def run_job(job_id: int) -> str:
    """Run job ``job_id`` (idempotent: a finished or cancelled job is left as it is)."""
    return runner.execute(job_id)
