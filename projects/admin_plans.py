"""
The plan and its facts in the back office: the funds ledger (到位资金台账), the yearly output and tax
(亩均效益), the project page's figures and inlines, and the 计划与效益 page (当年到位资金, 亩均效益 per
carrier, the plan's lights, service timings), every figure linking to its records.

Every write goes through the door (``WorkflowAdminMixin``: entries and yearly figures are ledger
records with their own history).
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ledger.admin import WorkflowAdminMixin
from ledger.forms import AdminModelForm
from ledger.money import format_money

from . import funds, land
from .models import FundsEntry, Project, ProjectYearFigures
from .plan_figures import plan_figures
from .stages import PLANNED_DATE_FIELDS

YEARS_SHOWN = 8


def _year_choices(today: datetime.date) -> list[int]:
    return list(range(today.year, today.year - YEARS_SHOWN, -1))


def _chosen_year(request: HttpRequest, today: datetime.date) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 1978 <= int(value) <= 2100 else today.year


# -- the funds ledger ----------------------------------------------------------------------------
class FundsYearFilter(admin.SimpleListFilter):
    """到位年份: the entries dated in a year (当年到位资金), or those with no date (the opening balances)."""

    title = gettext_lazy("到位年份")
    parameter_name = "received_year"
    UNDATED = "none"

    def lookups(self, request, model_admin):
        years = funds.funds_years()
        return [*((str(year), _("%(year)d年") % {"year": year}) for year in years), (self.UNDATED, _("日期不详"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.UNDATED:
            return queryset.filter(received_on__isnull=True)
        if value and value.isdigit():
            return queryset.filter(received_on__year=int(value))
        return queryset


class FundsVerifiedFilter(admin.SimpleListFilter):
    """核实状态: with an evidence file (已核实) or without (未核实)."""

    title = gettext_lazy("核实状态")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("yes", _("已核实（有佐证材料）")), ("no", _("未核实"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(is_verified=self.value() == "yes")
        return queryset


class FundsProjectFilter(admin.SimpleListFilter):
    """One project's entries (the project page links here); shown only while in use."""

    title = gettext_lazy("项目")
    parameter_name = "project"

    def lookups(self, request, model_admin):
        value = self.value()
        if not (value and value.isdigit()):
            return []
        project = Project.objects.filter(pk=int(value)).first()
        return [(value, str(project))] if project else []

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(project_id=int(value)) if value and value.isdigit() else queryset


def _verified_text(entry: FundsEntry) -> str:
    return _("已核实") if getattr(entry, "is_verified", False) else _("未核实")


def _evidence_upload_url(entry: FundsEntry) -> str | None:
    """The desk's evidence upload, with this entry chosen (None without the desk)."""
    try:
        url = reverse("admin:desk_evidencedocument_add")
    except NoReverseMatch:
        return None
    return url + "?" + urlencode({"project": entry.project_id, "funds_entry": entry.pk, "kind": "bank_voucher"})


@admin.register(FundsEntry)
class FundsEntryAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    form = AdminModelForm
    list_display = ("project", "received_display", "kind", "amount_display", "source", "verified_display",
                    "recorded_by")
    list_filter = (FundsProjectFilter, FundsYearFilter, FundsVerifiedFilter, "kind")
    list_select_related = ("project", "recorded_by")
    search_fields = ("project__name", "project__code", "source", "note")
    autocomplete_fields = ("project",)
    ordering = ("-received_on", "-id")
    readonly_fields = ("verified_display", "recorded_by", "created_at", "updated_at")
    fields = ("project", "kind", ("received_on", "received_on_precision"), "amount", "source", "note",
              "verified_display", "recorded_by", "created_at", "updated_at")

    def get_queryset(self, request):
        return funds.with_verified(super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly.append("project")  # an entry stays on its project (the door refuses a move)
        return readonly

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("received_on", timezone.localdate())
        return initial

    @admin.display(description=gettext_lazy("到位日期"), ordering="received_on")
    def received_display(self, obj):
        return obj.received_display or _("日期不详")

    @admin.display(description=gettext_lazy("金额"), ordering="amount")
    def amount_display(self, obj):
        return format_money(obj.amount)

    @admin.display(description=gettext_lazy("核实状态"))
    def verified_display(self, obj):
        if obj is None or obj.pk is None:
            return _("保存后可上传佐证材料（如银行转账凭证）。")
        verified = getattr(obj, "is_verified", None)
        if verified is None:
            verified = funds.funds_entries().filter(pk=obj.pk, is_verified=True).exists()
        if verified:
            return _("已核实（有佐证材料）")
        url = _evidence_upload_url(obj)
        if url is None:
            return _("未核实")
        return format_html('{} · <a href="{}">{}</a>', _("未核实"), url, _("上传银行转账凭证"))


class FundsEntryInline(admin.TabularInline):
    """The project's funds ledger on its page: new entries here, corrections and removal on the entry's page."""

    model = FundsEntry
    form = AdminModelForm
    fields = ("received_on", "received_on_precision", "kind", "amount", "source", "note", "verified_column",
              "entry_link")
    readonly_fields = ("verified_column", "entry_link")
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name_plural = gettext_lazy("到位资金台账（各条之和即项目的到位资金）")

    def get_queryset(self, request):
        # The project too: each row shows the entry's __str__, which names its project.
        return funds.with_verified(super().get_queryset(request)).select_related("project").order_by("received_on", "id")

    def has_change_permission(self, request, obj=None):
        return False  # corrected on the entry's own page (its history, its evidence)

    @admin.display(description=gettext_lazy("核实状态"))
    def verified_column(self, obj):
        return _verified_text(obj) if obj.pk else "—"

    @admin.display(description=gettext_lazy("详情"))
    def entry_link(self, obj):
        if not obj.pk:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:projects_fundsentry_change", args=[obj.pk]),
                           _("修改/上传凭证"))


class YearFiguresInline(admin.TabularInline):
    model = ProjectYearFigures
    form = AdminModelForm
    fields = ("year", "output_value", "tax", "note")
    extra = 0
    can_delete = False
    verbose_name_plural = gettext_lazy("年度产值与税收（亩均效益）")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("project")


@admin.register(ProjectYearFigures)
class ProjectYearFiguresAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    form = AdminModelForm
    list_display = ("project", "year", "output_value", "tax")
    list_filter = ("year",)
    list_select_related = ("project",)
    search_fields = ("project__name", "project__code")
    autocomplete_fields = ("project",)
    ordering = ("-year", "project__name")


# -- the project page ----------------------------------------------------------------------------
PLAN_FIELDSET = (gettext_lazy("计划节点（仅工作人员可见）"), {
    "fields": tuple((name, f"{name}_precision") for name in PLANNED_DATE_FIELDS.values()),
    "description": gettext_lazy(
        "只知道年份或月份时，选择相应的精度：计划在所标的年、月结束后仍未达到该阶段，工作台显示黄灯，"
        "再过宽限期（默认 3 个月）显示红灯；计划日期前 30 天和 7 天提醒招商专员。"),
})


class ProjectPlanAdminMixin:
    """What ``ProjectAdmin`` shows of the plan and its facts: the funds ledger and the yearly figures
    inline, the funds in place (verified and not) and 亩均效益 read-only, the warning of a signing below
    its carrier's threshold, and the 计划与效益 page."""

    plan_inlines = (FundsEntryInline, YearFiguresInline)
    plan_readonly = ("funds_display", "land_display")

    @admin.display(description=gettext_lazy("到位资金（万元）"))
    def funds_display(self, obj):
        if obj is None or obj.pk is None:
            return _("保存项目后在下方“到位资金台账”中登记。")
        summary = funds.funds_summary(projects=Project.objects.filter(pk=obj.pk))
        url = reverse("admin:projects_fundsentry_changelist") + "?" + urlencode({"project": obj.pk})
        if not summary.entries:
            return format_html('{} · <a href="{}">{}</a>', _("台账中尚无记录"), url, _("到位资金台账"))
        return format_html(
            '{} · <a href="{}">{}</a>',
            _("合计 %(total)s（已核实 %(verified)s，未核实 %(unverified)s%(undated)s）") % {
                "total": format_money(summary.total), "verified": format_money(summary.verified),
                "unverified": format_money(summary.unverified),
                "undated": _("；其中日期不详 %(amount)s") % {"amount": format_money(summary.undated)}
                if summary.undated else "",
            },
            url, _("%(count)d 条记录") % {"count": summary.entries},
        )

    @admin.display(description=gettext_lazy("亩均效益"))
    def land_display(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        figures = land.project_land_figures(project=obj)
        year = figures.year
        parts = [
            _("投资强度 %(value)s 万元/亩") % {"value": _number(figures.investment_intensity)},
            _("%(year)s亩均产值 %(value)s 万元/亩") % {
                "year": _("%(year)d 年") % {"year": year} if year else "", "value": _number(figures.output_per_mu)},
            _("亩均税收 %(value)s 万元/亩") % {"value": _number(figures.tax_per_mu)},
        ]
        below = land.shortfalls(figures, land.Thresholds.of(obj.zone))
        return format_html("{}{}", "；".join(parts),
                           format_html_join("", '<br><strong class="errornote">{}</strong>', ((line,) for line in below)))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        write = getattr(form, "prepared_write", None)
        for warning in (write.extra.get("warnings", ()) if write is not None else ()):
            messages.warning(request, _("已保存，但请注意：%(warning)s（已记入修改记录）") % {"warning": warning})

    def get_urls(self):
        return [
            path("plan-figures/", self.admin_site.admin_view(self.plan_figures_view), name="projects_plan_figures"),
            *super().get_urls(),
        ]

    def plan_figures_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("projects.view_project"):
            raise PermissionDenied
        today = timezone.localdate()
        year = _chosen_year(request, today)
        context = {
            **self.admin_site.each_context(request), "title": _("计划与效益"), "opts": self.model._meta,
            **plan_figures(year=year, today=today), "years": _year_choices(today), "year": year,
        }
        return TemplateResponse(request, "admin/projects/plan_figures.html", context)


def _number(value) -> str:
    return "—" if value is None else f"{value}"
