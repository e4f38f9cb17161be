"""
Ambassador results (招商大使成效), for the annual review of whether an ambassador is re-appointed.

Per ambassador and per cohort:
- leads referred, and leads by status;
- projects signed from them: distinct projects linked to their leads that have a signing date
  (a project two leads point to counts once; a confirmed duplicate signing not at all);
- signed amount and funds in place: sums of those projects' published ``total_investment`` /
  ``funds_in_place`` (万元), None (未公布) when none of them has one, with the number of projects
  whose amount is not published (``without_amount``). The funds in place (the funds ledger's sum)
  is internal: the staff results only.

``staff_results()`` counts every record; ``public_results()`` only published ambassadors, published
leads and published projects (public fields only: no contact, note or officer ever leaves here).
Each runs a fixed number of queries whatever the number of ambassadors.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet

from projects.models import DuplicateFlag, DuplicateStatus

from .models import LEAD_STATUS_ORDER, Ambassador, Cohort, Lead, LeadStatus


@dataclass
class Results:
    leads: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEAD_STATUS_ORDER, 0))
    project_ids: set[int] = field(default_factory=set)
    signed_investment_wan: Decimal | None = None
    funds_in_place_wan: Decimal | None = None
    without_amount: int = 0
    _amounts: dict[int, tuple[Decimal, Decimal]] = field(default_factory=dict)

    @property
    def signed_projects(self) -> int:
        return len(self.project_ids)

    @property
    def status_rows(self) -> list[tuple[str, int]]:
        return [(LeadStatus(status).label, self.by_status[status]) for status in LEAD_STATUS_ORDER]

    def add_lead(self, status: str) -> None:
        self.leads += 1
        self.by_status[status] = self.by_status.get(status, 0) + 1

    def add_project(self, project_id: int, total: Decimal | None, in_place: Decimal | None) -> None:
        if project_id in self.project_ids:
            return
        self.project_ids.add(project_id)
        if total is None:
            self.without_amount += 1
        else:
            self.signed_investment_wan = (self.signed_investment_wan or Decimal("0")) + total
        if in_place is not None:
            self.funds_in_place_wan = (self.funds_in_place_wan or Decimal("0")) + in_place


@dataclass
class AmbassadorResults:
    ambassador: Ambassador
    results: Results


@dataclass
class CohortResults:
    cohort: Cohort | None
    results: Results
    ambassadors: list[AmbassadorResults]


def _collect(ambassadors: QuerySet[Ambassador], leads: QuerySet[Lead], *, public: bool) -> list[CohortResults]:
    ambassadors = list(ambassadors.select_related("cohort").order_by("-cohort__year", "cohort__name", "name", "id"))
    per_ambassador = {a.pk: AmbassadorResults(ambassador=a, results=Results()) for a in ambassadors}
    confirmed = DuplicateFlag.objects.filter(project_id=OuterRef("project_id"), status=DuplicateStatus.CONFIRMED)
    rows = (
        leads.filter(ambassador_id__in=per_ambassador.keys())
        .annotate(project_duplicate=Exists(confirmed))
        .values("ambassador_id", "status", "project_id", "project__signed_on", "project__is_published",
                "project__total_investment", "project__funds_in_place", "project_duplicate")
    )
    cohorts: dict[int | None, CohortResults] = {}
    for entry in per_ambassador.values():
        cohort = entry.ambassador.cohort
        if public and cohort is not None and not cohort.is_published:
            cohort = None
        key = cohort.pk if cohort else None
        cohorts.setdefault(key, CohortResults(cohort=cohort, results=Results(), ambassadors=[])).ambassadors.append(
            entry
        )
    cohort_of = {entry.ambassador.pk: key for key, group in cohorts.items() for entry in group.ambassadors}
    for row in rows:
        targets = (per_ambassador[row["ambassador_id"]].results, cohorts[cohort_of[row["ambassador_id"]]].results)
        signed = (
            row["project_id"] is not None
            and row["project__signed_on"] is not None
            and not row["project_duplicate"]
            and (row["project__is_published"] or not public)
        )
        for results in targets:
            results.add_lead(row["status"])
            if signed:
                # The funds in place is an internal figure (the funds ledger): staff results only.
                in_place = None if public else row["project__funds_in_place"]
                results.add_project(row["project_id"], row["project__total_investment"], in_place)
    return sorted(cohorts.values(), key=lambda group: (group.cohort is None, -(group.cohort.year if group.cohort else 0)))


def staff_results() -> list[CohortResults]:
    """Every ambassador, lead and project (the staff page)."""
    return _collect(Ambassador.objects.all(), Lead.objects.all(), public=False)


def public_results(ambassadors: QuerySet[Ambassador] | None = None) -> list[CohortResults]:
    """Published ambassadors, their published leads and published projects only."""
    base = Ambassador.objects.public() if ambassadors is None else ambassadors.filter(is_published=True)
    return _collect(base, Lead.objects.public(), public=True)


def public_results_for(ambassador: Ambassador) -> Results:
    """One published ambassador's public results (for the ambassador's public page): one query."""
    results = Results()
    if not ambassador.is_published:
        return results
    confirmed = DuplicateFlag.objects.filter(project_id=OuterRef("project_id"), status=DuplicateStatus.CONFIRMED)
    rows = (
        Lead.objects.public().filter(ambassador=ambassador)
        .annotate(project_duplicate=Exists(confirmed))
        .values("status", "project_id", "project__signed_on", "project__is_published",
                "project__total_investment", "project_duplicate")
    )
    for row in rows:
        results.add_lead(row["status"])
        if row["project_id"] and row["project__signed_on"] and row["project__is_published"] and not row[
            "project_duplicate"
        ]:
            results.add_project(row["project_id"], row["project__total_investment"], None)
    return results
