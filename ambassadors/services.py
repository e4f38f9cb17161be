"""Writes to ambassadors and their leads: validated, atomic, the same for admin and importers."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from projects.services import ensure_slug

from .models import Ambassador, Lead


@transaction.atomic
def ambassador_save(*, ambassador: Ambassador, user: AbstractBaseUser | None = None) -> Ambassador:
    ensure_slug(ambassador)
    ambassador.full_clean(exclude=["version"])
    ambassador.save()
    return ambassador


@transaction.atomic
def lead_save(*, lead: Lead, user: AbstractBaseUser | None = None) -> Lead:
    lead.full_clean()
    lead.save()
    return lead
