"""The funds ledger (到位资金台账): dated entries of money that reached a project, their sum being the
project's funds in place. Staff-only."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ledger.history import LedgerHistory
from ledger.models import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, DatePrecision, TimeStampedModel, format_date


class FundsEntryKind(models.TextChoices):
    RECEIVED = "received", _("到位登记")
    # What the ledger knew before it kept entries: one sum whose dates nobody recorded. It belongs to
    # no year (当年到位资金 leaves it out and says how much that is).
    OPENING = "opening", _("期初余额（到位日期不详）")


class FundsEntry(TimeStampedModel):
    """Money that reached a project: how much (万元), when (as precisely as known), from where.

    Evidence files (a bank voucher, 银行转账凭证) are the desk's (``desk.EvidenceDocument.funds_entry``);
    an entry without one is 未核实 (``projects.funds``). Written through the door
    (``projects.funds.funds_entry_save``): the entries of a project never add up to more than its
    total investment.
    """

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="funds_entries"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=FundsEntryKind.choices, default=FundsEntryKind.RECEIVED)
    received_on = models.DateField(_("到位日期"), null=True, blank=True)
    received_on_precision = models.CharField(
        _("到位日期精度"), max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    amount = models.DecimalField(
        _("金额（万元）"), max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES,
        help_text=_("单位：万元（1 亿元 = 10,000 万元）。"),
    )
    source = models.CharField(_("资金来源"), max_length=100, blank=True, help_text=_("如 企业自有资金、银行贷款、股权融资。"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    history = LedgerHistory()

    class Meta:
        verbose_name = _("到位资金记录")
        verbose_name_plural = _("到位资金台账")
        ordering = [models.F("received_on").asc(nulls_first=True), "id"]
        indexes = [models.Index(fields=["project", "received_on"], name="funds_entry_project_date_idx")]
        constraints = [
            # An opening balance may be 0 (known: nothing in place yet); new money is more than nothing.
            models.CheckConstraint(
                condition=models.Q(amount__gt=0) | models.Q(kind=FundsEntryKind.OPENING, amount=0),
                name="funds_entry_amount_positive",
            ),
            models.CheckConstraint(condition=models.Q(kind__in=FundsEntryKind.values), name="funds_entry_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(received_on_precision__in=DatePrecision.values),
                name="funds_entry_precision_valid",
            ),
            # Only the opening balance may lack a date: no invented dates, and no undated new money.
            models.CheckConstraint(
                condition=models.Q(kind=FundsEntryKind.OPENING) | models.Q(received_on__isnull=False),
                name="funds_entry_dated_unless_opening",
            ),
            models.UniqueConstraint(
                fields=["project"], condition=models.Q(kind=FundsEntryKind.OPENING), name="funds_entry_one_opening",
                violation_error_message=_("每个项目只能有一条期初余额。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.received_display or _('日期不详')} · {self.amount} 万元"

    @property
    def received_display(self) -> str:
        return format_date(self.received_on, self.received_on_precision)

    def clean(self):
        super().clean()
        errors: dict[str, list] = {}
        if self.amount is not None and (self.amount < 0 or (self.amount == 0 and self.kind != FundsEntryKind.OPENING)):
            errors.setdefault("amount", []).append(_("金额必须大于零。"))
        if self.kind != FundsEntryKind.OPENING and self.received_on is None:
            errors.setdefault("received_on", []).append(_("请填写到位日期（只知道年份或月份时，选择相应的精度）。"))
        if errors:
            raise ValidationError(errors)
