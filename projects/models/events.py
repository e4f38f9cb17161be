from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ledger.history import LedgerHistory
from ledger.models import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, PublishableModel, PublishableQuerySet

from .duplicates import DuplicateFlag, DuplicateStatus


class SigningEventQuerySet(PublishableQuerySet):
    def with_recorded_figures(self, *, public_only: bool):
        """Annotate how many projects (and how much investment) the ledger records for each event.

        The announced figures are facts about the event as announced; the recorded ones are what
        the ledger holds, and are usually fewer. ``public_only`` counts published projects only. A
        project a reviewer confirmed as a duplicate announcement of an earlier one is not counted
        (as in the headline totals: it counts once, at its first conference).
        """
        confirmed_duplicate = DuplicateFlag.objects.filter(
            project_id=models.OuterRef("projects"), status=DuplicateStatus.CONFIRMED
        )
        project_filter = ~models.Q(models.Exists(confirmed_duplicate))
        if public_only:
            project_filter &= models.Q(projects__is_published=True)
        return self.annotate(
            recorded_project_count=models.Count("projects", filter=project_filter, distinct=True),
            recorded_total_investment=models.Sum("projects__total_investment", filter=project_filter),
        )


class SigningEvent(PublishableModel):
    """A signing conference (签约活动), e.g. 青山区2026年招商引资大会."""

    name = models.CharField(_("活动名称"), max_length=120, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    held_on = models.DateField(_("举办日期"))
    place = models.CharField(_("举办地点"), max_length=120, blank=True)
    announced_project_count = models.PositiveIntegerField(_("公布签约项目数"), null=True, blank=True)
    announced_total_investment = models.DecimalField(
        _("公布签约总额（万元）"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES,
        null=True, blank=True,
    )
    sectors = models.ManyToManyField(
        "projects.Sector", verbose_name=_("涵盖领域"), blank=True, related_name="signing_events"
    )
    summary = models.TextField(_("摘要"), blank=True)
    summary_en = models.TextField(_("英文摘要"), blank=True)
    staff_note = models.TextField(_("内部备注"), blank=True, help_text=_("仅工作人员可见。"))

    objects = SigningEventQuerySet.as_manager()
    history = LedgerHistory()

    class Meta:
        verbose_name = _("签约活动")
        verbose_name_plural = _("签约活动")
        permissions = [("publish_signingevent", _("可以发布/撤回签约活动"))]
        ordering = ["-held_on", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(name__gt=""), name="event_name_not_empty"),
            models.CheckConstraint(condition=models.Q(slug__gt=""), name="event_slug_not_empty"),
            models.CheckConstraint(
                condition=models.Q(announced_total_investment__isnull=True)
                | models.Q(announced_total_investment__gte=0),
                name="event_announced_total_not_negative",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:event_detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.announced_total_investment is not None and self.announced_total_investment < 0:
            raise ValidationError({"announced_total_investment": _("公布签约总额不能为负数。")})
