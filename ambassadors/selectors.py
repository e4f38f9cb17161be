"""Reads for the public ambassador pages: published ambassadors, public fields, public leads only."""

from dataclasses import dataclass

from django.db.models import QuerySet

from projects.models import Project

from .models import Ambassador, Cohort, Lead


def public_ambassadors() -> QuerySet[Ambassador]:
    """Published ambassadors with their cohort and enterprise (shown only when published themselves)."""
    return Ambassador.objects.public().select_related("cohort", "enterprise").order_by(
        "-cohort__year", "cohort__name", "name", "id"
    )


@dataclass
class CohortGroup:
    """Ambassadors of one published cohort (``cohort`` None: appointed outside a published cohort)."""

    cohort: Cohort | None
    ambassadors: list[Ambassador]


def public_cohorts() -> list[Cohort]:
    return list(Cohort.objects.public().order_by("-year", "name", "id"))


def ambassadors_by_cohort(ambassadors, *, cohorts: list[Cohort] | None = None) -> list[CohortGroup]:
    """Group ambassadors by published cohort, newest cohort first, keeping their order.

    ``cohorts``: published cohorts to show even when none of their ambassadors is recorded (the
    report often gives only how many were appointed). Ambassadors without a published cohort come last.
    """
    groups: dict[int | None, CohortGroup] = {
        cohort.pk: CohortGroup(cohort=cohort, ambassadors=[]) for cohort in cohorts or []
    }
    for ambassador in ambassadors:
        cohort = ambassador.cohort if ambassador.cohort is not None and ambassador.cohort.is_published else None
        key = cohort.pk if cohort is not None else None
        groups.setdefault(key, CohortGroup(cohort=cohort, ambassadors=[])).ambassadors.append(ambassador)
    return sorted(
        groups.values(),
        key=lambda group: (group.cohort is None, -(group.cohort.year if group.cohort else 0),
                           group.cohort.name if group.cohort else ""),
    )


def public_leads(ambassador: Ambassador) -> list[Lead]:
    """The ambassador's public leads, each with ``public_project``: its project when published, else None."""
    leads = list(
        Lead.objects.public()
        .filter(ambassador=ambassador)
        .select_related("sector", "project", "project__sector")
        .order_by("-referred_on", "-id")
    )
    for lead in leads:
        project = lead.project
        lead.public_project = project if project is not None and project.is_published else None
    return leads


def projects_from_leads(leads: list[Lead]) -> list[Project]:
    """The published projects the leads became, without repeats, in lead order."""
    seen: dict[int, Project] = {}
    for lead in leads:
        if lead.public_project is not None:
            seen.setdefault(lead.public_project.pk, lead.public_project)
    return list(seen.values())


