"""The office's announced figures (报道公布的数字): statistics as a report or the office published them,
with their source, kept apart from the figures the ledger computes from its own records. The home page
shows each beside the ledger's own count where there is one, each labelled; the two are never added up.

A publishable record with the review workflow of every public model: the public sees a figure once a
reviewer published it, and a later change waits for review like any other.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ledger.history import LedgerHistory
from ledger.models import DatePrecision, PublishableModel, format_date


class Comparison(models.TextChoices):
    """How the source states the value: as it is, or as a threshold passed ("突破3300亿元")."""

    EQUAL = "equal", _("等于")
    OVER = "over", _("超过")


class Yardstick(models.TextChoices):
    """The ledger's own count of the same thing for the same year (``figures.yardsticks.public_yardsticks``)."""

    SIGNED = "signed", _("当年签约项目数")
    STARTED = "started", _("当年签约且已开工项目数")
    IN_PRODUCTION = "in_production", _("当年投产项目数")
    SAME_YEAR = "same_year", _("当年签约当年开工项目数")


class AnnouncedFigure(PublishableModel):
    """One published statistic: indicator, value, unit, period, and where it was published."""

    indicator = models.CharField(_("指标"), max_length=120)
    indicator_en = models.CharField(_("英文指标名"), max_length=240, blank=True)
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=4,
                                help_text=_("按来源原样录入，不换算单位。"))
    comparison = models.CharField(_("表述"), max_length=8, choices=Comparison.choices, default=Comparison.EQUAL,
                                  help_text=_("来源说“突破”“超过”时选“超过”。"))
    unit = models.CharField(_("单位"), max_length=20, blank=True, help_text=_("如 个、亿元、%。"))
    unit_en = models.CharField(_("英文单位"), max_length=40, blank=True)
    period_on = models.DateField(_("统计期"), help_text=_("只知年份时填该年 1 月 1 日并选精度“年”。"))
    period_precision = models.CharField(
        _("统计期精度"), max_length=8, choices=DatePrecision.choices, default=DatePrecision.YEAR
    )
    source_title = models.CharField(_("来源"), max_length=200, help_text=_("报道或公报的标题。"))
    source_url = models.URLField(_("来源链接"), max_length=500, blank=True, help_text=_("原文地址；不知道时留空。"))
    source_published_on = models.DateField(_("来源发布日期"), null=True, blank=True)
    source_published_on_precision = models.CharField(
        _("来源发布日期精度"), max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    quote = models.TextField(_("来源原文"), blank=True, help_text=_("来源中给出这个数字的原句。"))
    yardstick = models.CharField(
        _("对应的本库指标"), max_length=16, choices=Yardstick.choices, blank=True,
        help_text=_("本库按同一口径、同一年份计算的数字，在首页并列显示（分别标注，不相加）。"),
    )
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    staff_note = models.TextField(_("内部备注"), blank=True, help_text=_("仅工作人员可见。"))

    history = LedgerHistory()

    class Meta:
        verbose_name = _("公布数据")
        verbose_name_plural = _("公布数据")
        permissions = [("publish_announcedfigure", _("可以发布/撤回公布数据"))]
        ordering = ["position", "-period_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(indicator__gt=""), name="announcedfigure_indicator_not_empty"),
            models.CheckConstraint(condition=models.Q(slug__gt=""), name="announcedfigure_slug_not_empty"),
            models.CheckConstraint(condition=models.Q(source_title__gt=""), name="announcedfigure_source_not_empty"),
            models.CheckConstraint(condition=models.Q(comparison__in=Comparison.values),
                                   name="announcedfigure_comparison_valid"),
            models.CheckConstraint(condition=models.Q(yardstick="") | models.Q(yardstick__in=Yardstick.values),
                                   name="announcedfigure_yardstick_valid"),
        ]

    def __str__(self):
        return f"{self.indicator}（{self.period_display}）"

    @property
    def name(self) -> str:
        """What the write door makes a blank slug from."""
        return self.indicator

    @property
    def period_display(self) -> str:
        return format_date(self.period_on, self.period_precision)

    @property
    def source_published_display(self) -> str:
        return format_date(self.source_published_on, self.source_published_on_precision)

    @property
    def value_text(self) -> str:
        """The value as the source wrote it: ``73``, ``5.3``, ``3300`` (no trailing zeros)."""
        value = self.value.normalize() if self.value is not None else Decimal(0)
        return f"{value:f}"

    def clean(self):
        super().clean()
        if self.yardstick and self.period_precision != DatePrecision.YEAR:
            raise ValidationError({"yardstick": _("本库指标按年份计算：统计期的精度须为“年”。")})
