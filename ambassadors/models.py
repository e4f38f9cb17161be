from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ledger.history import LedgerHistory
from ledger.models import PublishableQuerySet
from projects.models import DatePrecision, PublishableModel, TimeStampedModel, format_date


class Cohort(PublishableModel):
    """A batch of investment ambassadors appointed together (e.g. Feb 2025: 12 appointed)."""

    name = models.CharField(_("批次名称"), max_length=80, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=160, blank=True)
    year = models.PositiveSmallIntegerField(_("聘任年份"))
    appointed_on = models.DateField(_("聘任日期"), null=True, blank=True)
    appointed_on_precision = models.CharField(
        _("聘任日期精度"), max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    announced_size = models.PositiveSmallIntegerField(_("公布聘任人数"), null=True, blank=True)
    description = models.TextField(_("说明"), blank=True)
    description_en = models.TextField(_("英文说明"), blank=True)

    history = LedgerHistory()

    class Meta:
        verbose_name = _("大使批次")
        verbose_name_plural = _("大使批次")
        permissions = [("publish_cohort", _("可以发布/撤回大使批次"))]
        ordering = ["-year", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(name__gt=""), name="cohort_name_not_empty"),
            models.CheckConstraint(condition=models.Q(slug__gt=""), name="cohort_slug_not_empty"),
            models.CheckConstraint(condition=models.Q(year__gte=1978, year__lte=2100), name="cohort_year_range"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("ambassadors:ambassador_list") + f"#cohort-{self.slug}"

    def clean(self):
        super().clean()
        if self.year is not None and not 1978 <= self.year <= 2100:
            raise ValidationError({"year": _("聘任年份应在 1978 至 2100 年之间。")})

    @property
    def appointed_display(self) -> str:
        return format_date(self.appointed_on, self.appointed_on_precision)


class AmbassadorStatus(models.TextChoices):
    ACTIVE = "active", _("在任")
    ENDED = "ended", _("任期结束")
    SUSPENDED = "suspended", _("暂停")


class AmbassadorQuerySet(PublishableQuerySet):
    def with_relations(self):
        return self.select_related("cohort", "enterprise")


class Ambassador(PublishableModel):
    """An investment ambassador (招商大使): a leader of a district enterprise who brings investors."""

    name = models.CharField(_("姓名"), max_length=40)
    name_en = models.CharField(_("英文姓名"), max_length=80, blank=True)
    title = models.CharField(_("职务"), max_length=120, blank=True)
    organisation = models.CharField(_("所在单位"), max_length=120, blank=True)
    enterprise = models.ForeignKey(
        "projects.Enterprise", verbose_name=_("所在企业"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="ambassadors",
    )
    cohort = models.ForeignKey(
        Cohort, verbose_name=_("聘任批次"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="ambassadors",
    )
    term_start = models.DateField(_("任期开始"), null=True, blank=True)
    term_end = models.DateField(_("任期结束"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=AmbassadorStatus.choices, default=AmbassadorStatus.ACTIVE)
    bio = models.TextField(_("公开简介"), blank=True)
    bio_en = models.TextField(_("英文简介"), blank=True)
    # Staff-only below.
    phone = models.CharField(_("联系电话"), max_length=40, blank=True, help_text=_("仅工作人员可见。"))
    email = models.EmailField(_("电子邮箱"), blank=True, help_text=_("仅工作人员可见。"))
    staff_note = models.TextField(_("内部备注"), blank=True, help_text=_("仅工作人员可见。"))

    objects = AmbassadorQuerySet.as_manager()
    history = LedgerHistory()

    class Meta:
        verbose_name = _("招商大使")
        verbose_name_plural = _("招商大使")
        permissions = [("publish_ambassador", _("可以发布/撤回招商大使"))]
        ordering = ["cohort__year", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(name__gt=""), name="ambassador_name_not_empty"),
            models.CheckConstraint(condition=models.Q(slug__gt=""), name="ambassador_slug_not_empty"),
            models.CheckConstraint(
                condition=models.Q(term_start__isnull=True)
                | models.Q(term_end__isnull=True)
                | models.Q(term_start__lte=models.F("term_end")),
                name="ambassador_term_in_order",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("ambassadors:ambassador_detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.term_start and self.term_end and self.term_start > self.term_end:
            raise ValidationError({"term_end": _("任期结束不能早于任期开始。")})


class LeadStatus(models.TextChoices):
    INTRODUCED = "introduced", _("已推荐")
    CONTACTED = "contacted", _("已对接")
    SITE_VISIT = "site_visit", _("实地考察")
    INTENTION = "intention", _("投资意向")
    SIGNED = "signed", _("已签约")
    DROPPED = "dropped", _("已放弃")


LEAD_STATUS_ORDER = [s.value for s in LeadStatus]


class LeadQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_published=True, ambassador__is_published=True)


class Lead(TimeStampedModel):
    """A lead (招商线索) an ambassador referred: a target enterprise or resource."""

    ambassador = models.ForeignKey(
        Ambassador, verbose_name=_("推荐大使"), on_delete=models.PROTECT, related_name="leads"
    )
    target_name = models.CharField(_("目标企业/资源"), max_length=120)
    target_enterprise = models.ForeignKey(
        "projects.Enterprise", verbose_name=_("目标企业（库内）"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="leads",
    )
    sector = models.ForeignKey(
        "projects.Sector", verbose_name=_("产业领域"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="leads",
    )
    referred_on = models.DateField(_("推荐日期"), null=True, blank=True)
    referred_on_precision = models.CharField(
        _("推荐日期精度"), max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    status = models.CharField(_("状态"), max_length=16, choices=LeadStatus.choices, default=LeadStatus.INTRODUCED)
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("签约项目"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="leads",
    )
    summary = models.CharField(_("公开说明"), max_length=300, blank=True)
    is_published = models.BooleanField(_("已公开"), default=False)
    staff_note = models.TextField(_("内部备注"), blank=True, help_text=_("仅工作人员可见。"))

    objects = LeadQuerySet.as_manager()
    history = LedgerHistory()

    class Meta:
        verbose_name = _("招商线索")
        verbose_name_plural = _("招商线索")
        permissions = [("publish_lead", _("可以公开/撤回招商线索"))]
        ordering = ["-referred_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(target_name__gt=""), name="lead_target_not_empty"),
            models.CheckConstraint(condition=models.Q(status__in=LEAD_STATUS_ORDER), name="lead_status_valid"),
            models.CheckConstraint(
                condition=~models.Q(status=LeadStatus.SIGNED) | models.Q(project__isnull=False),
                name="lead_signed_has_project",
            ),
            models.UniqueConstraint(fields=["ambassador", "target_name"], name="lead_unique_per_ambassador"),
        ]

    def __str__(self):
        return f"{self.target_name}（{self.ambassador}）"

    def clean(self):
        super().clean()
        if self.status == LeadStatus.SIGNED and not self.project_id:
            raise ValidationError({"project": _("线索状态为“已签约”时必须关联签约项目。")})

    @property
    def referred_display(self) -> str:
        return format_date(self.referred_on, self.referred_on_precision)
