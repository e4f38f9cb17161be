"""
The staff workflow's writes: submit for review, publish, unpublish, return, archive, restore, revert.

Records start as drafts. An officer submits one for review; a reviewer publishes it or returns it
with a reason; unpublishing hides it from every public page at once. Projects are archived with a
reason instead of deleted, and can be restored.

Every function here is keyword-only, atomic, checks the user's permission, locks the stored row
through the write door (``ledger.writes.lock_fresh``: a stale ``expected_version`` is refused), runs
``full_clean()`` and writes exactly one history entry with who and why. What a domain adds (a
project cannot be published while the stage table refuses it) comes from its ``WriteRules``. The bulk variants call the single-record function
for each record, so a bulk action leaves one history entry per record, and one refusal does not
undo the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .cache import public_pages_changed
from .models import ReviewStatus, Revision, RevisionAction, RevisionStatus
from .people import display_name
from .permissions import require
from .revisions import apply_revision
from .writes import (
    StaleVersionError,
    lock_fresh,
    record_delete,
    record_prepare,
    record_save,
    rules_for,
    state_save,
    user_may_publish,
)

# Called as ``callback(action=..., record=..., user=...)`` after a workflow write, in its transaction
# (action: "published" or "returned"; for a revision, "revision_approved" or "revision_returned" with
# the revision as ``record``). Apps above the core register here from ``AppConfig.ready``
# (the desk's notifications), so that this module names none of them.
AFTER_WORKFLOW: list[Callable[..., None]] = []


def register_after_workflow(callback: Callable[..., None]) -> None:
    if callback not in AFTER_WORKFLOW:
        AFTER_WORKFLOW.append(callback)


def _announce(action: str, record: models.Model, user: AbstractBaseUser | None) -> None:
    for callback in AFTER_WORKFLOW:
        callback(action=action, record=record, user=user)


def _label(record: models.Model) -> str:
    return str(record._meta.verbose_name)


def _has(record: models.Model, name: str) -> bool:
    try:
        record._meta.get_field(name)
    except Exception:  # FieldDoesNotExist
        return False
    return True


def _save(record: models.Model, *, user: AbstractBaseUser | None, reason: str, changed: list[str]) -> None:
    state_save(record, user=user, reason=reason, changed=changed)


def _is_archived(record: models.Model) -> bool:
    return getattr(record, "archived_at", None) is not None


def _require_review(record: models.Model) -> None:
    if not _has(record, "review_status"):
        raise ValidationError(_("%(model)s不经过审核流程，可直接公开或撤回。") % {"model": _label(record)})


@transaction.atomic
def submit_for_review(
    *, record: models.Model, user: AbstractBaseUser | None, expected_version: int | None = None
) -> models.Model:
    """A draft (or a returned record) goes to the reviewers."""
    require(user, record, "change", _("您没有修改此%(model)s的权限。") % {"model": _label(record)})
    _require_review(record)
    record = lock_fresh(record, expected_version=expected_version)
    if _is_archived(record):
        raise ValidationError(_("已归档的项目不能提交审核，请先恢复。"))
    if record.review_status == ReviewStatus.SUBMITTED:
        raise ValidationError(_("“%(name)s”已在等待审核。") % {"name": record})
    if record.is_published:
        raise ValidationError(_("“%(name)s”已发布，无需提交审核。") % {"name": record})
    record.review_status = ReviewStatus.SUBMITTED
    _save(record, user=user, reason=_("提交审核"), changed=["review_status"])
    return record


def unpublished_related(record: models.Model) -> list[models.Model]:
    """The unpublished records ``record``'s public page would show (its investors, zone, signing
    conference, institutes...: the domain's ``WriteRules.unpublished_shown``)."""
    return rules_for(type(record)).unpublished_shown(record)


def describe_records(records: Iterable[models.Model]) -> str:
    return "、".join(f"{r._meta.verbose_name}“{r}”" for r in records)


@transaction.atomic
def publish(
    *, record: models.Model, user: AbstractBaseUser | None, expected_version: int | None = None,
    together: bool = False, _publishing: frozenset = frozenset(),
) -> models.Model:
    """A reviewer publishes a record: it appears on the public site and in the anonymous API.

    A record whose public page would show an unpublished related record is refused, naming what
    must be published first; with ``together`` those are published with it, in the same transaction
    (each through its own checks and with its own history entry)."""
    require(user, record, "publish", _("您没有发布%(model)s的权限。") % {"model": _label(record)})
    record = lock_fresh(record, expected_version=expected_version)
    if _is_archived(record):
        raise ValidationError(_("已归档的项目不能发布，请先恢复。"))
    if record.is_published:
        raise ValidationError(_("“%(name)s”已经发布。") % {"name": record})
    errors = rules_for(type(record)).publish_errors(record)
    if errors:
        raise ValidationError(errors)
    publishing = _publishing | {(type(record), record.pk)}
    missing = [r for r in unpublished_related(record) if (type(r), r.pk) not in publishing]
    if missing and not together:
        raise ValidationError(_(
            "“%(name)s”的公开页面会显示尚未发布的记录，请先发布它们，或选择“一并发布”：%(records)s。"
        ) % {"name": record, "records": describe_records(missing)}, code="unpublished_related")
    for related in missing:
        if not type(related)._default_manager.filter(pk=related.pk, is_published=True).exists():  # not published by an earlier one
            publish(record=related, user=user, together=True, _publishing=publishing)
    record.is_published = True
    changed = ["is_published"]
    if _has(record, "review_status"):
        record.published_at = timezone.now()
        record.review_status = ReviewStatus.APPROVED
        record.review_comment = ""
        changed += ["published_at", "review_status", "review_comment"]
    _save(record, user=user, reason=_("发布"), changed=changed)
    _announce("published", record, user)
    return record


@transaction.atomic
def unpublish(
    *, record: models.Model, user: AbstractBaseUser | None, reason: str = "", expected_version: int | None = None
) -> models.Model:
    """A reviewer takes a record off every public page at once; it goes back to draft."""
    require(user, record, "publish", _("您没有撤回%(model)s的权限。") % {"model": _label(record)})
    record = lock_fresh(record, expected_version=expected_version)
    if not record.is_published:
        raise ValidationError(_("“%(name)s”尚未发布。") % {"name": record})
    record.is_published = False
    changed = ["is_published"]
    if _has(record, "review_status"):
        record.review_status = ReviewStatus.DRAFT
        record.review_comment = reason
        changed += ["review_status", "review_comment"]
    history_reason = _("撤回发布：%(reason)s") % {"reason": reason} if reason else _("撤回发布")
    _save(record, user=user, reason=history_reason, changed=changed)
    return record


@transaction.atomic
def return_for_changes(
    *, record: models.Model, user: AbstractBaseUser | None, reason: str, expected_version: int | None = None
) -> models.Model:
    """A reviewer sends a submitted record back to the officer, saying why."""
    require(user, record, "publish", _("您没有审核%(model)s的权限。") % {"model": _label(record)})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"review_comment": _("退回时必须填写退回原因。")})
    _require_review(record)
    record = lock_fresh(record, expected_version=expected_version)
    if record.review_status != ReviewStatus.SUBMITTED:
        raise ValidationError(_("只有待审核的记录可以退回；“%(name)s”不在待审核状态。") % {"name": record})
    record.review_status = ReviewStatus.RETURNED
    record.review_comment = reason
    _save(record, user=user, reason=_("退回修改：%(reason)s") % {"reason": reason},
          changed=["review_status", "review_comment"])
    _announce("returned", record, user)
    return record


@transaction.atomic
def archive_project(
    *, project: models.Model, user: AbstractBaseUser | None, reason: str, expected_version: int | None = None
) -> models.Model:
    """Archive instead of delete: the project leaves the working ledger and every public page.

    It is unpublished as well, so that no public figure counts it; restoring brings it back as
    a draft for the reviewers to publish again.
    """
    require(user, project, "archive", _("您没有归档项目的权限。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"archive_reason": _("归档时必须填写归档原因。")})
    project = lock_fresh(project, expected_version=expected_version)
    if project.archived_at is not None:
        raise ValidationError(_("“%(name)s”已经归档。") % {"name": project})
    project.archived_at = timezone.now()
    project.archive_reason = reason
    project.is_published = False
    project.review_status = ReviewStatus.DRAFT
    _save(project, user=user, reason=_("归档：%(reason)s") % {"reason": reason},
          changed=["archived_at", "archive_reason", "is_published", "review_status"])
    return project


@transaction.atomic
def restore_project(
    *, project: models.Model, user: AbstractBaseUser | None, expected_version: int | None = None
) -> models.Model:
    """Bring an archived project back into the ledger, as an unpublished draft."""
    require(user, project, "archive", _("您没有恢复项目的权限。"))
    project = lock_fresh(project, expected_version=expected_version)
    if project.archived_at is None:
        raise ValidationError(_("“%(name)s”未归档，无需恢复。") % {"name": project})
    project.archived_at = None
    project.archive_reason = ""
    _save(project, user=user, reason=_("恢复归档项目"), changed=["archived_at", "archive_reason"])
    return project


def history_m2m(entry: Any) -> dict[str, list]:
    """The many-to-many sets (ids) a history entry recorded, by field name."""
    return {
        f.name: [getattr(row, f.m2m_reverse_field_name() + "_id") for row in getattr(entry, f.name).all()]
        for f in getattr(entry, "_history_m2m_fields", ())
    }


def revert_reason(entry: Any) -> str:
    return _("恢复到 %(date)s 的版本") % {
        "date": timezone.localtime(entry.history_date).strftime("%Y-%m-%d %H:%M")}


@transaction.atomic
def revert_to_version(
    *, entry: Any, user: AbstractBaseUser | None, expected_version: int | None = None
) -> models.Model:
    """Bring a record's fields (and tracked many-to-many sets) back to a chosen history entry.

    The revert is an ordinary write through the door: the domain's rules (the stage table), the
    role checks and optimistic locking all apply, the workflow state (published, review, archive)
    stays as it is now, and the history gains one entry saying which version was restored.
    """
    record = entry.instance
    record._state.adding = False
    require(user, record, "change", _("您没有修改此%(model)s的权限。") % {"model": _label(record)})
    return record_save(
        record=record, user=user, expected_version=expected_version, m2m=history_m2m(entry),
        reason=revert_reason(entry),
    )


def _lock_pending(revision: Revision) -> Revision:
    locked = Revision.objects.select_for_update().select_related("author", "content_type").get(pk=revision.pk)
    if locked.status != RevisionStatus.PENDING:
        raise ValidationError(_("这条修订已处理（%(status)s），无需再审核。") % {"status": locked.get_status_display()})
    return locked


def revision_record(revision: Revision) -> models.Model:
    """The live record a revision proposes to change."""
    return revision.content_type.get_object_for_this_type(pk=revision.object_id)


@transaction.atomic
def revision_approve(*, revision: Revision, user: AbstractBaseUser | None) -> models.Model:
    """A reviewer approves a pending revision: it is written through the door (the rules, one
    history entry naming the author, the public data version bump). Refused when the record
    changed after the revision was proposed: the author must redo it on the newest version."""
    revision = _lock_pending(revision)
    record = revision_record(revision)
    _require_publisher(user, record)
    author = display_name(revision.author)
    reason = _("审核通过 %(author)s 提交的修订") % {"author": author}
    if revision.reason:
        reason = f"{reason}：{revision.reason}"
    if revision.action == RevisionAction.DELETE:
        record_delete(record=record, user=user, reason=reason, approving=True)
        _decide(revision, user=user, status=RevisionStatus.APPROVED)
        return record
    m2m = apply_revision(record, revision)
    try:
        write = record_prepare(record=record, user=user, expected_version=revision.base_version, m2m=m2m,
                               reason=reason, approving=True)
    except StaleVersionError as exc:
        raise ValidationError(_(
            "这条修订基于第 %(base)s 版，记录现在已是第 %(current)s 版（之后又有修改：%(changes)s）。"
            "为免覆盖他人的修改，不能直接通过：请退回，让提交人在最新版本上重新修改。"
        ) % {"base": revision.base_version, "current": exc.current_version,
             "changes": "；".join(f"{c.label}" for c in exc.changes) or _("无字段变化")}, code="stale") from None
    write.commit()
    _decide(revision, user=user, status=RevisionStatus.APPROVED)
    return record


def _require_publisher(user: AbstractBaseUser | None, record: models.Model) -> None:
    if not user_may_publish(user, record):
        raise PermissionDenied(_("您没有审核%(model)s的权限。") % {"model": _label(record)})


def _decide(revision: Revision, *, user: AbstractBaseUser | None, status: str, comment: str = "") -> None:
    revision.status = status
    revision.decided_by = user
    revision.decided_at = timezone.now()
    revision.decision_comment = comment
    revision.save(update_fields=["status", "decided_by", "decided_at", "decision_comment", "updated_at"])
    _announce("revision_approved" if status == RevisionStatus.APPROVED else "revision_returned", revision, user)


@transaction.atomic
def revision_return(*, revision: Revision, user: AbstractBaseUser | None, reason: str) -> Revision:
    """A reviewer sends a pending revision back to its author, saying why; the live record stays."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("退回时必须填写退回原因。")})
    revision = _lock_pending(revision)
    _require_publisher(user, revision_record(revision))
    _decide(revision, user=user, status=RevisionStatus.RETURNED, comment=reason)
    return revision


@dataclass
class BulkResult:
    """What a bulk action did: the records it changed and, for each refusal, why."""

    done: list[models.Model] = field(default_factory=list)
    refused: list[tuple[models.Model, str]] = field(default_factory=list)


def _messages(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(str(m) for m in exc.messages)
    return str(exc)


def apply_each(
    action: Callable[..., Any], records: Iterable[models.Model], *, record_kwarg: str = "record", **kwargs: Any
) -> BulkResult:
    """Run a workflow service on each record, each in its own savepoint.

    One refusal (no permission, a missing field, already published) is reported and leaves the
    other records' changes in place; every record changed has its own history entry.
    """
    result = BulkResult()
    with transaction.atomic(savepoint=False):
        public_pages_changed()  # once for the batch: each record's own bump joins this one
        for record in records:
            try:
                # Each service is atomic: nested here, a savepoint that a refusal rolls back alone.
                result.done.append(action(**{record_kwarg: record}, **kwargs))
            except (ValidationError, PermissionDenied) as exc:
                result.refused.append((record, _messages(exc)))
    return result


def publish_many(
    *, records: Iterable[models.Model], user: AbstractBaseUser | None, together: bool = False
) -> BulkResult:
    return apply_each(publish, records, user=user, together=together)


def unpublish_many(*, records: Iterable[models.Model], user: AbstractBaseUser | None, reason: str = "") -> BulkResult:
    return apply_each(unpublish, records, user=user, reason=reason)


def submit_many(*, records: Iterable[models.Model], user: AbstractBaseUser | None) -> BulkResult:
    return apply_each(submit_for_review, records, user=user)


def return_many(*, records: Iterable[models.Model], user: AbstractBaseUser | None, reason: str) -> BulkResult:
    return apply_each(return_for_changes, records, user=user, reason=reason)


def archive_many(*, projects: Iterable[models.Model], user: AbstractBaseUser | None, reason: str) -> BulkResult:
    return apply_each(archive_project, projects, record_kwarg="project", user=user, reason=reason)


def restore_many(*, projects: Iterable[models.Model], user: AbstractBaseUser | None) -> BulkResult:
    return apply_each(restore_project, projects, record_kwarg="project", user=user)
