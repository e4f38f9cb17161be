"""Building blocks shared by every ledger model, and the version of what the public may see."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

# Money is kept in 万元 (ten thousand yuan) as exact decimals; 1 亿元 = 10,000 万元.
MONEY_MAX_DIGITS = 14
MONEY_DECIMAL_PLACES = 2
WAN_PER_YI = 10_000


class DatePrecision(models.TextChoices):
    """How much of a stored date the source actually gave (a report may say only "2025年")."""

    DAY = "day", _("日")
    MONTH = "month", _("月")
    YEAR = "year", _("年")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审核")


def format_date(value: datetime.date | None, precision: str = DatePrecision.DAY) -> str:
    """Render a date no more precisely than the source gave it, in Chinese style."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year}年"
    if precision == DatePrecision.MONTH:
        return f"{value.year}年{value.month}月"
    return f"{value.year}年{value.month}月{value.day}日"


class PublishableQuerySet(models.QuerySet):
    def public(self):
        """Records the public may see: published ones only."""
        return self.filter(is_published=True)


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class PublishableModel(TimeStampedModel):
    """A ledger record with a public slug, a review workflow and an optimistic-locking version."""

    slug = models.SlugField(_("网址标识"), max_length=120, unique=True, allow_unicode=False)
    is_published = models.BooleanField(_("已发布"), default=False, db_index=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    review_status = models.CharField(
        _("审核状态"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    review_comment = models.TextField(_("审核意见"), blank=True)
    version = models.PositiveIntegerField(_("版本号"), default=1, editable=False)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True


class PublicDataVersion(models.Model):
    """A single row whose token changes after every write the public may see.

    Kept in the database, not in the cache, so that every app server agrees on it even when each
    has its own per-process cache, and so that cached figures computed from one state of the
    ledger are never served for another.
    """

    token = models.CharField(_("版本标识"), max_length=32)
    changed_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        # Created by projects' migration 0007, before this core app existed: the table keeps its name.
        db_table = "projects_publicdataversion"
        verbose_name = _("公开数据版本")
        verbose_name_plural = _("公开数据版本")

    def __str__(self) -> str:
        return self.token


class RevisionStatus(models.TextChoices):
    PENDING = "pending", _("待审")
    APPROVED = "approved", _("已通过")
    RETURNED = "returned", _("已退回")
    SUPERSEDED = "superseded", _("已被取代")


class RevisionAction(models.TextChoices):
    CHANGE = "change", _("修改")
    DELETE = "delete", _("删除")


class Revision(models.Model):
    """A change to a published record, proposed by someone who may not publish, waiting for a reviewer.

    The live row (what the public sees) keeps the approved version; ``changes`` holds the proposed
    values of the fields that differ from it (many-to-many sets as lists of ids), as the write door
    validated them on the record version ``base_version``; a pending deletion (``action`` delete)
    proposes no values. A reviewer approves it (it is then written, or the record deleted, through
    the door, if the record is still at ``base_version``) or returns it with a reason.
    """

    content_type = models.ForeignKey(ContentType, models.CASCADE, verbose_name=_("记录类型"))
    object_id = models.PositiveBigIntegerField(_("记录编号"))
    action = models.CharField(_("操作"), max_length=8, choices=RevisionAction.choices, default=RevisionAction.CHANGE)
    changes = models.JSONField(_("修改内容"), default=dict)
    base_version = models.PositiveIntegerField(_("基于版本"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("提交人"))
    reason = models.TextField(_("修改说明"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=RevisionStatus.choices, default=RevisionStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("审核人")
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_comment = models.TextField(_("审核意见"), blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("待审修订")
        verbose_name_plural = _("待审修订")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "status"], name="ledger_revision_record_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "author"], condition=models.Q(status="pending"),
                name="ledger_revision_one_pending_per_author",
                violation_error_message=_("您对这条记录已有一条待审修订。"),
            ),
            models.CheckConstraint(
                condition=models.Q(action__in=["change", "delete"]), name="ledger_revision_action_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "approved", "returned", "superseded"]),
                name="ledger_revision_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="returned") | ~models.Q(decision_comment=""),
                name="ledger_revision_returned_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "superseded"]) | models.Q(decided_at__isnull=False),
                name="ledger_revision_decided_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.content_type.name} #{self.object_id} ({self.get_status_display()})"
