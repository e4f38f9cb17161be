"""
Change history of the ledger (django-simple-history), and how it is read back.

Every ledger model carries ``history = LedgerHistory(...)``: each create, change and delete writes
one historical row with who, when, why and the whole record as it then was. Services write
exactly one row per save, also when a save sets many-to-many fields (``save_with_history``), and
bulk actions go through the services record by record, so a bulk publish leaves one entry per
record as well.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, router
from django.utils import timezone
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
    # Copied by the database from the row just written, many-to-many sets included (no reads back).
    _copy_into_history(type(instance), tracker, [instance], created_ids={id(instance)} if created else set())


def save_many_with_history(instances: list[models.Model], *, m2m: dict[int, dict[str, list]] | None = None) -> None:
    """``save_with_history`` for many records of one model in a few queries (a batch import).

    Changed records are saved one by one, new ones inserted together; ``m2m`` maps ``id(instance)``
    to its many-to-many sets (replaced, as ``.set()`` does). Then ONE history entry per record,
    many-to-many included, built as simple-history builds it (who and why from ``_history_user``
    and ``_change_reason``).
    """
    if not instances:
        return
    model = type(instances[0])
    m2m = m2m or {}
    created = [instance for instance in instances if instance.pk is None]
    changed = [instance for instance in instances if instance.pk is not None]
    for instance in changed:
        instance.skip_history_when_saving = True
        try:
            instance.save()
        finally:
            del instance.skip_history_when_saving
    if created:
        model._default_manager.bulk_create(created, batch_size=500)
    for name in {name for sets in m2m.values() for name in sets}:
        _set_many(model, name, [(instance, m2m[id(instance)][name]) for instance in instances
                                if name in m2m.get(id(instance), {})])
    tracker = LedgerHistory.by_model.get(model)
    if tracker is None:
        return
    _copy_into_history(model, tracker, instances, created_ids={id(instance) for instance in created})


def _copy_into_history(model, tracker: LedgerHistory, instances: list[models.Model], *, created_ids: set[int]) -> None:
    """One history entry per record, copied by the database from the rows just written (``INSERT …
    SELECT``: no Python work per value), with the same who/why/type simple-history would give;
    then the many-to-many history of those entries, also copied from the link tables."""
    history_model = getattr(model, tracker.manager_name).model
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    source_table, history_table = quote(model._meta.db_table), quote(history_model._meta.db_table)
    pk_column = model._meta.pk.column
    tracked = tracker.fields_included(model)
    columns = [(quote(field.column), quote(history_model._meta.get_field(field.name).column)) for field in tracked]
    extra = [quote(history_model._meta.get_field(name).column)
             for name in ("history_date", "history_type", "history_user", "history_change_reason")]
    history_date = timezone.now()
    date_param = history_model._meta.get_field("history_date").get_db_prep_save(history_date, connection)
    groups: dict[tuple, list] = {}
    for instance in instances:
        history_type = "+" if id(instance) in created_ids else "~"
        user = tracker.get_history_user(instance)
        reason = tracker.get_change_reason_for_object(instance, history_type, None)
        groups.setdefault((history_type, user.pk if user is not None else None, reason), []).append(instance.pk)
    with connection.cursor() as cursor:
        for (history_type, user_id, reason), pks in groups.items():
            for start in range(0, len(pks), 500):
                chunk = pks[start:start + 500]
                cursor.execute(
                    f"INSERT INTO {history_table} ({', '.join(dst for _src, dst in columns)}, {', '.join(extra)}) "
                    f"SELECT {', '.join(src for src, _dst in columns)}, %s, %s, %s, %s FROM {source_table} "
                    f"WHERE {quote(pk_column)} IN ({', '.join(['%s'] * len(chunk))})",
                    [date_param, history_type, user_id, reason, *chunk],
                )
        for field in history_model._history_m2m_fields:
            m2m_history_model = tracker.m2m_models[field]
            through = field.remote_field.through
            link_columns = [(quote(f.column), quote(m2m_history_model._meta.get_field(f.name).column))
                            for f in through._meta.concrete_fields]
            history_fk = quote(m2m_history_model._meta.get_field("history").column)
            source_column = quote(through._meta.get_field(field.m2m_field_name()).column)
            history_pk = quote(history_model._meta.pk.column)
            history_record_pk = quote(history_model._meta.get_field(model._meta.pk.name).column)
            pks = [instance.pk for instance in instances]
            for start in range(0, len(pks), 500):
                chunk = pks[start:start + 500]
                cursor.execute(
                    f"INSERT INTO {quote(m2m_history_model._meta.db_table)} "
                    f"({', '.join(dst for _src, dst in link_columns)}, {history_fk}) "
                    f"SELECT {', '.join('link.' + src for src, _dst in link_columns)}, entry.{history_pk} "
                    f"FROM {quote(through._meta.db_table)} link JOIN {history_table} entry "
                    f"ON entry.{history_record_pk} = link.{source_column} "
                    f"WHERE entry.{extra[0]} = %s AND entry.{history_record_pk} IN ({', '.join(['%s'] * len(chunk))}) "
                    f"ORDER BY link.{quote(through._meta.pk.column)}",
                    [date_param, *chunk],
                )


def _set_many(model: type[models.Model], name: str, pairs: list[tuple[models.Model, list]]) -> None:
    """``getattr(instance, name).set(values)`` for many instances: one read, one delete, one insert."""
    field = model._meta.get_field(name)
    through = field.remote_field.through
    source, target = field.m2m_column_name(), field.m2m_reverse_name()
    wanted = {instance.pk: {value.pk if isinstance(value, models.Model) else value for value in values}
              for instance, values in pairs}
    current: dict = {}
    pks = list(wanted)
    for start in range(0, len(pks), 500):
        rows = through._default_manager.filter(**{f"{source}__in": pks[start:start + 500]})
        for pk, link_pk, other in rows.values_list(source, "pk", target):
            current.setdefault(pk, {})[other] = link_pk
    stale = [link_pk for pk, links in current.items() for other, link_pk in links.items() if other not in wanted[pk]]
    for start in range(0, len(stale), 500):
        through._default_manager.filter(pk__in=stale[start:start + 500]).delete()
    through._default_manager.bulk_create(
        [through(**{source: pk, target: other}) for pk, others in wanted.items()
         for other in sorted(others) if other not in current.get(pk, {})],
        batch_size=500,
    )


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


def display_value(field: models.Field, value) -> str:
    """A value as people read it: choice labels, 是/否, 未填 for empty, local time to the minute."""
    if value is None or value == "":
        return _("未填")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else (
            value.strftime("%Y-%m-%d %H:%M"))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def describe_changes(older, newer) -> list[FieldChange]:
    """The fields that differ between two historical rows of one record, as people read them.

    Many-to-many fields tracked by the history (a project's investors) are included; values are
    shown with choice labels and related records' names.
    """
    if older is None or newer is None:
        return []
    model = newer.instance_type
    # Bookkeeping and derived fields (not editable: a sort key kept from the name) are not changes a person made.
    derived = [f.name for f in model._meta.concrete_fields if not f.editable and not f.primary_key]
    delta = newer.diff_against(older, excluded_fields=[*DIFF_EXCLUDED_FIELDS, *derived], foreign_keys_are_objs=True)
    changes: list[FieldChange] = []
    for change in delta.changes:
        field = model._meta.get_field(change.field)
        label = str(field.verbose_name)
        if field.many_to_many:
            old = "、".join(sorted(_m2m_names(change.old, field))) or _("未填")
            new = "、".join(sorted(_m2m_names(change.new, field))) or _("未填")
        elif field.is_relation:
            old = display_value(field, change.old)
            new = display_value(field, change.new)
        else:
            old = display_value(field, change.old)
            new = display_value(field, change.new)
        changes.append(FieldChange(change.field, label, old, new))
    return changes


def _m2m_names(rows, field: models.ManyToManyField) -> list[str]:
    target = field.m2m_reverse_field_name()
    return [str(row.get(target)) for row in rows or []]


def format_changes(changes: list[FieldChange]) -> str:
    """One line: "总投资（万元）：1000.00 → 2000.00；摘要：未填 → 新摘要"."""
    return "；".join(
        _("%(label)s：%(old)s → %(new)s") % {"label": c.label, "old": c.old, "new": c.new} for c in changes
    )
