"""Kinds of job: a name and the function that does the work. Domain apps register theirs here."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Job
    from .progress import Progress


@dataclasses.dataclass(frozen=True)
class JobOutcome:
    """What a run produced: a finished file on local disk (moved into the job store), a summary, or both."""

    path: Path | None = None
    filename: str = ""
    summary: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class JobKind:
    name: str
    run: Callable[[Job, Progress], JobOutcome]
    #: How many times the engine may start it (a worker lost mid-run starts it again while attempts remain).
    max_attempts: int = 2


_KINDS: dict[str, JobKind] = {}


def register_job_kind(name: str, run: Callable[..., JobOutcome], *, max_attempts: int = 2) -> JobKind:
    """Register (or replace) the kind ``name``. The function must be idempotent: a retry starts it again
    from the beginning, so it writes nothing that a second run would duplicate (one transaction, or
    a file written aside and handed over only when whole)."""
    kind = JobKind(name=name, run=run, max_attempts=max_attempts)
    _KINDS[name] = kind
    return kind


def job_kind(name: str) -> JobKind:
    """The registered kind; KeyError when none is."""
    return _KINDS[name]
