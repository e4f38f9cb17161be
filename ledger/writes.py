"""
The write door: every change to a ledger record enters here, whoever makes it.

Admin forms, inlines, bulk and workflow actions, reverts, imports, the desk, management commands and
the seed loader all write through this module (only the demo generator COPYs around it, on purpose),
which does, once and in one transaction:

1. the permission (``add``/``change``/``delete`` of the record's model; none for a system write,
   ``user=None``);
2. the row lock and the optimistic version check (a stale ``expected_version`` is refused with
   ``StaleVersionError``, naming who changed what);
3. the defaults: a new record entered by someone who may not publish starts as a draft; a blank
   slug becomes the pinyin of the name;
4. validation: the model's fields and ``clean()``, its unique constraints, and the domain's rules
   for the model (``WriteRules``, registered by the domain app: the stage table for projects);
5. the write, many-to-many sets included, with exactly one history entry naming the user and the
   reason;
6. the domain's after-write step (a project's milestones and duplicate-signing check), and the
   public-data version bump when the transaction commits.

A change to a PUBLISHED reviewed record by someone who may not publish it is validated the same
way but held for review (``RecordWrite.held_for_review``): ``commit`` stores it as a pending
``Revision`` (``ledger.revisions``) and leaves the live row, its history and the public data as
they are, whichever path the write came by (form, inline, revert, import, API).

``record_prepare`` does steps 1-4 and returns a ``RecordWrite`` whose ``commit`` does 5-6; a form
prepares the write while it validates (so refusals appear next to the fields) and the admin
commits that same write. ``record_save`` is both. ``record_delete`` deletes through the same
checks and holds the delete of a public record for review. A batch of writes (imports) locks with
``records_lock``, prepares each record against what the batch read once (``BatchLookups``) and
commits them with ``batch_commit``. ``state_save`` writes the workflow's changes of state,
``follow_on_save`` the records a rule appends (milestones), ``record_write`` the desk's records.

The public models and their internal fields are declared by their apps (``register_governed``).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from .cache import public_pages_changed
from .history import describe_changes, format_changes, has_history, save_many_with_history, save_with_history
from .models import Revision
from .people import display_name
from .permissions import perm, user_may
from .revisions import revision_propose, revision_propose_delete
from .slugs import slug_from_name, unique_slug


class StaleVersionError(ValidationError):
    """Somebody saved the record after this writer loaded it: the write is refused, not merged.

    A ``ValidationError``, so the admin shows it on the form and the API answers 400 (409 where
    the API maps it). ``changes`` lists what the other writer changed, field by field.
    """

    def __init__(self, *, record: models.Model, loaded_version: int, current_version: int):
        self.record = record
        self.loaded_version = loaded_version
        self.current_version = current_version
        self.changes, editors = _changes_since(record, loaded_version)
        self.editors = editors
        message = _(
            "保存失败：此记录在您打开后已被%(editors)s修改（您打开的是第 %(loaded)s 版，当前为第 %(current)s 版），"
            "您的修改未保存。对方的改动：%(changes)s。请重新打开此记录，在最新版本上修改。"
        ) % {
            "editors": editors or _("他人"),
            "loaded": loaded_version,
            "current": current_version,
            "changes": format_changes(self.changes) or _("（无字段变化）"),
        }
        super().__init__(message, code="stale")


def _changes_since(record: models.Model, loaded_version: int):
    """What changed between the version a writer loaded and the stored one, and by whom."""
    if not has_history(type(record)):
        return [], ""
    rows = list(
        type(record).history.filter(**{record._meta.pk.attname: record.pk})
        .select_related("history_user").order_by("history_date", "history_id")
    )
    loaded = [row for row in rows if row.version <= loaded_version]
    if not loaded or not rows:
        return [], ""
    base, latest = loaded[-1], rows[-1]
    editors = sorted({
        display_name(row.history_user)
        for row in rows if row.version > loaded_version and row.history_user is not None
    })
    return describe_changes(base, latest), "、".join(editors)


# Review, publication and archive state: changed only by the services in ``ledger.workflow``.
WORKFLOW_FIELDS: tuple[str, ...] = (
    "is_published", "published_at", "review_status", "review_comment", "archived_at", "archive_reason",
)


@functools.cache
def _field_names(model: type[models.Model]) -> frozenset[str]:
    return frozenset(f.name for f in model._meta.concrete_fields)


def publish_permission(model: type[models.Model] | models.Model) -> str:
    """``app_label.publish_<model>``: the reviewer's permission to publish and unpublish."""
    return perm(model, "publish")


class FieldPermissionDenied(PermissionDenied):
    """A permission refusal about one field (a form shows it next to that field)."""

    def __init__(self, message: str, *, field: str):
        super().__init__(message)
        self.field = field


# -- locking ----------------------------------------------------------------------------------
def locked_versions(model: type[models.Model], pks: Iterable, *, extra: Iterable[str] = ()) -> dict:
    """Lock the rows ``pks`` (one query) and return, per pk, the version, the workflow fields and
    the ``extra`` columns."""
    names = _field_names(model)
    columns = (["version"] if "version" in names else []) + [n for n in WORKFLOW_FIELDS if n in names]
    # No ordering: a default ordering over a nullable join cannot be locked on PostgreSQL.
    rows = model._default_manager.select_for_update().filter(pk__in=list(pks)).order_by()
    return {row["pk"]: row for row in rows.values(*columns, *extra, "pk")}


def check_version(*, record: models.Model, current: int, expected_version: int | None) -> None:
    """The optimistic lock: refuse a write made on an older version than the stored ``current``."""
    if expected_version is not None and int(expected_version) != current:
        raise StaleVersionError(record=record, loaded_version=int(expected_version), current_version=current)


def apply_locked_version(
    *, record: models.Model, stored: dict | None, expected_version: int | None, keep_workflow: bool
) -> None:
    """Check ``record`` against its locked stored row (None: it is gone) and move its version on.

    With ``keep_workflow`` (every write by a person) an edit never changes the workflow state: the
    review, publication and archive fields keep their stored values, so an edit form, a revert or
    an import cannot publish a record; only ``ledger.workflow`` changes them. System writes (seed
    loader, imports without a user) may set them as given.
    """
    if stored is None:
        raise ValidationError(_("该记录已不存在，可能已被删除。"), code="gone")
    names = _field_names(type(record))
    if keep_workflow:
        for name in WORKFLOW_FIELDS:
            if name in names:
                setattr(record, name, stored[name])
    if "version" not in names:
        return
    check_version(record=record, current=stored["version"], expected_version=expected_version)
    record.version = stored["version"] + 1


def lock_fresh(record: models.Model, *, expected_version: int | None) -> models.Model:
    """The stored record, locked until the transaction ends, its version checked and moved on
    (the workflow's changes of state start from what is stored, not from what a page showed)."""
    fresh = type(record)._default_manager.select_for_update().get(pk=record.pk)
    if "version" in _field_names(type(record)):
        check_version(record=fresh, current=fresh.version, expected_version=expected_version)
        fresh.version += 1
    return fresh


# -- governed public models ------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Governance:
    """How the door governs a model the public sees (``register_governed``).

    ``published``: the field saying whether a record is on the public site, a function of the
    record for one whose visibility follows another (a milestone follows its project), or None for a
    record that is always public (a sector or honour named on every public page). ``publisher``: the
    permission that publishes it and decides its pending revisions. ``internal``: the fields never
    shown to the public (a staff note, the 招商专员), written at once even on a published record.
    """

    published: str | Callable[[models.Model], bool] | None
    publisher: str
    internal: frozenset[str]

    def is_public(self, record: models.Model, stored: dict | None = None) -> bool:
        if self.published is None:
            return True
        if callable(self.published):
            return bool(self.published(record))
        if stored is not None and self.published in stored:
            return bool(stored[self.published])
        return bool(getattr(record, self.published))


_GOVERNED: dict[type[models.Model], Governance] = {}


def register_governed(
    model: type[models.Model], *, published: str | Callable[[models.Model], bool] | None = "is_published",
    publisher: str | None = None, internal: Iterable[str] = (),
) -> None:
    """A domain app declares (from its ``AppConfig.ready``) a model the public sees: a change or a
    delete of a public record by someone without ``publisher`` is held for review, except for the
    ``internal`` fields, which are never public."""
    names = {f.name for f in model._meta.concrete_fields}
    unknown = set(internal) - names
    if unknown:
        raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
    _GOVERNED[model] = Governance(
        published=published, publisher=publisher or publish_permission(model), internal=frozenset(internal),
    )


def governance_for(model: type[models.Model] | models.Model) -> Governance | None:
    return _GOVERNED.get(model if isinstance(model, type) else type(model))


def governed_models() -> tuple[type[models.Model], ...]:
    """Every model the public sees, as the apps declared them."""
    return tuple(_GOVERNED)


def internal_fields(model: type[models.Model] | models.Model) -> frozenset[str]:
    """The fields of ``model`` that no public page, API answer, export, feed or sitemap shows."""
    governance = governance_for(model)
    return governance.internal if governance is not None else frozenset()


def publisher_permission(model: type[models.Model] | models.Model) -> str:
    """The permission that publishes ``model``'s records and decides their pending revisions."""
    governance = governance_for(model)
    return governance.publisher if governance is not None else publish_permission(model)


def user_may_publish(user: AbstractBaseUser | None, model: type[models.Model] | models.Model) -> bool:
    """Whether ``user`` publishes ``model``'s records (None: a system write, always)."""
    if user is None:
        return True
    return bool(user.is_active and user.has_perm(publisher_permission(model)))


def is_public(record: models.Model) -> bool:
    """Whether the stored ``record`` is on the public site (a governed model's rule; False otherwise)."""
    governance = governance_for(record)
    return governance is not None and record.pk is not None and governance.is_public(record)


# -- the domain's rules -----------------------------------------------------------------------
class WriteRules:
    """What a domain adds to the door for one model (``register_rules``); the default adds nothing."""

    # Stored columns read with the row lock, for rules that compare with the stored record.
    locked_fields: tuple[str, ...] = ()

    def validate(self, write: RecordWrite) -> dict[str, list[str]]:
        """Refusals by field; may raise ``PermissionDenied``. May stash work for ``after_save``."""
        return {}

    def after_save(self, write: RecordWrite) -> None:
        """Writes that follow the record's, in the same transaction (e.g. milestones)."""

    def after_batch(self, writes: list[RecordWrite]) -> None:
        """``after_save`` for many live writes committed together (``batch_commit``)."""
        for write in writes:
            self.after_save(write)

    def after_delete(self, record: models.Model) -> None:
        """Writes that follow the record's delete (``record_delete``), in the same transaction."""

    def after_state_change(self, record: models.Model, changed: list[str]) -> None:
        """Writes that follow a change of workflow state (``ledger.workflow``: published, review,
        archive), in the same transaction; ``changed`` names the fields the change wrote."""

    def publish_errors(self, record: models.Model) -> dict[str, list[str]]:
        """What stops ``record`` from being published, by field."""
        return {}

    # The links to other publishable records that the record's public page shows (None: every
    # foreign key and many-to-many set to a model with ``is_published``). Publishing the record
    # while one of them is unpublished is refused, or publishes them together (``ledger.workflow``).
    shown_relations: tuple[str, ...] | None = None

    def unpublished_shown(self, record: models.Model) -> list[models.Model]:
        """The unpublished records ``record``'s public page would show (one query per set link)."""
        names = self.shown_relations
        if names is None:
            names = tuple(
                f.name for f in record._meta.get_fields()
                if (f.many_to_one or f.many_to_many) and f.concrete and f.related_model is not None
                and "is_published" in _field_names(f.related_model)
            )
        shown: list[models.Model] = []
        for name in names:
            field = record._meta.get_field(name)
            if field.many_to_many:
                shown.extend(getattr(record, name).filter(is_published=False))
            elif getattr(record, field.attname) is not None:
                shown.extend(field.related_model._default_manager.filter(
                    pk=getattr(record, field.attname), is_published=False))
        return shown


_RULES: dict[type[models.Model], WriteRules] = {}
_NO_RULES = WriteRules()


def register_rules(model: type[models.Model], rules: WriteRules) -> None:
    """A domain app names its rules for ``model`` (from its ``AppConfig.ready``)."""
    _RULES[model] = rules


def rules_for(model: type[models.Model]) -> WriteRules:
    return _RULES.get(model, _NO_RULES)


# -- the door ---------------------------------------------------------------------------------
_UNREAD = object()


@dataclasses.dataclass
class RecordWrite:
    """One prepared write: checked and validated, not yet written (``commit``)."""

    record: models.Model
    user: AbstractBaseUser | None
    m2m: dict[str, list]
    reason: str
    stored: dict | None  # the locked stored row's columns; None for a new record
    options: dict[str, Any] = dataclasses.field(default_factory=dict)  # what the domain's rules take (a milestone note)
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)  # what the rules computed for after_save
    committed: bool = False
    held_for_review: bool = False  # a published record changed by a non-reviewer: becomes a Revision
    merge_pending: bool = False  # held: keep the writer's earlier pending changes (a write from the live row)
    revision: Revision | None = None  # the pending revision ``commit`` stored (held writes only)

    @property
    def is_new(self) -> bool:
        return self.stored is None

    def commit(self) -> models.Model:
        """Write the record and its many-to-many sets (one history entry), then the domain's writes.

        A write held for review is stored as the writer's pending revision instead: the live row,
        its history and the public data stay as they are."""
        if self.committed:
            raise RuntimeError("A RecordWrite is committed once.")
        self.committed = True
        if self.held_for_review:
            with transaction.atomic(savepoint=False):
                live = type(self.record)._default_manager.get(pk=self.record.pk)
                applied, base_version = self._apply_internal(live)
                self.revision = revision_propose(
                    record=self.record, user=self.user, m2m=self.m2m, reason=self.reason,
                    base_version=base_version, live=live, merge=self.merge_pending,
                )
            if self.revision is not None or not applied:
                self.record._held_revision = self.revision
            return self.record
        # No savepoint of its own: a failure here fails the caller's transaction, which must not commit.
        with transaction.atomic(savepoint=False):
            self._write()
        return self.record

    def _write(self) -> None:
        attribute(self.record, user=self.user, reason=self.reason)
        save_with_history(self.record, m2m=self.m2m)
        rules_for(type(self.record)).after_save(self)
        public_pages_changed()

    def _apply_internal(self, live: models.Model) -> tuple[bool, int]:
        """Write at once the internal fields (never public) a held write changes, on the ``live``
        row; the public ones wait for review. Returns whether it wrote, and the version the
        revision is based on."""
        names = internal_fields(self.record)
        changed = [f for f in self.record._meta.concrete_fields
                   if f.name in names and getattr(self.record, f.attname) != getattr(live, f.attname)]
        version = self.stored.get("version", 0)
        if not changed:
            return False, version
        for field in changed:
            setattr(live, field.attname, getattr(self.record, field.attname))
        if "version" in _field_names(type(live)):
            live.version = version + 1
        RecordWrite(record=live, user=self.user, m2m={}, reason=self.reason, stored=self.stored,
                    options=self.options, committed=True)._write()
        return True, getattr(live, "version", 0)


def require_write_permission(*, record: models.Model, user: AbstractBaseUser | None, approving: bool = False) -> None:
    """A user (None: a system write) needs the add or change permission for the record's model
    (the publish permission when approving a pending revision)."""
    action = "add" if record.pk is None else "change"
    if not (user_may_publish(user, record) if approving else user_may(user, record, action)):
        raise PermissionDenied(
            _("您没有权限%(action)s%(model)s。")
            % {"action": _("新增") if action == "add" else _("修改"), "model": record._meta.verbose_name}
        )


def start_as_draft(*, record: models.Model, user: AbstractBaseUser | None) -> None:
    """A new record entered by someone who may not publish starts as an unpublished draft."""
    if record.pk is not None or user is None or user.has_perm(publish_permission(record)):
        return
    names = _field_names(type(record))
    if "is_published" in names:
        record.is_published = False
    if "published_at" in names:
        record.published_at = None
    if "review_status" in names:
        record.review_status = "draft"


def needs_review(*, record: models.Model, user: AbstractBaseUser | None, stored: dict | None) -> bool:
    """Whether a write (or a delete) is held as a pending revision: a person who may not publish
    changes a public record of a governed model (``register_governed``)."""
    governance = governance_for(record)
    if governance is None or user is None or stored is None or user.has_perm(governance.publisher):
        return False
    return governance.is_public(record, stored)


def attribute(record: models.Model, *, user: AbstractBaseUser | None, reason: str = "") -> None:
    """Say who makes the next write and why; the change history records both."""
    if user is not None and user.is_authenticated:
        record._history_user = user
    if reason:
        record._change_reason = reason


def record_prepare(
    *,
    record: models.Model,
    user: AbstractBaseUser | None = None,
    expected_version: int | None = None,
    m2m: dict[str, Iterable] | None = None,
    reason: str = "",
    options: dict[str, Any] | None = None,
    exclude: Iterable[str] = (),
    lookups: BatchLookups | None = None,
    stored: dict | None | object = _UNREAD,
    approving: bool = False,
    merge_pending: bool = False,
) -> RecordWrite:
    """Steps 1-4 of the door (see the module): call inside a transaction, then ``commit()``.

    ``exclude``: fields a form has already validated itself (its own field errors). ``lookups`` and
    ``stored``: a batch's reads (unique values, the locked stored row) instead of a query each.
    ``approving``: a reviewer writes a pending revision (``ledger.workflow.revision_approve``): the
    publish permission stands for the change permission and the write is never held.
    ``merge_pending``: the record was read from the live row (an import row), so a held write
    keeps the writer's earlier pending changes instead of replacing them (``revision_propose``).
    Raises ``ValidationError`` (by field) or ``PermissionDenied``.
    """
    model = type(record)
    rules = rules_for(model)
    require_write_permission(record=record, user=user, approving=approving)
    if record.pk is not None:
        record._state.adding = False  # e.g. a historical version being reverted
        if stored is _UNREAD:
            extra = {*rules.locked_fields, *unique_field_names(model)}
            stored = locked_versions(model, [record.pk], extra=sorted(extra)).get(record.pk)
        apply_locked_version(record=record, stored=stored, expected_version=expected_version,
                             keep_workflow=user is not None)
    else:
        stored = None
        if "version" in _field_names(model):
            record.version = 1
        start_as_draft(record=record, user=user)
    if "slug" in _field_names(model) and hasattr(record, "name"):
        ensure_slug(record, lookups=lookups)
    write = RecordWrite(
        record=record, user=user, reason=reason, stored=stored, options=dict(options or {}),
        m2m={name: list(values) for name, values in (m2m or {}).items() if values is not None},
        held_for_review=not approving and needs_review(record=record, user=user, stored=stored),
        merge_pending=merge_pending,
    )
    errors = {name: list(messages) for name, messages in rules.validate(write).items()}
    unchanged = [name for name in unique_field_names(model)
                 if stored is not None and name in stored and stored[name] == getattr(record, name)]
    try:
        full_clean_fast(record, exclude=["version", *exclude], lookups=lookups, unchanged=unchanged)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return write


@transaction.atomic
def record_save(
    *,
    record: models.Model,
    user: AbstractBaseUser | None = None,
    expected_version: int | None = None,
    m2m: dict[str, Iterable] | None = None,
    reason: str = "",
    options: dict[str, Any] | None = None,
) -> models.Model:
    """The door in one call: check, validate and write ``record`` (see the module).

    ``m2m`` maps many-to-many field names to their new sets; ``options`` goes to the domain's
    rules (a project's ``milestone_note``).
    """
    return record_prepare(
        record=record, user=user, expected_version=expected_version, m2m=m2m, reason=reason, options=options,
    ).commit()


@transaction.atomic
def record_delete(
    *, record: models.Model, user: AbstractBaseUser | None = None, reason: str = "", approving: bool = False,
) -> Revision | None:
    """Delete through the door: the permission, a lock on the row, refusal while other records
    use it (``records_using``), one history entry, the domain's ``after_delete`` step (what is
    derived from the record follows it), the public-data bump.

    A public record of a governed model deleted by someone who may not publish it is not deleted:
    the delete is stored as their pending revision (returned; also on ``record._held_revision``)
    and done when a reviewer approves it. ``approving``: that reviewer's delete (the publish
    permission stands for the delete permission)."""
    allowed = user_may_publish(user, record) if approving else user_may(user, record, "delete")
    if not allowed:
        raise PermissionDenied(_("您没有权限删除%(model)s。") % {"model": record._meta.verbose_name})
    stored = locked_versions(type(record), [record.pk]).get(record.pk)
    in_use = records_using(record)
    if in_use:
        raise ValidationError(
            _("“%(name)s”仍被 %(count)d 条记录使用（%(examples)s），不能删除。请先修改这些记录。")
            % {"name": record, "count": len(in_use), "examples": "、".join(str(r) for r in in_use[:5])},
            code="in_use",
        )
    if not approving and needs_review(record=record, user=user, stored=stored):
        record._held_revision = revision_propose_delete(
            record=record, user=user, reason=reason, base_version=stored.get("version", 0))
        return record._held_revision
    attribute(record, user=user, reason=reason)
    record.delete()
    rules_for(type(record)).after_delete(record)
    public_pages_changed()
    return None


def state_save(record: models.Model, *, user: AbstractBaseUser | None, reason: str, changed: list[str]) -> None:
    """Write a change of workflow state (``ledger.workflow``, on a row it locked with ``lock_fresh``):
    the changed fields and the model's ``clean()`` are validated, the other fields are the stored
    ones; one history entry, the rules' ``after_state_change``, the public-data bump."""
    full_clean_fast(record, exclude=[f.name for f in record._meta.concrete_fields if f.name not in changed])
    attribute(record, user=user, reason=reason)
    names = _field_names(type(record))
    save_with_history(record, update_fields=[n for n in (*changed, "version", "updated_at") if n in names])
    rules_for(type(record)).after_state_change(record, changed)
    public_pages_changed()


def record_write(
    *, record: models.Model, user: AbstractBaseUser | None, reason: str = "", m2m: dict[str, Iterable] | None = None,
    exclude: Iterable[str] = (), validate: bool = True,
) -> models.Model:
    """A record no public page shows (the desk's 督办 items, visits, tasks, evidence): the permission,
    ``full_clean()`` (unless the caller validated it, ``validate=False``), one history entry. No review
    and no public-data bump: nothing public changes. The caller locks a stored row it edits."""
    action = "add" if record.pk is None else "change"
    if not user_may(user, record, action):
        raise PermissionDenied(_("您没有权限%(action)s%(model)s。") % {
            "action": _("新增") if action == "add" else _("修改"), "model": record._meta.verbose_name})
    if validate:
        record.full_clean(exclude=list(exclude))
    attribute(record, user=user, reason=reason)
    save_with_history(record, m2m={name: list(values) for name, values in (m2m or {}).items()})
    return record


def follow_on_save(records: Iterable[models.Model], *, user: AbstractBaseUser | None, together: bool = False) -> None:
    """Records a rule writes after its record's (a project's new milestones, validated by the rule),
    one history entry each: from ``after_save``/``after_batch`` (``together``: in a few queries), or
    alone (``milestone_record``)."""
    records = list(records)
    for record in records:
        attribute(record, user=user)
    if together:
        save_many_with_history(records)
        return
    for record in records:
        save_with_history(record)


def records_lock(model: type[models.Model], pks: Iterable) -> dict:
    """Lock many stored rows for a batch in one query: per pk, what ``record_prepare(stored=...)``
    takes (the version, the workflow fields, the columns the model's rules read)."""
    return locked_versions(model, pks, extra=rules_for(model).locked_fields)


def batch_commit(writes: list[RecordWrite]) -> list[models.Model]:
    """Commit many prepared writes of one model in a few queries (a spreadsheet import): the held
    ones as pending revisions, the live ones saved together with one history entry each, then the
    rules' ``after_batch`` step and one public-data bump. Same result as committing each."""
    live = [write for write in writes if not write.held_for_review]
    with transaction.atomic(savepoint=False):
        for write in writes:
            if write.held_for_review:
                write.commit()
        for write in live:
            attribute(write.record, user=write.user, reason=write.reason)
            write.committed = True
        if live:
            save_many_with_history([w.record for w in live], m2m={id(w.record): w.m2m for w in live if w.m2m})
            rules_for(type(live[0].record)).after_batch(live)
            public_pages_changed()
    return [write.record for write in live]


def records_using(record: models.Model) -> list[models.Model]:
    """Up to a few history-tracked records that a delete of ``record`` would silently change: those
    linked to it by a many-to-many set or a link the delete would empty (SET_NULL). Django's
    PROTECT already refuses the others."""
    using: list[models.Model] = []
    for relation in record._meta.related_objects:
        silent = relation.many_to_many or getattr(relation, "on_delete", None) in (models.SET_NULL, models.SET_DEFAULT)
        if silent and has_history(relation.related_model):
            using.extend(getattr(record, relation.get_accessor_name()).all()[:5])
    return using


def ensure_slug(instance: models.Model, *, source: str | None = None, lookups: BatchLookups | None = None) -> None:
    """Give a record without a slug a unique pinyin slug of its name."""
    if not instance.slug:
        max_length = instance._meta.get_field("slug").max_length
        if lookups is not None:
            instance.slug = lookups.unique_slug(str(source or instance.name), max_length=max_length)
            return
        instance.slug = unique_slug(
            type(instance), source or str(instance.name), exclude_pk=instance.pk, max_length=max_length
        )


class BatchLookups:
    """The database questions of many writes of one model, answered from what was read once.

    Single-field unique checks (a unique field, or a ``UniqueConstraint`` on one field whose condition
    compares that field with constants): ``prefetch`` reads which of many values are taken in one
    query, and each validated record claims its value, so two records of the same batch cannot take
    the same one. A value not prefetched is read when asked. Slugs are handed out as ``unique_slug``
    does, counting the ones this batch already gave. Related records attached to an instance were
    read in the batch's own transaction, so their existence is not asked again.
    """

    def __init__(self, model: type[models.Model]):
        self.model = model
        self._holders: dict[str, dict] = {}  # field -> value -> set of pks (or ids of new instances)
        self._claimed: dict[tuple[str, object], object] = {}  # (field, holder) -> value it holds
        self._slugs_given: set[str] = set()
        self._slug_prefix_taken: dict[str, set[str]] = {}

    # -- unique values ------------------------------------------------------------------------
    def prefetch(self, field: str, values: Iterable) -> None:
        holders = self._holders.setdefault(field, {})
        wanted = list({value for value in values if value not in holders})
        condition = self._condition(field)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            for value in chunk:
                holders.setdefault(value, set())
            rows = self.model._default_manager.filter(**{f"{field}__in": chunk})
            if condition is not None:
                rows = rows.filter(condition)
            for value, pk in rows.order_by().values_list(field, "pk"):
                holders[value].add(pk)
                self._claimed[(field, pk)] = value

    def _condition(self, field: str) -> models.Q | None:
        for constraint in self.model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint) and tuple(constraint.fields) == (field,):
                return constraint.condition
        return None

    def _holders_of(self, field: str, value) -> set:
        if value not in self._holders.get(field, {}):
            self.prefetch(field, [value])
        return self._holders[field][value]

    def unique_checks(self) -> list[tuple[str, models.Q | None, str]] | None:
        """(field, condition, message) for every unique check of the model, None when one of them is
        beyond what a batch answers (several fields, expressions, a condition on other fields)."""
        if not hasattr(self, "_unique_checks"):
            self._unique_checks = self._read_unique_checks()
        return self._unique_checks

    def _read_unique_checks(self) -> list[tuple[str, models.Q | None, str]] | None:
        checks = []
        unique_checks, _date_checks = self.model()._get_unique_checks(include_meta_constraints=False)
        for _model, names in unique_checks:
            if len(names) != 1 or names[0] == self.model._meta.pk.name:
                if len(names) != 1:
                    return None
                continue
            checks.append((names[0], None, self.model().unique_error_message(self.model, names).messages[0]))
        for constraint in self.model._meta.constraints:
            if not isinstance(constraint, models.UniqueConstraint):
                continue
            if len(constraint.fields) != 1 or constraint.expressions or not _simple_condition(
                constraint.condition, constraint.fields[0]
            ):
                return None
            checks.append((constraint.fields[0], constraint.condition, constraint.get_violation_error_message()))
        return checks

    def taken(self, instance: models.Model, field: str) -> bool:
        """Whether another record (stored, or earlier in the batch) holds ``instance``'s value of ``field``."""
        holder = instance.pk if instance.pk is not None else id(instance)
        return bool(self._holders_of(field, getattr(instance, field)) - {holder})

    def check_unique(self, instance: models.Model, *, exclude: set[str]) -> dict[str, list[str]]:
        """The unique errors of ``instance`` (by field), and its claim on its values when there are none."""
        checks = self.unique_checks()
        if checks is None:  # pragma: no cover - every ledger model's checks are single-field
            raise ValueError(f"BatchLookups cannot check {self.model.__name__}")
        errors: dict[str, list[str]] = {}
        holder = instance.pk if instance.pk is not None else id(instance)
        claims = []
        for field, condition, message in checks:
            if field in exclude:
                continue
            value = getattr(instance, field)
            if condition is not None and not _condition_holds(condition, field, value):
                continue
            others = self._holders_of(field, value) - {holder}
            if others:
                errors.setdefault(field, []).append(message)
            else:
                claims.append((field, value))
        if not errors:
            for field, value in claims:
                previous = self._claimed.get((field, holder))
                if previous is not None and previous != value:
                    self._holders[field].get(previous, set()).discard(holder)
                self._holders[field][value].add(holder)
                self._claimed[(field, holder)] = value
        return errors

    # -- slugs --------------------------------------------------------------------------------
    def prefetch_slugs(self, names: Iterable[str], *, max_length: int) -> None:
        """Read at once whether the slugs of many names are taken (new records' names)."""
        self.prefetch("slug", [self._slug_base(name, max_length) for name in names if name])

    def _slug_base(self, name: str, max_length: int) -> str:
        cache = self.__dict__.setdefault("_slug_bases", {})
        if (name, max_length) not in cache:
            cache[name, max_length] = slug_from_name(name, max_length=max_length - 4)
        return cache[name, max_length]

    def unique_slug(self, name: str, *, max_length: int) -> str:
        """``slugs.unique_slug`` for a record of this batch: also avoids slugs the batch gave."""
        base = self._slug_base(name, max_length)
        if base not in self._slug_prefix_taken and base not in self._slugs_given and not self._holders_of(
            "slug", base
        ):
            taken: set[str] = set()  # the base is free: nothing else about the prefix matters.
        else:
            taken = self._slug_prefix_taken.get(base)
            if taken is None:
                taken = set(self.model._default_manager.filter(slug__startswith=base).values_list("slug", flat=True))
                self._slug_prefix_taken[base] = taken
        candidate, n = base, 1
        while candidate in taken or candidate in self._slugs_given:
            n += 1
            candidate = f"{base}-{n}"
        self._slugs_given.add(candidate)
        return candidate


def _simple_condition(condition, field: str) -> bool:
    """A condition ``_condition_holds`` can evaluate: exact comparisons of ``field`` with constants."""
    if condition is None:
        return True
    if not isinstance(condition, models.Q):
        return False
    for child in condition.children:
        if isinstance(child, models.Q):
            if not _simple_condition(child, field):
                return False
        elif child[0] not in (field, f"{field}__exact") or isinstance(child[1], (models.F, models.Expression)):
            return False
    return True


def _condition_holds(condition: models.Q, field: str, value) -> bool:
    results = [
        _condition_holds(child, field, value) if isinstance(child, models.Q) else value == child[1]
        for child in condition.children
    ]
    held = all(results) if condition.connector == models.Q.AND else any(results)
    return not held if condition.negated else held


def attached_foreign_keys(instance: models.Model) -> list[str]:
    """Foreign keys whose record is attached to ``instance`` (read by the form or the batch in this
    transaction): validating them would only ask again whether that record exists."""
    return [
        field.name for field in instance._meta.concrete_fields
        if field.many_to_one and field.is_cached(instance) and getattr(instance, field.name) is not None
        and not getattr(instance, field.name)._state.adding
    ]


@functools.cache
def unique_field_names(model: type[models.Model]) -> tuple[str, ...]:
    """The single fields whose value must be unique (a unique field or a one-field UniqueConstraint)."""
    names = {f.name for f in model._meta.concrete_fields if f.unique and not f.primary_key}
    names |= {c.fields[0] for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)
              and len(c.fields) == 1 and not c.expressions}
    return tuple(sorted(names))


def full_clean_fast(
    instance: models.Model, *, exclude: list[str] | None = None, lookups: BatchLookups | None = None,
    unchanged: Iterable[str] = (),
) -> None:
    """``full_clean()`` without asking the database what it already knows.

    - The CHECK constraints are not re-run through the ORM: the model's ``clean()`` restates every
      one as a message and the database enforces them; asking Django as well costs one query per
      constraint (over twenty for a project).
    - A foreign key whose record is attached is not looked up again (``attached_foreign_keys``).
    - ``unchanged``: fields whose value is the stored one (read with the row lock); their unique
      checks held when it was stored and the row is locked.
    Unique constraints are still checked. With ``lookups`` (a batch of writes) the unique checks are
    answered from the batch's reads.
    """
    trusted = attached_foreign_keys(instance)
    if lookups is not None:
        errors: dict[str, list] = {}
        instance.__dict__["_batch_lookups"] = lookups  # for a clean() that asks about other records
        try:
            instance.full_clean(exclude=[*(exclude or ()), *trusted], validate_unique=False,
                                validate_constraints=False)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        finally:
            del instance.__dict__["_batch_lookups"]
        for field, messages in lookups.check_unique(instance, exclude={*(exclude or ()), *errors}).items():
            errors.setdefault(field, []).extend(messages)
        if errors:
            raise ValidationError(errors)
        return
    skip = {*(exclude or ()), *trusted, *unchanged}
    errors: dict[str, list] = {}
    try:
        instance.full_clean(exclude=list(skip), validate_constraints=False)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    for constraint in instance._meta.constraints:
        if not isinstance(constraint, models.UniqueConstraint):
            continue
        try:
            _validate_unique_constraint(instance, constraint, exclude={*(exclude or ()), *unchanged, *errors})
        except ValidationError as exc:
            key = constraint.fields[0] if len(constraint.fields) == 1 else NON_FIELD_ERRORS
            errors.setdefault(key, []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)


def _condition_fields(condition: models.Q) -> set[str]:
    names: set[str] = set()
    for child in condition.children:
        if isinstance(child, models.Q):
            names |= _condition_fields(child)
        else:
            names.add(child[0].split("__")[0])
    return names


def _validate_unique_constraint(instance: models.Model, constraint: models.UniqueConstraint, *, exclude: set) -> None:
    """One plain query for a unique constraint whose condition only reads its own fields
    (``code`` unique unless empty); Django's general path otherwise."""
    fields = constraint.fields
    condition = constraint.condition
    if not fields or constraint.expressions or (condition is not None and not isinstance(condition, models.Q)) or (
        condition is not None and not _condition_fields(condition) <= set(fields)
    ):
        constraint.validate(type(instance), instance, exclude=exclude)
        return
    if set(fields) & exclude:
        return
    lookup = {name: getattr(instance, instance._meta.get_field(name).attname) for name in fields}
    others = type(instance)._default_manager.filter(**lookup).exclude(pk=instance.pk)
    if condition is not None:
        others = others.filter(condition)  # the same values, so the instance meets the condition too.
    if others.exists():
        if condition is None and constraint.violation_error_message == constraint.default_violation_error_message:
            raise ValidationError(instance.unique_error_message(type(instance), fields))  # as Django says it
        raise ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code)


