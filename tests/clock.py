"""A frozen clock for tests: ``django.utils.timezone.now`` (and so ``localdate``, ``auto_now`` fields)
answers a chosen moment until moved or the test ends (the ``clock`` fixture of tests/conftest.py)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.moment = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.moment)

    def set(self, day: datetime.date, hour: int = 10) -> None:
        """Noon-ish of ``day`` in the site's time zone."""
        self.moment = timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))
