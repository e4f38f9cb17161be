"""亩均效益: a project's yearly output and tax (the land and fixed-asset investment are on the project)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ledger.history import LedgerHistory
from ledger.models import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, TimeStampedModel

FIRST_YEAR, LAST_YEAR = 1978, 2100


def _money(verbose_name):
    return models.DecimalField(
        verbose_name, max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, null=True, blank=True,
        help_text=_("单位：万元；未知时留空。"),
    )


class ProjectYearFigures(TimeStampedModel):
    """What a project produced and paid in one calendar year (产值、税收, 万元). Staff-only."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="year_figures"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    output_value = _money(_("产值（万元）"))
    tax = _money(_("税收（万元）"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    history = LedgerHistory()

    class Meta:
        verbose_name = _("年度产值税收")
        verbose_name_plural = _("年度产值税收")
        ordering = ["project", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="year_figures_one_per_year",
                                    violation_error_message=_("该项目这一年度的产值税收已登记。")),
            models.CheckConstraint(condition=models.Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                                   name="year_figures_year_range"),
            models.CheckConstraint(condition=models.Q(output_value__isnull=True) | models.Q(output_value__gte=0),
                                   name="year_figures_output_not_negative"),
            models.CheckConstraint(condition=models.Q(tax__isnull=True) | models.Q(tax__gte=0),
                                   name="year_figures_tax_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.year}"

    def clean(self):
        super().clean()
        errors: dict[str, list] = {}
        if self.year is not None and not FIRST_YEAR <= self.year <= LAST_YEAR:
            errors.setdefault("year", []).append(_("年度须在 1978 至 2100 之间。"))
        for name in ("output_value", "tax"):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors.setdefault(name, []).append(_("不能为负数。"))
        if errors:
            raise ValidationError(errors)
