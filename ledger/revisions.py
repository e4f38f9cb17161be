"""
Pending revisions: a change to a published record, held until a reviewer approves it.

The write door (``ledger.writes``) holds a write when the record is published and reviewed
(``review_status``) and the writer may not publish it (``held_for_review``): instead of the live row
it stores a ``Revision`` with the fields that differ from the live row, the many-to-many sets
included. What the public sees (pages, anonymous API, exports, feeds, sitemap, figures) is read
from the live row, so it keeps the approved version. A writer's second edit of the same record
replaces their own pending revision (the form shows it to them, so nothing of it is lost).

``ledger.workflow.revision_approve`` writes a revision through the door (one history entry, the
public data version bump), refused when the record changed after the revision was proposed (its
``base_version``): two pending revisions never silently overwrite each other.
``ledger.workflow.revision_return`` sends one back with a reason. A delete of a public record by
someone who may not publish it is a pending revision too (``revision_propose_delete``): approved,
the record is deleted through the door; returned, it stays.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext as _

from .history import DIFF_EXCLUDED_FIELDS, FieldChange, display_value
from .models import ReviewStatus, Revision, RevisionAction, RevisionStatus
from .permissions import user_may

# Fields a revision never carries: bookkeeping and the workflow state (changed by ``ledger.workflow`` only).
_NOT_PROPOSED = (*DIFF_EXCLUDED_FIELDS, "is_published", "published_at", "review_status", "review_comment",
                 "archived_at", "archive_reason")


def _json(field: models.Field, value):
    """A field's value as JSON stores it (a decimal at the field's places, a date as ISO text)."""
    if isinstance(field, models.DecimalField) and value is not None:
        value = Decimal(value).quantize(Decimal(1).scaleb(-field.decimal_places))
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _proposable(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.editable and not f.primary_key and f.name not in _NOT_PROPOSED]


def _m2m_ids(values) -> list:
    return sorted(getattr(value, "pk", value) for value in values)


def proposed_changes(record: models.Model, *, m2m: dict[str, list], live: models.Model | None = None) -> dict:
    """The fields of ``record`` (and the sets of ``m2m``) that differ from its ``live`` row, JSON-ready."""
    if live is None:
        live = type(record)._default_manager.get(pk=record.pk)
    changes: dict = {}
    for field in _proposable(type(record)):
        new, old = _json(field, getattr(record, field.attname)), _json(field, getattr(live, field.attname))
        if new != old:
            changes[field.attname] = new
    for name, values in m2m.items():
        new = _m2m_ids(values)
        if new != _m2m_ids(getattr(live, name).values_list("pk", flat=True)):
            changes[name] = new
    return changes


def pending_revisions(record: models.Model) -> models.QuerySet:
    """The record's pending revisions, oldest first, with their authors."""
    return Revision.objects.filter(
        content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk,
        status=RevisionStatus.PENDING,
    ).select_related("author").order_by("created_at", "pk")


def pending_ids(model: type[models.Model]) -> models.QuerySet:
    """The ids of ``model``'s records with a pending revision (a subquery)."""
    return Revision.objects.filter(
        content_type=ContentType.objects.get_for_model(model), status=RevisionStatus.PENDING,
    ).values("object_id").distinct()


def _supersede_mine(record: models.Model, user: AbstractBaseUser) -> tuple[ContentType, Revision | None]:
    """Mark ``user``'s pending revision of ``record`` superseded; returns it (None: there was none)."""
    content_type = ContentType.objects.get_for_model(type(record))
    mine = Revision.objects.select_for_update().filter(
        content_type=content_type, object_id=record.pk, author=user, status=RevisionStatus.PENDING
    ).first()
    if mine is not None:
        mine.status = RevisionStatus.SUPERSEDED
        mine.save(update_fields=["status", "updated_at"])
    return content_type, mine


def revision_propose(
    *, record: models.Model, user: AbstractBaseUser, m2m: dict[str, list], reason: str, base_version: int,
    live: models.Model | None = None, merge: bool = False,
) -> Revision | None:
    """Store the write of ``record`` as ``user``'s pending revision, replacing their earlier one;
    None when it changes nothing. ``live``: the stored row, if the caller read it already.

    ``merge``: the write started from the live row, not from the earlier revision (an import row),
    so the earlier revision's changes are kept under the new ones, on the earlier base version (if
    the record moved on since, approving is refused as for any stale revision, never overwriting)."""
    changes = proposed_changes(record, m2m=m2m, live=live)
    content_type, mine = _supersede_mine(record, user)
    if merge and mine is not None and mine.action == RevisionAction.CHANGE:
        changes = {**mine.changes, **changes}
        base_version = min(base_version, mine.base_version)
        reason = "；".join(filter(None, [mine.reason, reason]))
    if not changes:
        return None
    return Revision.objects.create(
        content_type=content_type, object_id=record.pk, changes=changes, base_version=base_version,
        author=user, reason=reason,
    )


def revision_propose_delete(*, record: models.Model, user: AbstractBaseUser, reason: str, base_version: int) -> Revision:
    """Store ``user``'s delete of ``record`` as their pending revision (replacing their earlier one)."""
    content_type, _earlier = _supersede_mine(record, user)
    return Revision.objects.create(
        content_type=content_type, object_id=record.pk, action=RevisionAction.DELETE, changes={},
        base_version=base_version, author=user, reason=reason,
    )


def apply_revision(record: models.Model, revision: Revision) -> dict[str, list]:
    """Set the revision's proposed values on ``record`` (in memory); return its many-to-many sets."""
    model = type(record)
    m2m: dict[str, list] = {}
    for name, value in revision.changes.items():
        field = next((f for f in model._meta.concrete_fields if f.attname == name), None)
        if field is not None:
            target = field.target_field if field.is_relation else field
            setattr(record, name, None if value is None else target.to_python(value))
            continue
        try:
            field = model._meta.get_field(name)
        except Exception:  # FieldDoesNotExist: a field removed since
            continue
        if field.many_to_many:
            m2m[name] = list(value)
    return m2m


def revision_diff(revision: Revision, live: models.Model) -> list[FieldChange]:
    """What the revision changes, against the live record, as people read it (history's labels);
    for a pending deletion, every field the delete removes."""
    model = type(live)
    if revision.action == RevisionAction.DELETE:
        return [FieldChange(field.name, str(field.verbose_name),
                            display_value(field, getattr(live, field.name if field.is_relation else field.attname)),
                            _("（删除）"))
                for field in _proposable(model)]
    proposed = model._default_manager.get(pk=live.pk)
    m2m = apply_revision(proposed, revision)
    changes: list[FieldChange] = []
    for field in _proposable(model):
        if field.attname not in revision.changes:
            continue
        if field.is_relation:
            old, new = getattr(live, field.name), getattr(proposed, field.name)
        else:
            old, new = getattr(live, field.attname), getattr(proposed, field.attname)
        changes.append(FieldChange(field.name, str(field.verbose_name), display_value(field, old),
                                   display_value(field, new)))
    for name, ids in m2m.items():
        field = model._meta.get_field(name)
        related = field.related_model._default_manager
        old = "、".join(sorted(str(r) for r in getattr(live, name).all())) or _("未填")
        new = "、".join(sorted(str(r) for r in related.filter(pk__in=ids))) or _("未填")
        changes.append(FieldChange(name, str(field.verbose_name), old, new))
    return changes


def returned_to(user: AbstractBaseUser) -> list[tuple[type[models.Model], int]]:
    """What was sent back to ``user`` and waits for them: per model they may change but not publish,
    the returned records they may change (their own where the model names an officer) and their returned revisions not yet redone."""
    found: list[tuple[type[models.Model], int]] = []
    for model in apps.get_models():
        returned = returned_records(user, model)
        if returned is None:
            continue
        records, revisions = returned
        count = records.count() + revisions.count()
        if count:
            found.append((model, count))
    return found


def returned_records(user: AbstractBaseUser, model: type[models.Model]) -> tuple[models.QuerySet, models.QuerySet] | None:
    """The records of ``model`` returned to ``user`` and ``user``'s returned revisions of it not yet
    redone (two lazy querysets), or None when nothing of ``model`` can be returned to them (no review
    workflow, or they may not change it, or they publish it). The index's banner (``returned_to``)
    and the desk's list read this one definition, so they always agree."""
    names = {f.name for f in model._meta.concrete_fields}
    if "review_status" not in names or not user_may(user, model, "change") or user_may(user, model, "publish"):
        return None  # those who publish a model's records have nothing returned to them
    records = model._default_manager.filter(review_status=ReviewStatus.RETURNED)
    if "officer" in names:
        records = records.filter(officer=user)
    if "archived_at" in names:
        records = records.filter(archived_at__isnull=True)
    return records, returned_revisions(user, model)


def returned_revisions(user: AbstractBaseUser, model: type[models.Model]) -> models.QuerySet:
    """``user``'s returned revisions of ``model`` that they have not replaced with a newer one."""
    content_type = ContentType.objects.get_for_model(model)
    redone = Revision.objects.filter(
        content_type=content_type, author=user, object_id=models.OuterRef("object_id"),
        created_at__gt=models.OuterRef("created_at"),
    )
    return Revision.objects.filter(content_type=content_type, author=user, status=RevisionStatus.RETURNED).exclude(
        models.Exists(redone))
