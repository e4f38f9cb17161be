"""Periodic jobs scheduled by the product itself, no cron line needed.

A domain app registers a kind of job to run every day at a local time (or every week on a weekday):
``register_periodic("desk.escalate_supervision", title=..., at=datetime.time(7, 15))``. The scheduler
(``manage.py jobs_scheduler``, started by ``make run`` and by the deployment's systemd unit beside the
worker) calls ``schedule_tick`` every half minute: for each entry, the latest slot at or before now
that has not been queued yet is queued as an ordinary job (``jobs.services.job_start``), which the
worker runs. A slot is queued once (``ScheduledRun``'s unique constraint, even with two schedulers);
a scheduler that was down queues the slot it missed once when it comes back, never a backlog; the
very first check (a new installation) only notes the latest slot, so the first run is the next one.
``JOBS_SCHEDULE`` (settings) moves an entry: ``{"desk.digest": "18:00"}``, or ``"off"`` to stop it.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Job, ScheduledRun
from .services import job_start

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    kind: str
    title: str
    at: datetime.time
    weekday: int | None = None  # 0 Monday … 6 Sunday; None: every day


_PERIODIC: dict[str, Periodic] = {}


def register_periodic(kind: str, *, title: str, at: datetime.time, weekday: int | None = None) -> None:
    _PERIODIC[kind] = Periodic(kind=kind, title=str(title), at=at, weekday=weekday)


def periodic_entries() -> list[Periodic]:
    """The registered entries with ``JOBS_SCHEDULE``'s changes ("HH:MM" moves one, "off" stops it)."""
    overrides = getattr(settings, "JOBS_SCHEDULE", {}) or {}
    entries = []
    for entry in _PERIODIC.values():
        value = overrides.get(entry.kind)
        if value == "off":
            continue
        if value:
            hour, minute = (int(part) for part in str(value).split(":"))
            entry = Periodic(kind=entry.kind, title=entry.title, at=datetime.time(hour, minute), weekday=entry.weekday)
        entries.append(entry)
    return entries


def latest_slot(entry: Periodic, *, now: datetime.datetime) -> datetime.datetime:
    """The latest moment at or before ``now`` the entry was due (in the site's time zone)."""
    local = timezone.localtime(now)
    slot = local.replace(hour=entry.at.hour, minute=entry.at.minute, second=0, microsecond=0)
    if slot > local:
        slot -= datetime.timedelta(days=1)
    if entry.weekday is not None:
        slot -= datetime.timedelta(days=(slot.weekday() - entry.weekday) % 7)
    return slot


def schedule_tick(*, now: datetime.datetime | None = None) -> list[Job]:
    """Queue each entry's latest slot not queued yet; returns the jobs queued now."""
    now = now or timezone.now()
    queued = []
    for entry in periodic_entries():
        slot = latest_slot(entry, now=now)
        runs = ScheduledRun.objects.filter(kind=entry.kind)
        if runs.filter(slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(kind=entry.kind, slot=slot)
                if not runs.exclude(pk=run.pk).exists():
                    continue  # the first check ever: the schedule starts from here, at the next slot
                job = job_start(kind=entry.kind, title=entry.title, user=None, capped=False,
                                params={"scheduled_for": slot.isoformat()})
                run.job = job
                run.save(update_fields=["job"])
        except IntegrityError:
            continue  # another scheduler queued this slot a moment ago
        logger.info("scheduled %s for %s as job %s", entry.kind, slot.isoformat(), job.pk)
        queued.append(job)
    return queued
