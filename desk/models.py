"""
The officer's desk (工作台): 督办 items, the visit and interaction log, tasks, evidence files and
notifications. Staff-only records: none of them has a public page, an anonymous API, an export,
a feed or a sitemap entry. Written only by ``desk.services`` (one history entry per write).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.history import LedgerHistory
from ledger.models import TimeStampedModel


class SupervisionStatus(models.TextChoices):
    OPEN = "open", _("待办")
    IN_PROGRESS = "in_progress", _("推进中")
    RESOLVED = "resolved", _("已解决")
    ESCALATED = "escalated", _("已升级")


class SupervisionLevel(models.TextChoices):
    BLUE = "blue", _("蓝色")
    YELLOW = "yellow", _("黄色")
    RED = "red", _("红色")


# 蓝 → 黄 → 红: the level an overdue item escalates to.
NEXT_LEVEL: dict[str, str] = {SupervisionLevel.BLUE: SupervisionLevel.YELLOW, SupervisionLevel.YELLOW: SupervisionLevel.RED}


class SupervisionItem(TimeStampedModel):
    """A 督办 item: one obstacle of a project (问题清单), who must remove it and by when."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT, related_name="supervision_items"
    )
    obstacle = models.TextField(_("问题描述"))
    responsible_unit = models.CharField(_("责任单位"), max_length=80)
    responsible_person = models.CharField(_("责任人"), max_length=80, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("督办跟踪人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="supervision_items",
    )
    deadline = models.DateField(_("办结期限"))
    status = models.CharField(_("状态"), max_length=16, choices=SupervisionStatus.choices,
                              default=SupervisionStatus.OPEN)
    level = models.CharField(_("督办等级"), max_length=8, choices=SupervisionLevel.choices,
                             default=SupervisionLevel.BLUE)
    escalated_at = models.DateTimeField(_("最近升级时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    resolution = models.TextField(_("办结情况"), blank=True)

    history = LedgerHistory()

    class Meta:
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        ordering = ["deadline", "id"]
        permissions = [("view_unit_desks", _("可以查看各责任单位的工作台（领导）"))]
        indexes = [models.Index(fields=["status", "deadline"], name="supervision_due_idx")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(obstacle=""), name="supervision_obstacle_not_empty"),
            models.CheckConstraint(condition=~models.Q(responsible_unit=""), name="supervision_unit_not_empty"),
            models.CheckConstraint(condition=models.Q(status__in=SupervisionStatus.values),
                                   name="supervision_status_valid"),
            models.CheckConstraint(condition=models.Q(level__in=SupervisionLevel.values),
                                   name="supervision_level_valid"),
            models.CheckConstraint(
                condition=~models.Q(status=SupervisionStatus.RESOLVED) | models.Q(resolved_at__isnull=False),
                name="supervision_resolved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.obstacle[:30]}"

    @property
    def is_open(self) -> bool:
        return self.status != SupervisionStatus.RESOLVED


class SupervisionFollowUp(models.Model):
    """A dated entry in a 督办 item's follow-up log (跟进记录)."""

    item = models.ForeignKey(SupervisionItem, verbose_name=_("督办事项"), on_delete=models.CASCADE,
                             related_name="follow_ups")
    date = models.DateField(_("日期"))
    note = models.TextField(_("跟进情况"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = LedgerHistory()

    class Meta:
        verbose_name = _("督办跟进记录")
        verbose_name_plural = _("督办跟进记录")
        ordering = ["date", "id"]
        constraints = [models.CheckConstraint(condition=~models.Q(note=""), name="followup_note_not_empty")]

    def __str__(self) -> str:
        return f"{self.date} {self.note[:30]}"


class InteractionKind(models.TextChoices):
    VISIT = "visit", _("走访")
    SITE_INSPECTION = "site_inspection", _("实地踏勘")
    CALL = "call", _("电话沟通")
    MEETING = "meeting", _("会谈")
    SIGNING = "signing", _("签约")


class Interaction(TimeStampedModel):
    """A visit, call or meeting with an enterprise about a project (走访/对接记录)."""

    project = models.ForeignKey("projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="interactions")
    occurred_on = models.DateField(_("日期"))
    kind = models.CharField(_("方式"), max_length=16, choices=InteractionKind.choices, default=InteractionKind.VISIT)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("我方参加人员"), blank=True,
                                   related_name="interactions")
    enterprise_participants = models.CharField(_("企业方参加人员"), max_length=300, blank=True)
    summary = models.TextField(_("情况摘要"))
    next_step = models.CharField(_("下一步工作"), max_length=300, blank=True)
    next_step_due = models.DateField(_("下一步完成期限"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    history = LedgerHistory(m2m_fields=["staff"])

    class Meta:
        verbose_name = _("走访对接记录")
        verbose_name_plural = _("走访对接记录")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["project", "created_at"], name="interaction_progress_idx")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(summary=""), name="interaction_summary_not_empty"),
            models.CheckConstraint(condition=models.Q(kind__in=InteractionKind.values), name="interaction_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(next_step_due__isnull=True) | ~models.Q(next_step=""),
                name="interaction_due_needs_next_step",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_kind_display()} · {self.project}"

    def clean(self):
        """A visit is logged after it took place (on the form and in every write, edits included)."""
        super().clean()
        if self.occurred_on is not None and self.occurred_on > timezone.localdate():
            raise ValidationError({"occurred_on": _("走访日期不能晚于今天。")})


class Task(TimeStampedModel):
    """Something a person must do by a date, about a project, a lead or a 督办 item."""

    title = models.CharField(_("任务"), max_length=300)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("负责人"), on_delete=models.PROTECT,
                                 related_name="desk_tasks")
    due_on = models.DateField(_("完成期限"), null=True, blank=True)
    project = models.ForeignKey("projects.Project", verbose_name=_("项目"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="tasks")
    lead = models.ForeignKey("ambassadors.Lead", verbose_name=_("招商线索"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="tasks")
    supervision_item = models.ForeignKey(SupervisionItem, verbose_name=_("督办事项"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="tasks")
    interaction = models.ForeignKey(Interaction, verbose_name=_("来源走访记录"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="tasks")
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    history = LedgerHistory()

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = [models.F("due_on").asc(nulls_last=True), "id"]
        indexes = [models.Index(fields=["assignee", "done_at", "due_on"], name="task_assignee_open_idx")]
        constraints = [models.CheckConstraint(condition=~models.Q(title=""), name="task_title_not_empty")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class EvidenceKind(models.TextChoices):
    CONTRACT = "contract", _("合同协议")
    LICENCE = "licence", _("营业执照")
    PHOTO = "photo", _("现场照片")
    MINUTES = "minutes", _("会议纪要")
    BANK_VOUCHER = "bank_voucher", _("银行转账凭证")
    OTHER = "other", _("其他")


def evidence_storage():
    """The private store for evidence files (``STORAGES["evidence"]``): never a public URL."""
    return storages["evidence"]


def evidence_path(instance: EvidenceDocument, filename: str) -> str:
    # The stored name says nothing about the content: a random token, the detected extension.
    return f"evidence/{instance.project_id}/{instance.storage_token}.{instance.extension}"


class EvidenceDocument(TimeStampedModel):
    """A file that proves something (佐证材料): attached to a project, one of its milestones, a visit
    or an entry of its funds ledger (which it makes 已核实: ``hooks.funds_entry_has_evidence``)."""

    project = models.ForeignKey("projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="evidence_documents")
    milestone = models.ForeignKey("projects.ProjectMilestone", verbose_name=_("项目节点"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="evidence_documents")
    interaction = models.ForeignKey(Interaction, verbose_name=_("走访对接记录"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="evidence_documents")
    # The door refuses to delete an entry that still has evidence (``ledger.writes.records_using``).
    funds_entry = models.ForeignKey("projects.FundsEntry", verbose_name=_("到位资金记录"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="evidence_documents")
    kind = models.CharField(_("材料类型"), max_length=16, choices=EvidenceKind.choices, default=EvidenceKind.OTHER)
    title = models.CharField(_("材料名称"), max_length=200)
    file = models.FileField(_("文件"), storage=evidence_storage, upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=120)
    size = models.PositiveBigIntegerField(_("文件大小（字节）"))
    storage_token = models.CharField(_("存储标识"), max_length=32, unique=True, editable=False)
    extension = models.CharField(_("扩展名"), max_length=8, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    history = LedgerHistory()

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(title=""), name="evidence_title_not_empty"),
            models.CheckConstraint(condition=models.Q(size__gt=0), name="evidence_size_positive"),
            models.CheckConstraint(condition=models.Q(kind__in=EvidenceKind.values), name="evidence_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationKind(models.TextChoices):
    RETURNED = "returned", _("退回修改")
    PUBLISHED = "published", _("已发布")
    APPROVED = "approved", _("修改已通过")
    ASSIGNED = "assigned", _("指派给我")
    DUE = "due", _("明日到期")
    PLAN_DUE = "plan_due", _("计划节点临近")
    OVERDUE = "overdue", _("已逾期")
    ESCALATED = "escalated", _("督办升级")


class Notification(models.Model):
    """A notice to one person (in the admin's bell, and by mail unless they turned mail off)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE,
                                  related_name="desk_notifications")
    kind = models.CharField(_("类型"), max_length=16, choices=NotificationKind.choices)
    message = models.CharField(_("内容"), max_length=300)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    # A reminder sent once: "task-12-overdue-2026-12-01" (blank for one-off events).
    key = models.CharField(_("去重标识"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=NotificationKind.values), name="notification_kind_valid"),
            models.UniqueConstraint(fields=["recipient", "key"], condition=~models.Q(key=""),
                                    name="notification_key_unique"),
        ]

    def __str__(self) -> str:
        return self.message


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("每条通知发一封邮件")
    DIGEST = "digest", _("每日汇总一封邮件")
    OFF = "off", _("不发邮件")


class NotificationPreference(models.Model):
    """How one person wants notices by mail; no row means one mail per notice."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                                related_name="notification_preference")
    email_mode = models.CharField(_("邮件提醒"), max_length=16, choices=EmailMode.choices, default=EmailMode.IMMEDIATE)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")
        constraints = [models.CheckConstraint(condition=models.Q(email_mode__in=EmailMode.values),
                                              name="preference_email_mode_valid")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_email_mode_display()}"
