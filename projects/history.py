"""
Change history of the ledger (django-simple-history), and how it is read back.

Every ledger model carries ``history = LedgerHistory(...)``: each create, change and delete writes
one historical row with who, when, why and the whole record as it then was. Services write
exactly one row per save, also when a save sets many-to-many fields (``save_with_history``), and
bulk actions go through the services record by record, so a bulk publish leaves one entry per
record as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords

# Bookkeeping fields that change on every save; the diff shown to people leaves them out.
DIFF_EXCLUDED_FIELDS: tuple[str, ...] = ("updated_at", "created_at", "version")


class LedgerHistory(HistoricalRecords):
    """``HistoricalRecords`` that remembers itself per model, so a service can write one entry by hand."""

    by_model: dict[type[models.Model], LedgerHistory] = {}

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if self.cls is sender:
            LedgerHistory.by_model[sender] = self


def has_history(model: type[models.Model]) -> bool:
    return model in LedgerHistory.by_model


def save_with_history(
    instance: models.Model, *, m2m: dict[str, Any] | None = None, update_fields: list[str] | None = None
) -> None:
    """Save ``instance``, set its many-to-many fields, and write ONE history entry for all of it.

    simple-history on its own writes one entry for the save and one more per many-to-many
    change; an office worker sees one edit, so the history shows one. Who and why come from
    ``instance._history_user`` and ``instance._change_reason`` when set.
    """
    created = instance.pk is None
    tracker = LedgerHistory.by_model.get(type(instance))
    if tracker is None:
        instance.save(update_fields=update_fields)
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(values)
        return
    instance.skip_history_when_saving = True
    try:
        instance.save(update_fields=update_fields)
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(values)
    finally:
        del instance.skip_history_when_saving
    tracker.create_historical_record(instance, "+" if created else "~")


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


def _display(record, field: models.Field, value) -> str:
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def describe_changes(older, newer) -> list[FieldChange]:
    """The fields that differ between two historical rows of one record, as people read them.

    Many-to-many fields tracked by the history (a project's investors) are included; values are
    shown with choice labels and related records' names.
    """
    if older is None or newer is None:
        return []
    delta = newer.diff_against(older, excluded_fields=list(DIFF_EXCLUDED_FIELDS), foreign_keys_are_objs=True)
    model = newer.instance_type
    changes: list[FieldChange] = []
    for change in delta.changes:
        field = model._meta.get_field(change.field)
        label = str(field.verbose_name)
        if field.many_to_many:
            old = "、".join(sorted(_m2m_names(change.old, field))) or "—"
            new = "、".join(sorted(_m2m_names(change.new, field))) or "—"
        elif field.is_relation:
            old = _display(older, field, change.old)
            new = _display(newer, field, change.new)
        else:
            old = _display(older, field, change.old)
            new = _display(newer, field, change.new)
        changes.append(FieldChange(change.field, label, old, new))
    return changes


def _m2m_names(rows, field: models.ManyToManyField) -> list[str]:
    target = field.m2m_reverse_field_name()
    return [str(row.get(target)) for row in rows or []]


def format_changes(changes: list[FieldChange]) -> str:
    """One line: "总投资（万元）：1000.00 → 2000.00；摘要：— → 新摘要"."""
    return "；".join(
        _("%(label)s：%(old)s → %(new)s") % {"label": c.label, "old": c.old, "new": c.new} for c in changes
    )
