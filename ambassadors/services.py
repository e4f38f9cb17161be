"""Writes to ambassadors and their leads: through the write door (``ledger.writes``), like projects."""

from django.contrib.auth.models import AbstractBaseUser

from ledger.writes import record_save

from .models import Ambassador, Lead


def ambassador_save(
    *, ambassador: Ambassador, user: AbstractBaseUser | None = None, expected_version: int | None = None,
    reason: str = "",
) -> Ambassador:
    return record_save(record=ambassador, user=user, expected_version=expected_version, reason=reason)


def lead_save(
    *, lead: Lead, user: AbstractBaseUser | None = None, expected_version: int | None = None, reason: str = "",
) -> Lead:
    return record_save(record=lead, user=user, expected_version=expected_version, reason=reason)
