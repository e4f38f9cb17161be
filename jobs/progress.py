"""Progress of a running job, written by a heartbeat thread on its own database connection.

The job's code calls :meth:`Progress.update` as often as it likes; the value is only kept in memory.
Every ``JOBS_HEARTBEAT_SECONDS`` a thread writes the latest value and a heartbeat to the job's row
and reads whether cancelling was asked. The thread has its own connection, so progress is visible
while the work runs inside one long transaction (an import: all or nothing), and the heartbeat is what
tells a live run from one whose worker was killed (``services.jobs_recover``). A write the database
refuses for now (SQLite locked by the work's own transaction) is skipped: progress is best effort,
the final state is written by the runner.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from .models import Job, JobStatus


class JobCancelled(Exception):
    """The person who started the job cancelled it; the work stops at its next progress report."""


def heartbeat_seconds() -> float:
    return float(getattr(settings, "JOBS_HEARTBEAT_SECONDS", 2.0))


class Progress:
    def __init__(self, job_id: int):
        self.job_id = job_id
        self.percent = 0
        self.message = ""
        self.cancelled = False
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._beat, name=f"job-{job_id}-heartbeat", daemon=True)

    # -- for the job's code ---------------------------------------------------------------------
    def update(self, percent: float, message: str | None = None) -> None:
        """Report ``percent`` (0-100, kept below 100 until the runner finishes) and raise JobCancelled if asked."""
        with self._lock:
            self.percent = max(0, min(99, int(percent)))
            if message is not None:
                self.message = message[:300]
        if self.cancelled:
            raise JobCancelled()

    def rows(self, done: int, total: int, message: str) -> None:
        """``update`` for row-by-row work: ``message`` may name ``%(done)s`` and ``%(total)s``."""
        percent = 100 * done / total if total else 0
        self.update(percent, message % {"done": f"{done:,}", "total": f"{total:,}"})

    # -- the thread -----------------------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=heartbeat_seconds() * 5 + 5)

    def _beat(self) -> None:
        try:
            while not self._stop.wait(heartbeat_seconds()):
                self.write()
        finally:
            connection.close()  # this thread's own connection

    def write(self) -> None:
        with self._lock:
            percent, message = self.percent, self.message
        try:
            rows = Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING)
            rows.update(progress=percent, message=message, heartbeat_at=timezone.now())
            if rows.filter(cancel_requested=True).exists():
                self.cancelled = True
        except DatabaseError:
            pass  # locked for now (SQLite during the work's own write); the next beat tries again
