"""
The funds ledger (到位资金台账): its rule at the write door, its writes and its reads.

- Each ``FundsEntry`` is money that reached a project, dated as precisely as known; the project's
  ``funds_in_place`` is their sum, kept by the database (migration 0019's triggers).
- The entries of a project never add up to more than its total investment: the door refuses it
  with a message, under a lock on the project's row, so two entries written at the same moment
  cannot both pass (``FundsEntryRules``); the database's CHECK refuses it too.
- An entry is 已核实 (verified) when an evidence file is attached to it, 未核实 otherwise. The
  evidence files are the desk's, which registers how to tell (``register_evidence_source``): this
  module names no desk model.
- Figures for a year count the entries dated in that year (当年到位资金); the opening balance
  migrated from the old single figure has no date and belongs to no year.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.writes import RecordWrite, WriteRules, record_delete, record_save, register_rules

from .export_cells import export_cells_refresh_projects
from .models import FundsEntry, Project

ZERO = Decimal("0.00")

# Each returns, for ``OuterRef("pk")`` (a funds entry), a boolean expression: the entry has evidence.
_EVIDENCE_SOURCES: list[Callable[[], models.Expression]] = []


def register_evidence_source(source: Callable[[], models.Expression]) -> None:
    """An app that keeps evidence files says how to tell that an entry has one (``DeskConfig.ready``)."""
    if source not in _EVIDENCE_SOURCES:
        _EVIDENCE_SOURCES.append(source)


def verified_expression() -> models.Expression:
    """True for an entry with at least one evidence file (``OuterRef("pk")`` is the entry)."""
    if not _EVIDENCE_SOURCES:
        return models.Value(False, output_field=models.BooleanField())
    condition = functools.reduce(operator.or_, (Q(source()) for source in _EVIDENCE_SOURCES))
    return models.ExpressionWrapper(condition, output_field=models.BooleanField())


def with_verified(entries: QuerySet[FundsEntry]) -> QuerySet[FundsEntry]:
    """Annotate ``is_verified`` on each entry."""
    return entries.annotate(is_verified=verified_expression())


# -- the door ------------------------------------------------------------------------------------
class FundsEntryRules(WriteRules):
    """An entry stays on its project, is not dated in the future, and keeps the project's entries
    within its total investment (checked with the project's row locked)."""

    locked_fields = ("project_id",)

    def validate(self, write: RecordWrite) -> dict[str, list[str]]:
        entry = write.record
        errors: dict[str, list[str]] = {}
        if write.stored is not None and write.stored["project_id"] != entry.project_id:
            return {"project": [_("到位资金记录不能改挂到其他项目；请删除后在正确的项目下重新登记。")]}
        if write.is_new and entry.recorded_by_id is None and write.user is not None and write.user.is_authenticated:
            entry.recorded_by = write.user
        if entry.received_on is not None and entry.received_on > timezone.localdate():
            errors.setdefault("received_on", []).append(_("到位日期不能晚于今天。"))
        try:  # a form or a factory may hand over text; a bad amount is the field's own error (full_clean)
            amount = FundsEntry._meta.get_field("amount").to_python(entry.amount)
        except ValidationError:
            return errors
        if entry.project_id is None or amount is None:
            return errors
        # The project's row lock: a second entry of the same project waits here until this one is
        # written, then sees it in the sum.
        total = (Project.objects.select_for_update().filter(pk=entry.project_id).order_by()
                 .values_list("total_investment", flat=True).first())
        if total is None:
            return errors
        others = (FundsEntry.objects.filter(project_id=entry.project_id).exclude(pk=entry.pk)
                  .aggregate(total=Sum("amount"))["total"] or ZERO)
        if others + amount > total:
            errors.setdefault("amount", []).append(
                _("登记后到位资金合计为 %(sum)s 万元，超过项目总投资 %(total)s 万元，不能登记。"
                  "请核对金额，或先修改项目的总投资。")
                % {"sum": others + amount, "total": total}
            )
        return errors

    def after_save(self, write: RecordWrite) -> None:
        # The staff CSV line shows the project's funds in place.
        export_cells_refresh_projects(project_ids=[write.record.project_id])

    def after_delete(self, record: FundsEntry) -> None:
        export_cells_refresh_projects(project_ids=[record.project_id])


register_rules(FundsEntry, FundsEntryRules())


def funds_entry_save(
    *, entry: FundsEntry, user: AbstractBaseUser | None, expected_version: int | None = None, reason: str = "",
) -> FundsEntry:
    """Record or correct an entry through the door (one history entry); raises ``ValidationError``
    (in Chinese, by field) for an entry that would take the project past its total investment."""
    return record_save(record=entry, user=user, expected_version=expected_version, reason=reason)


def funds_entry_delete(*, entry: FundsEntry, user: AbstractBaseUser | None) -> None:
    """Remove an entry recorded by mistake (the permission is the reviewer's); its history stays."""
    record_delete(record=entry, user=user)


# -- reads ---------------------------------------------------------------------------------------
def funds_entries(
    *, projects: QuerySet[Project] | None = None, year: int | None = None, verified: bool | None = None,
) -> QuerySet[FundsEntry]:
    """The entries behind a funds figure: of ``projects`` (all when None), dated in ``year`` (any
    date, or none, when None), verified or not (``verified``; both when None). Annotated ``is_verified``."""
    entries = with_verified(FundsEntry.objects.all())
    if projects is not None:
        entries = entries.filter(project__in=projects.order_by().values("pk"))
    if year is not None:
        entries = entries.filter(received_on__year=year)
    if verified is not None:
        entries = entries.filter(is_verified=verified)
    return entries


def funds_in_place(
    *, projects: QuerySet[Project], year: int | None = None, verified: bool | None = None,
) -> Decimal:
    """到位资金 of ``projects`` in 万元: every entry, or those dated in ``year`` (当年到位资金), verified
    or unverified only with ``verified``. 0 when there is none. One query."""
    total = funds_entries(projects=projects, year=year, verified=verified).aggregate(total=Sum("amount"))["total"]
    return total if total is not None else ZERO


@dataclass(frozen=True)
class FundsSummary:
    """到位资金 of some projects (in a year, or in all): verified, unverified and, over all years, the
    part with no date (the opening balances)."""

    total: Decimal
    verified: Decimal
    unverified: Decimal
    undated: Decimal
    entries: int


def funds_summary(*, projects: QuerySet[Project], year: int | None = None) -> FundsSummary:
    """Every figure of ``FundsSummary`` in one query."""
    figures = funds_entries(projects=projects, year=year).aggregate(
        total=Sum("amount"), verified=Sum("amount", filter=Q(is_verified=True)),
        unverified=Sum("amount", filter=Q(is_verified=False)), undated=Sum("amount", filter=Q(received_on__isnull=True)),
        entries=models.Count("pk"),
    )
    return FundsSummary(
        total=figures["total"] or ZERO, verified=figures["verified"] or ZERO, unverified=figures["unverified"] or ZERO,
        undated=figures["undated"] or ZERO, entries=figures["entries"],
    )


def funds_in_place_by(
    *, projects: QuerySet[Project], key: str, year: int | None = None, verified: bool | None = None,
) -> dict[Any, Decimal]:
    """到位资金 of ``projects`` per value of the project field ``key`` (e.g. ``"responsible_unit"``,
    ``"officer_id"``), as ``funds_in_place`` counts it. One query."""
    rows = (funds_entries(projects=projects, year=year, verified=verified)
            .values(group=models.F(f"project__{key}")).annotate(total=Sum("amount")).order_by())
    return {row["group"]: row["total"] for row in rows}


def funds_years(*, projects: QuerySet[Project] | None = None) -> list[int]:
    """The years that have dated entries, latest first."""
    entries = FundsEntry.objects.filter(received_on__isnull=False)
    if projects is not None:
        entries = entries.filter(project__in=projects.order_by().values("pk"))
    days = entries.dates("received_on", "year", order="DESC")
    return [day.year for day in days]
