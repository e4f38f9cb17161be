"""What the ambassadors app plugs into the projects domain (called from ``AmbassadorsConfig.ready``):
the service timings start a project's path at the referral of the first lead that brought it."""

from __future__ import annotations

from django.db import models

from ledger.models import DatePrecision
from projects.timings import register_lead_date

from .models import Lead


def first_lead_referred() -> models.Expression:
    """The earliest referral date, known to the day, of the leads linked to the project."""
    return models.Subquery(
        Lead.objects.filter(project_id=models.OuterRef("pk"), referred_on__isnull=False,
                            referred_on_precision=DatePrecision.DAY)
        .order_by("referred_on").values("referred_on")[:1]
    )


def register() -> None:
    register_lead_date(first_lead_referred)
