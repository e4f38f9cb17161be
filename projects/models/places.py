"""Where projects land: urban-renewal zones and industrial carriers, and the research institutes."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ledger.history import LedgerHistory
from ledger.models import DatePrecision, PublishableModel, PublishableQuerySet, format_date

from .geo import MapPlace, map_constraints


class ZoneKind(models.TextChoices):
    RENEWAL_UNIT = "renewal_unit", _("城市更新单元")
    KEY_AREA = "key_area", _("重点片区")
    SMALL_AREA = "small_area", _("“小而美”片区")
    CARRIER = "carrier", _("产业载体")


class DevelopmentModel(models.TextChoices):
    XOD = "xod", _("XOD")
    NEW_PPP = "new_ppp", _("新PPP")
    EPC = "epc", _("EPC")
    XOD_PPP_EPC = "xod_ppp_epc", _("XOD+新PPP+EPC")


class BuildStatus(models.TextChoices):
    PLANNING = "planning", _("规划中")
    UNDER_CONSTRUCTION = "under_construction", _("建设中")
    OPERATING = "operating", _("运营中")


THRESHOLD_FIELDS = ("min_investment_intensity", "min_output_per_mu", "min_tax_per_mu")


def _threshold_field(verbose_name):
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, null=True, blank=True,
                               help_text=_("不设门槛时留空；仅工作人员可见。"))


class RenewalZone(MapPlace, PublishableModel):
    """An urban-renewal unit, development area or industrial carrier (园区、片区)."""

    name = models.CharField(_("名称"), max_length=80, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=160, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=ZoneKind.choices)
    positioning = models.CharField(_("功能定位"), max_length=200, blank=True)
    area_km2 = models.DecimalField(
        _("面积（平方公里）"), max_digits=9, decimal_places=3, null=True, blank=True
    )
    development_model = models.CharField(
        _("开发模式"), max_length=16, choices=DevelopmentModel.choices, blank=True
    )
    status = models.CharField(_("状态"), max_length=20, choices=BuildStatus.choices, blank=True)
    description = models.TextField(_("介绍"), blank=True)
    description_en = models.TextField(_("英文介绍"), blank=True)
    staff_note = models.TextField(_("内部备注"), blank=True, help_text=_("仅工作人员可见。"))
    # A carrier's admission thresholds (亩均效益), staff-only: a signing below them is warned about
    # (``projects.land``), not refused.
    min_investment_intensity = _threshold_field(_("投资强度门槛（万元/亩）"))
    min_output_per_mu = _threshold_field(_("亩均产值门槛（万元/亩）"))
    min_tax_per_mu = _threshold_field(_("亩均税收门槛（万元/亩）"))

    history = LedgerHistory()

    class Meta:
        verbose_name = _("城市更新片区与载体")
        verbose_name_plural = _("城市更新片区与载体")
        permissions = [("publish_renewalzone", _("可以发布/撤回片区与载体"))]
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(name__gt=""), name="zone_name_not_empty"),
            models.CheckConstraint(condition=models.Q(slug__gt=""), name="zone_slug_not_empty"),
            models.CheckConstraint(
                condition=models.Q(area_km2__isnull=True) | models.Q(area_km2__gt=0), name="zone_area_positive"
            ),
            *map_constraints("zone"),
            *[
                models.CheckConstraint(condition=models.Q(**{f"{name}__isnull": True}) | models.Q(**{f"{name}__gte": 0}),
                                       name=f"zone_{name}_not_negative")
                for name in THRESHOLD_FIELDS
            ],
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:zone_detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        errors = self.clean_map_fields()
        if self.area_km2 is not None and self.area_km2 <= 0:
            errors.setdefault("area_km2", []).append(_("面积必须大于零；未知时留空。"))
        for name in THRESHOLD_FIELDS:
            if getattr(self, name) is not None and getattr(self, name) < 0:
                errors.setdefault(name, []).append(_("门槛不能为负数；不设门槛时留空。"))
        if errors:
            raise ValidationError(errors)


class InstituteKind(models.TextChoices):
    INSTITUTE = "institute", _("研究院")
    PILOT_BASE = "pilot_base", _("中试基地")


class ResearchInstituteQuerySet(PublishableQuerySet):
    def with_relations(self):
        return self.select_related("zone")


class ResearchInstitute(MapPlace, PublishableModel):
    """A research institute or pilot-scale base the district works with (楠姆科创带)."""

    name = models.CharField(_("名称"), max_length=120, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=InstituteKind.choices, default=InstituteKind.INSTITUTE)
    partners = models.TextField(_("合作单位"), blank=True, help_text=_("高校、院士工作站等，每行一个。"))
    founded_on = models.DateField(_("成立时间"), null=True, blank=True)
    founded_on_precision = models.CharField(
        _("成立时间精度"), max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    focus_areas = models.TextField(_("研究方向"), blank=True)
    zone = models.ForeignKey(
        RenewalZone, verbose_name=_("所在片区"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="institutes",
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=BuildStatus.choices, blank=True)
    description = models.TextField(_("介绍"), blank=True)
    description_en = models.TextField(_("英文介绍"), blank=True)
    staff_note = models.TextField(_("内部备注"), blank=True, help_text=_("仅工作人员可见。"))

    objects = ResearchInstituteQuerySet.as_manager()
    history = LedgerHistory()

    class Meta:
        verbose_name = _("研究院与中试基地")
        verbose_name_plural = _("研究院与中试基地")
        permissions = [("publish_researchinstitute", _("可以发布/撤回研究院与中试基地"))]
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(name__gt=""), name="institute_name_not_empty"),
            models.CheckConstraint(condition=models.Q(slug__gt=""), name="institute_slug_not_empty"),
            *map_constraints("institute"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:institute_detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        errors = self.clean_map_fields()
        if errors:
            raise ValidationError(errors)

    @property
    def founded_display(self) -> str:
        return format_date(self.founded_on, self.founded_on_precision)
