"""
The desk's writes. Keyword-only and typed; each checks the user's permission (``user=None`` is a
system write: the schedule commands), validates, and leaves exactly one history entry per record
it writes, through the door (``ledger.writes.record_write``). Project fields (bulk edits) go through the
project door, ``projects.services.project_save``.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.models import Revision, RevisionAction
from ledger.permissions import require
from ledger.workflow import revision_record
from ledger.writes import record_write
from projects import plans
from projects.models import FundsEntry, Project, ProjectMilestone
from projects.services import project_save

from .files import check_upload
from .models import (
    NEXT_LEVEL,
    EmailMode,
    EvidenceDocument,
    EvidenceKind,
    Interaction,
    InteractionKind,
    Notification,
    NotificationKind,
    NotificationPreference,
    SupervisionFollowUp,
    SupervisionItem,
    SupervisionLevel,
    SupervisionStatus,
    Task,
)

logger = logging.getLogger(__name__)


def _write(record: models.Model, *, user: AbstractBaseUser | None, reason: str = "",
           m2m: dict[str, Iterable] | None = None, exclude: Iterable[str] = ()) -> models.Model:
    """Through the door (``record_write``): the permission, validation, one history entry."""
    return record_write(record=record, user=user, reason=reason, m2m=m2m, exclude=exclude)


@transaction.atomic
def desk_record_save(*, record: models.Model, user: AbstractBaseUser | None, reason: str = "",
                     m2m: dict[str, Iterable] | None = None) -> models.Model:
    """An edit of a desk record from its admin form (one history entry)."""
    if record.pk is not None:
        _locked(record)
    return _write(record, user=user, reason=reason, m2m=m2m)


def _locked(record: models.Model) -> models.Model:
    return type(record)._default_manager.select_for_update().get(pk=record.pk)


def _admin_url(record: models.Model) -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


# -- 督办 items -----------------------------------------------------------------------------------
@transaction.atomic
def supervision_create(
    *, project: Project, obstacle: str, responsible_unit: str, deadline: datetime.date,
    user: AbstractBaseUser | None, responsible_person: str = "", owner: AbstractBaseUser | None = None,
) -> SupervisionItem:
    item = SupervisionItem(project=project, obstacle=obstacle.strip(), responsible_unit=responsible_unit.strip(),
                           responsible_person=responsible_person.strip(), deadline=deadline,
                           owner=owner or (user if user is not None and user.is_authenticated else None))
    _write(item, user=user, reason=_("新建督办事项"))
    if item.owner is not None and (user is None or item.owner.pk != user.pk):
        notification_send(recipient=item.owner, kind=NotificationKind.ASSIGNED,
                          message=_("督办事项指派给您跟踪：%(item)s（期限 %(deadline)s）") % {
                              "item": item, "deadline": item.deadline.isoformat()}, url=_admin_url(item))
    return item


@transaction.atomic
def supervision_follow_up(
    *, item: SupervisionItem, date: datetime.date, note: str, user: AbstractBaseUser | None,
) -> SupervisionFollowUp:
    """A dated follow-up; an open item is now in progress (one history entry on it then)."""
    item = _locked(item)
    if item.status == SupervisionStatus.RESOLVED:
        raise ValidationError(_("督办事项已办结，不能再添加跟进记录。"))
    entry = SupervisionFollowUp(item=item, date=date, note=(note or "").strip(),
                                author=user if user is not None and user.is_authenticated else None)
    _write(entry, user=user, reason=_("督办跟进"), exclude=["item", "author"])
    if item.status == SupervisionStatus.OPEN:
        item.status = SupervisionStatus.IN_PROGRESS
        _write(item, user=user, reason=_("开始推进"))
    return entry


@transaction.atomic
def supervision_resolve(*, item: SupervisionItem, resolution: str, user: AbstractBaseUser | None) -> SupervisionItem:
    """Close the item; it keeps its record, and the project has made real progress."""
    item = _locked(item)
    if item.status == SupervisionStatus.RESOLVED:
        raise ValidationError(_("督办事项已办结。"))
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": _("办结时必须填写办结情况。")})
    item.status = SupervisionStatus.RESOLVED
    item.resolution = resolution
    item.resolved_at = timezone.now()
    return _write(item, user=user, reason=_("办结"))


@transaction.atomic
def supervision_escalate(*, item: SupervisionItem, now: datetime.datetime | None = None) -> SupervisionItem | None:
    """Escalate one overdue item one level (蓝→黄→红), a system write; None if it need not escalate."""
    now = now or timezone.now()
    item = _locked(item)
    if not _escalation_due(item, now=now):
        return None
    old = item.get_level_display()
    item.level = NEXT_LEVEL.get(item.level, SupervisionLevel.RED)
    item.status = SupervisionStatus.ESCALATED
    item.escalated_at = now
    _write(item, user=None, reason=_("逾期升级：%(old)s → %(new)s") % {"old": old, "new": item.get_level_display()})
    message = _("督办事项逾期升级为%(level)s：%(item)s（期限 %(deadline)s）") % {
        "level": item.get_level_display(), "item": item, "deadline": item.deadline.isoformat()}
    for recipient in _item_people(item):
        notification_send(recipient=recipient, kind=NotificationKind.ESCALATED, message=message,
                          url=_admin_url(item), key=f"item-{item.pk}-escalated-{item.level}")
    return item


def _escalation_due(item: SupervisionItem, *, now: datetime.datetime) -> bool:
    if item.status == SupervisionStatus.RESOLVED or item.deadline >= timezone.localdate(now):
        return False
    if item.level == SupervisionLevel.RED:
        return False
    interval = datetime.timedelta(days=int(settings.SUPERVISION_ESCALATION_DAYS))
    return item.escalated_at is None or item.escalated_at <= now - interval


def supervision_escalate_overdue(*, now: datetime.datetime | None = None) -> list[SupervisionItem]:
    """The schedule's step (``escalate_supervision``): every overdue open item up one level."""
    now = now or timezone.now()
    overdue = (SupervisionItem.objects.exclude(status=SupervisionStatus.RESOLVED)
               .exclude(level=SupervisionLevel.RED).filter(deadline__lt=timezone.localdate(now)).order_by("pk"))
    escalated = []
    for item in overdue:
        done = supervision_escalate(item=item, now=now)
        if done is not None:
            escalated.append(done)
    return escalated


def _item_people(item: SupervisionItem) -> list[AbstractBaseUser]:
    people = {person.pk: person for person in (item.owner, item.project.officer) if person is not None}
    return list(people.values())


# -- visits and tasks -----------------------------------------------------------------------------
@transaction.atomic
def interaction_log(
    *, project: Project, occurred_on: datetime.date, summary: str, user: AbstractBaseUser | None,
    kind: str = InteractionKind.VISIT, staff: Iterable[AbstractBaseUser] = (), enterprise_participants: str = "",
    next_step: str = "", next_step_due: datetime.date | None = None,
) -> Interaction:
    """Log a visit, call or meeting: real progress for the project. A next step becomes a task for
    the one who logged it (the project's officer for a system write). A date in the future is
    refused by the record's own rule (``Interaction.clean``)."""
    interaction = Interaction(
        project=project, occurred_on=occurred_on, kind=kind, summary=(summary or "").strip(),
        enterprise_participants=enterprise_participants.strip(), next_step=next_step.strip(),
        next_step_due=next_step_due, recorded_by=user if user is not None and user.is_authenticated else None,
    )
    _write(interaction, user=user, reason=_("登记走访对接记录"), m2m={"staff": staff})
    assignee = user if user is not None and user.is_authenticated else project.officer
    if interaction.next_step and assignee is not None:
        task_create(title=interaction.next_step, assignee=assignee, due_on=next_step_due, project=project,
                    interaction=interaction, user=user)
    return interaction


@transaction.atomic
def task_create(
    *, title: str, assignee: AbstractBaseUser, user: AbstractBaseUser | None, due_on: datetime.date | None = None,
    project: Project | None = None, lead: models.Model | None = None, supervision_item: SupervisionItem | None = None,
    interaction: Interaction | None = None,
) -> Task:
    task = Task(title=(title or "").strip(), assignee=assignee, due_on=due_on, project=project, lead=lead,
                supervision_item=supervision_item, interaction=interaction,
                created_by=user if user is not None and user.is_authenticated else None)
    _write(task, user=user, reason=_("新建任务"))
    if user is None or assignee.pk != user.pk:
        notification_send(recipient=assignee, kind=NotificationKind.ASSIGNED,
                          message=_("新任务指派给您：%(title)s") % {"title": task.title}, url=_admin_url(task))
    return task


@transaction.atomic
def task_set_done(*, task: Task, done: bool, user: AbstractBaseUser | None) -> Task:
    task = _locked(task)
    if task.is_done == done:
        return task
    task.done_at = timezone.now() if done else None
    return _write(task, user=user, reason=_("完成任务") if done else _("重新打开任务"))


# -- evidence files -------------------------------------------------------------------------------
def evidence_attach(
    *, project: Project, upload: UploadedFile, title: str, user: AbstractBaseUser | None,
    kind: str = EvidenceKind.OTHER, milestone: ProjectMilestone | None = None, interaction: Interaction | None = None,
    funds_entry: FundsEntry | None = None,
) -> EvidenceDocument:
    """Store an evidence file and its record, both or neither.

    The type is read from the file's bytes (``desk.files``); a refused file is never stored. A
    record that cannot be written removes the file it had stored.
    """
    require(user, EvidenceDocument, "add", _("您没有上传佐证材料的权限。"))
    checked = check_upload(upload)
    if milestone is not None and milestone.project_id != project.pk:
        raise ValidationError({"milestone": _("该节点不属于此项目。")})
    if interaction is not None and interaction.project_id != project.pk:
        raise ValidationError({"interaction": _("该走访记录不属于此项目。")})
    if funds_entry is not None and funds_entry.project_id != project.pk:
        raise ValidationError({"funds_entry": _("该到位资金记录不属于此项目。")})
    document = EvidenceDocument(
        project=project, milestone=milestone, interaction=interaction, funds_entry=funds_entry, kind=kind,
        title=(title or "").strip() or (upload.name or "")[:200], original_name=(upload.name or "")[:255],
        content_type=checked.content_type, size=checked.size, storage_token=secrets.token_hex(16),
        extension=checked.extension, uploaded_by=user if user is not None and user.is_authenticated else None,
    )
    document.full_clean(exclude=["file"])
    stored_name = ""
    try:
        with transaction.atomic():
            document.file.save("upload", upload, save=False)
            stored_name = document.file.name
            record_write(record=document, user=user, reason=_("上传佐证材料"), validate=False)
    except (IntegrityError, ValidationError, OSError):
        if stored_name:
            document.file.storage.delete(stored_name)
        raise
    return document


# -- notifications --------------------------------------------------------------------------------
def notification_send(
    *, recipient: AbstractBaseUser, kind: str, message: str, url: str = "", key: str = "",
) -> Notification | None:
    """A notice in the person's bell; a mail too (when the transaction commits) unless they chose
    the daily digest or no mail. A ``key`` already sent to this person sends nothing (reminders)."""
    if not recipient.is_active:
        return None
    if key and Notification.objects.filter(recipient=recipient, key=key).exists():
        return None
    notification = Notification.objects.create(recipient=recipient, kind=kind, message=message[:300],
                                               url=url, key=key)
    if recipient.email and _email_mode(recipient) == EmailMode.IMMEDIATE:
        transaction.on_commit(lambda: _mail_one(notification.pk))
    return notification


def _email_mode(user: AbstractBaseUser) -> str:
    mode = NotificationPreference.objects.filter(user=user).values_list("email_mode", flat=True).first()
    return mode or EmailMode.IMMEDIATE


def _mail_one(notification_pk: int) -> None:
    """After the commit: a relay that is down leaves the notice unmailed (the digest or the bell
    still has it) and is logged; it never fails the request that made the notice."""
    notification = Notification.objects.select_related("recipient").get(pk=notification_pk)
    try:
        send_mail(subject=_("【青山招商】%(kind)s") % {"kind": notification.get_kind_display()},
                  message=notification.message, from_email=None, recipient_list=[notification.recipient.email])
    except OSError:
        logger.exception("notification mail %s not sent", notification.pk)
        return
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


def notifications_mark_read(*, user: AbstractBaseUser, ids: Iterable[int] | None = None) -> int:
    """Mark the person's own notices read (all unread ones when ``ids`` is None)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def preference_set(*, user: AbstractBaseUser, email_mode: str) -> NotificationPreference:
    """Each person chooses for themselves only: one mail per notice, a daily digest, or none."""
    if email_mode not in EmailMode.values:
        raise ValidationError({"email_mode": _("无效的邮件提醒方式。")})
    preference, _created = NotificationPreference.objects.update_or_create(user=user, defaults={"email_mode": email_mode})
    return preference


def reminders_send(*, today: datetime.date | None = None) -> int:
    """Tasks and open 督办 items due tomorrow or overdue: one notice each per day (the schedule's step)."""
    today = today or timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    sent = 0
    tasks = Task.objects.filter(done_at__isnull=True, due_on__lte=tomorrow).select_related("assignee")
    for task in tasks:
        overdue = task.due_on < today
        kind = NotificationKind.OVERDUE if overdue else NotificationKind.DUE
        text = _("任务已逾期：%(title)s（期限 %(due)s）") if overdue else _("任务明日到期：%(title)s（期限 %(due)s）")
        if task.due_on == today and not overdue:
            text = _("任务今日到期：%(title)s（期限 %(due)s）")
        sent += bool(notification_send(
            recipient=task.assignee, kind=kind, message=text % {"title": task.title, "due": task.due_on.isoformat()},
            url=_admin_url(task), key=f"task-{task.pk}-{kind}-{today.isoformat()}"))
    items = (SupervisionItem.objects.exclude(status=SupervisionStatus.RESOLVED).filter(deadline__lte=tomorrow)
             .select_related("owner", "project__officer"))
    for item in items:
        overdue = item.deadline < today
        kind = NotificationKind.OVERDUE if overdue else NotificationKind.DUE
        text = _("督办事项已逾期：%(item)s（期限 %(due)s）") if overdue else _("督办事项即将到期：%(item)s（期限 %(due)s）")
        for person in _item_people(item):
            sent += bool(notification_send(
                recipient=person, kind=kind, message=text % {"item": item, "due": item.deadline.isoformat()},
                url=_admin_url(item), key=f"item-{item.pk}-{kind}-{today.isoformat()}"))
    return sent


def plan_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind each officer of their projects' planned dates coming up (``PLAN_REMINDER_DAYS`` before:
    30 and 7 by default): one notice per project, planned date and number of days, however often it
    runs. A run that missed days sends the reminder of the nearest number not yet sent (7 days
    before, not 30, when both are due), never both. Returns how many notices it sent."""
    today = today or timezone.localdate()
    offsets = plans.reminder_days()
    if not offsets:
        return 0
    due: list[tuple[plans.PlannedDate, int, str]] = []
    for planned in plans.upcoming_plans(on=today, within_days=offsets[0]):
        left = (planned.due_on - today).days
        offset = min(days for days in offsets if days >= left)
        key = f"plan-{planned.project.pk}-{planned.stage}-{planned.due_on.isoformat()}-{offset}"
        due.append((planned, left, key))
    sent_keys = set(Notification.objects.filter(key__in=[key for _p, _l, key in due]).values_list("key", flat=True))
    sent = 0
    for planned, left, key in due:
        if key in sent_keys:
            continue
        message = _("%(label)s临近：“%(project)s”%(label)s %(date)s，还有 %(days)d 天。") % {
            "label": planned.label, "project": planned.project, "date": planned.display, "days": left}
        sent += bool(notification_send(recipient=planned.project.officer, kind=NotificationKind.PLAN_DUE,
                                       message=message, url=_admin_url(planned.project), key=key))
    return sent


def digest_send(*, now: datetime.datetime | None = None) -> int:
    """One mail per person who chose the daily digest, listing their notices not yet mailed."""
    now = now or timezone.now()
    User = get_user_model()
    people = User.objects.filter(is_active=True, notification_preference__email_mode=EmailMode.DIGEST).exclude(email="")
    mailed = 0
    for person in people:
        pending = list(Notification.objects.filter(recipient=person, emailed_at__isnull=True).order_by("created_at", "id"))
        if not pending:
            continue
        lines = [f"· {n.created_at.astimezone(timezone.get_current_timezone()):%m-%d %H:%M} {n.message}" for n in pending]
        send_mail(subject=_("【青山招商】今日通知汇总（%(count)d 条）") % {"count": len(pending)},
                  message="\n".join(lines), from_email=None, recipient_list=[person.email])
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
        mailed += 1
    return mailed


def workflow_notify(*, action: str, record: models.Model, user: AbstractBaseUser | None) -> None:
    """After a publish or a return (``ledger.workflow`` calls this): tell the record's officer, or
    whoever submitted it; after a decision on a revision, its author. Costs nothing when there is
    nobody to tell."""
    if isinstance(record, Revision):
        _revision_notify(action=action, revision=record, user=user)
        return
    # A record with a 招商专员 field tells its officer (nobody when none is set: no extra query);
    # other records tell whoever last submitted them.
    has_officer = any(f.name == "officer" for f in record._meta.concrete_fields)
    if has_officer and (record.officer_id is None or (user is not None and record.officer_id == user.pk)):
        return  # no officer, or the officer acted: nobody to tell, and no query to load them
    recipient = record.officer if has_officer else _submitter(record)
    if recipient is None or (user is not None and recipient.pk == user.pk):
        return
    if action == "returned":
        message = _("%(model)s“%(name)s”被退回修改：%(reason)s") % {
            "model": record._meta.verbose_name, "name": record, "reason": getattr(record, "review_comment", "")}
        kind = NotificationKind.RETURNED
    elif action == "published":
        message = _("%(model)s“%(name)s”已发布。") % {"model": record._meta.verbose_name, "name": record}
        kind = NotificationKind.PUBLISHED
    else:
        return
    notification_send(recipient=recipient, kind=kind, message=message, url=_admin_url(record))


def _revision_notify(*, action: str, revision: Revision, user: AbstractBaseUser | None) -> None:
    """A reviewer approved or returned someone's revision of a published record: tell its author once."""
    if user is not None and revision.author_id == user.pk:
        return
    model = revision.content_type.model_class()
    if revision.action == RevisionAction.DELETE and action == "revision_approved":
        # The record is gone: its name is the last one its history kept.
        history = getattr(model, "history", None)
        last = history.filter(id=revision.object_id).order_by("-history_date", "-history_id").first() if history else None
        values = {"model": model._meta.verbose_name, "name": last.instance if last else revision.object_id}
        notification_send(
            recipient=revision.author, kind=NotificationKind.APPROVED,
            message=_("您提出的删除%(model)s“%(name)s”已审核通过，记录已删除。") % values,
            url=reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"),
            key=f"revision-{revision.pk}-{action}")
        return
    live = revision_record(revision)
    values = {"model": live._meta.verbose_name, "name": live}
    if action == "revision_returned":
        kind = NotificationKind.RETURNED
        message = (_("您提出的删除%(model)s“%(name)s”被退回：%(reason)s") if revision.action == RevisionAction.DELETE
                   else _("您对%(model)s“%(name)s”的修改被退回：%(reason)s")) % {**values, "reason": revision.decision_comment}
    elif action == "revision_approved":
        kind = NotificationKind.APPROVED
        message = _("您对%(model)s“%(name)s”的修改已审核通过，已公开。") % values
    else:
        return
    notification_send(recipient=revision.author, kind=kind, message=message, url=_admin_url(live),
                      key=f"revision-{revision.pk}-{action}")


def _submitter(record: models.Model) -> AbstractBaseUser | None:
    history = getattr(type(record), "history", None)
    if history is None or not any(f.name == "review_status" for f in record._meta.concrete_fields):
        return None  # no review workflow (a lead is published directly): nobody submitted it
    row = (history.filter(**{record._meta.pk.attname: record.pk}, review_status="submitted")
           .select_related("history_user").order_by("-history_date").first())
    return row.history_user if row is not None else None


# -- bulk edits of projects -----------------------------------------------------------------------
BULK_FIELDS: tuple[str, ...] = ("officer", "sector", "zone", "responsible_unit")


@dataclass
class BulkEditResult:
    done: list[Project] = field(default_factory=list)
    held: list[Project] = field(default_factory=list)  # published projects: the edit waits for review
    refused: list[tuple[Project, str]] = field(default_factory=list)


def projects_bulk_edit(
    *, projects: Iterable[Project], changes: dict[str, object], user: AbstractBaseUser | None,
) -> BulkEditResult:
    """Set the same officer, sector, zone or responsible unit on many projects, each through the
    project door (one history entry per project), each in its own savepoint: a refusal names the
    project and leaves the others changed. A newly assigned officer is notified once."""
    unknown = set(changes) - set(BULK_FIELDS)
    if unknown or not changes:
        raise ValidationError(_("批量修改只能设置招商专员、产业领域、所在片区和责任单位。"))
    labels = ", ".join(str(Project._meta.get_field(name).verbose_name) for name in changes)
    result = BulkEditResult()
    with transaction.atomic():
        for project in projects:
            try:
                with transaction.atomic():
                    for name, value in changes.items():
                        setattr(project, name, value)
                    saved = project_save(project=project, user=user,
                                         reason=_("批量修改：%(fields)s") % {"fields": labels})
                    # A published project changed by someone who may not publish it: a pending revision.
                    (result.held if getattr(saved, "_held_revision", None) else result.done).append(saved)
            except (ValidationError, PermissionDenied) as exc:
                text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                result.refused.append((project, text))
        officer = changes.get("officer")
        if officer is not None and result.done and (user is None or officer.pk != user.pk):
            names = "、".join(str(p) for p in result.done[:5]) + ("等" if len(result.done) > 5 else "")
            notification_send(recipient=officer, kind=NotificationKind.ASSIGNED,
                              message=_("%(count)d 个项目指派给您担任招商专员：%(names)s") % {
                                  "count": len(result.done), "names": names},
                              url=reverse("admin:projects_project_changelist") + f"?officer__id__exact={officer.pk}")
    return result
