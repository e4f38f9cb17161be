from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ledger.models import TimeStampedModel


class DuplicateStatus(models.TextChoices):
    PENDING = "pending", _("待复核")
    CONFIRMED = "confirmed", _("确认重复")
    DISMISSED = "dismissed", _("不是重复")


class DuplicateFlag(TimeStampedModel):
    """A project announced again at a later conference: possibly the same project as ``original``.

    Raised by ``projects.duplicates.flag_possible_duplicates`` (same investor and a similar name or
    amount); a reviewer confirms or dismisses it. A confirmed duplicate is left out of headline
    totals, so the project counts once.
    """

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("后签约的项目"), on_delete=models.CASCADE, related_name="duplicate_flags"
    )
    original = models.ForeignKey(
        "projects.Project", verbose_name=_("先前签约的项目"), on_delete=models.CASCADE, related_name="duplicated_by"
    )
    reason = models.CharField(_("疑似原因"), max_length=300)
    status = models.CharField(
        _("复核结果"), max_length=16, choices=DuplicateStatus.choices, default=DuplicateStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("复核人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    review_note = models.CharField(_("复核说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("疑似重复签约")
        verbose_name_plural = _("疑似重复签约")
        ordering = [models.Case(models.When(status="pending", then=0), default=1), "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "original"], name="duplicate_flag_unique_pair"),
            models.CheckConstraint(condition=~models.Q(project=models.F("original")), name="duplicate_flag_not_self"),
            models.CheckConstraint(
                condition=models.Q(status__in=DuplicateStatus.values), name="duplicate_flag_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.project} ≈ {self.original}"
