"""
The back office: the office keeps its whole ledger here.

Every changelist and change page runs a fixed number of queries whatever the number of rows
(select_related/prefetch_related in ``get_queryset``; the tests hold each page to a bound with
100+ rows). Every save goes through the write door (``ledger.writes``, via ``WorkflowAdminMixin``),
so the stage table applies and stage changes append milestones.
"""

from django.contrib import admin
from django.db import connections
from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator, smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _

from accounts.users import officer_choices
from jobs.admin_handoff import JobImportExportMixin
from ledger.admin import (
    PUBLISHABLE_READONLY,
    TIMESTAMP_FIELDS,
    SlugAdminMixin,
    WorkflowAdminMixin,
    publishing_fieldset,
    record_fieldset,
)
from ledger.admin_counts import changelist_paginator, with_search_branches
from ledger.admin_tools import ObjectToolsMixin
from ledger.forms import AdminModelForm
from ledger.money import format_money
from ledger.paginators import EstimatedCountPaginator
from ledger.people import display_name
from savedfilters.admin import SavedFiltersMixin

from . import resources
from .admin_filters import AlertColourFilter, OfficerFilter, PlanFilter, TimingFilter, YardstickFilter
from .admin_map import MAP_FIELDSET, MapFieldsAdminMixin
from .admin_plans import PLAN_FIELDSET, ProjectPlanAdminMixin
from .filters import TRIGRAM_MIN_LENGTH, keyword_union
from .forms import ProjectAdminForm
from .models import (
    Enterprise,
    Honour,
    Project,
    ProjectMilestone,
    RenewalZone,
    ResearchInstitute,
    Sector,
    SigningEvent,
)

#: A name in a changelist column is cut to this many characters (the full name shows on hover).
NAME_CHARS = 16
INVESTOR_CHARS = 10


class YearListFilter(admin.SimpleListFilter):
    """Filter by the year of a date field (one query for the list of years)."""

    date_field: str = ""

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).dates(self.date_field, "year", order="DESC")
        return [(str(day.year), _("%(year)s年") % {"year": day.year}) for day in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(**{f"{self.date_field}__year": int(value)})
        return queryset


class SignedYearFilter(YearListFilter):
    """The project changelist's signing-year filter: every year from the first signing to the last.

    The years come from ``MIN``/``MAX`` of the signing date (one query, two index probes) rather
    than ``SELECT DISTINCT DATE_TRUNC('year', …)`` over the whole table, which grows with the ledger;
    a year in between with no signing is offered too and lists nothing.
    """

    title = _("签约年份")
    parameter_name = "signed_year"
    date_field = "signed_on"

    def lookups(self, request, model_admin):
        bounds = model_admin.get_queryset(request).aggregate(first=Min(self.date_field), last=Max(self.date_field))
        if bounds["first"] is None:
            return []
        return [(str(year), _("%(year)s年") % {"year": year})
                for year in range(bounds["last"].year, bounds["first"].year - 1, -1)]


def money_column(field: str, description):
    """A list column showing an amount in 万元/亿元 that still sorts by the stored decimal."""

    @admin.display(description=description, ordering=field)
    def column(self, obj):
        return format_money(getattr(obj, field))

    column.__name__ = f"{field}_display"
    return column


# --- Sectors and honours -------------------------------------------------------------------------


@admin.register(Sector)
class SectorAdmin(SlugAdminMixin, WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ("name", "name_en", "parent", "tier", "position", "project_count")
    list_display_links = ("name",)
    list_editable = ("position",)
    list_filter = ("tier", ("parent", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("parent",)
    search_fields = ("name", "name_en", "slug", "description")
    autocomplete_fields = ("parent",)
    ordering = ("tier", "position", "name")
    readonly_fields = TIMESTAMP_FIELDS
    fieldsets = (
        (None, {"fields": ("name", "name_en", "slug", "parent", "tier", "position", "description")}),
        record_fieldset(*TIMESTAMP_FIELDS),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(project_total=Count("projects", distinct=True))

    @admin.display(description=_("项目数"), ordering="project_total")
    def project_count(self, obj):
        return obj.project_total


@admin.register(Honour)
class HonourAdmin(SlugAdminMixin, WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ("name", "name_en", "slug", "position", "enterprise_count")
    list_editable = ("position",)
    search_fields = ("name", "name_en", "slug")
    ordering = ("position", "name")
    readonly_fields = TIMESTAMP_FIELDS
    fields = ("name", "name_en", "slug", "position", *TIMESTAMP_FIELDS)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(enterprise_total=Count("enterprises", distinct=True))

    @admin.display(description=_("企业数"), ordering="enterprise_total")
    def enterprise_count(self, obj):
        return obj.enterprise_total


# --- Enterprises ---------------------------------------------------------------------------------


@admin.register(Enterprise)
class EnterpriseAdmin(SavedFiltersMixin, JobImportExportMixin, SlugAdminMixin, WorkflowAdminMixin, admin.ModelAdmin):
    ledger_kind = "enterprises"
    resource_classes = [resources.EnterpriseResource]
    list_display = ("name", "short_name", "origin_display", "kind", "parent", "honour_list", "project_count",
                    "is_published", "updated_at")
    list_filter = ("kind", "honours", "is_published", "province")
    list_select_related = ("parent",)
    search_fields = ("name", "short_name", "name_en", "credit_code", "city", "province", "parent__name")
    autocomplete_fields = ("parent", "honours")
    date_hierarchy = "created_at"
    ordering = ("name",)
    readonly_fields = PUBLISHABLE_READONLY
    fieldsets = (
        (None, {"fields": ("name", "short_name", "name_en", "slug", "credit_code", "kind", "parent", "honours")}),
        (_("所在地"), {"fields": ("province", "city")}),
        (_("介绍"), {"fields": ("description", "description_en")}),
        (_("内部信息"), {"fields": ("staff_note",)}),
        publishing_fieldset(),
        record_fieldset(*PUBLISHABLE_READONLY),
    )

    def get_queryset(self, request):
        return (
            super().get_queryset(request)
            .prefetch_related("honours")
            .annotate(project_total=Count("projects", distinct=True))
        )

    @admin.display(description=_("所在地"), ordering="province")
    def origin_display(self, obj):
        return obj.origin or "—"

    @admin.display(description=_("荣誉标签"))
    def honour_list(self, obj):
        return "、".join(honour.name for honour in obj.honours.all()) or "—"

    @admin.display(description=_("项目数"), ordering="project_total")
    def project_count(self, obj):
        return obj.project_total


# --- Signing events ------------------------------------------------------------------------------


class EventProjectInline(admin.TabularInline):
    """The projects recorded for an event: a read-only list linking to each project's own page."""

    model = Project
    fk_name = "signing_event"
    fields = ("name", "stage", "sector", "total_investment_display", "is_published")
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False
    verbose_name = _("本次活动的签约项目")
    verbose_name_plural = _("本次活动的签约项目（在项目页中编辑）")

    total_investment_display = money_column("total_investment", _("总投资"))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("sector")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SigningEvent)
class SigningEventAdmin(SlugAdminMixin, WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ("name", "held_on", "place", "announced_project_count", "announced_total_display",
                    "recorded_count", "recorded_total_display", "is_published")
    list_filter = ("is_published", "sectors")
    search_fields = ("name", "name_en", "place", "summary")
    autocomplete_fields = ("sectors",)
    date_hierarchy = "held_on"
    ordering = ("-held_on", "name")
    readonly_fields = PUBLISHABLE_READONLY
    inlines = (EventProjectInline,)
    fieldsets = (
        (None, {"fields": ("name", "name_en", "slug", "held_on", "place", "sectors")}),
        (_("公布数据"), {
            "fields": ("announced_project_count", "announced_total_investment"),
            "description": _("活动公布的签约项目数和签约总额（万元），按公布口径录入；库内记录的项目通常少于公布数。"),
        }),
        (_("介绍"), {"fields": ("summary", "summary_en")}),
        (_("内部信息"), {"fields": ("staff_note",)}),
        publishing_fieldset(),
        record_fieldset(*PUBLISHABLE_READONLY),
    )

    announced_total_display = money_column("announced_total_investment", _("公布签约总额"))
    recorded_total_display = money_column("recorded_total_investment", _("库内项目总投资"))

    def get_queryset(self, request):
        return super().get_queryset(request).with_recorded_figures(public_only=False)

    @admin.display(description=_("库内项目数"), ordering="recorded_project_count")
    def recorded_count(self, obj):
        return obj.recorded_project_count


# --- Places: renewal zones and research institutes -----------------------------------------------


@admin.register(RenewalZone)
class RenewalZoneAdmin(MapFieldsAdminMixin, SlugAdminMixin, WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "positioning", "area_km2", "development_model", "status", "project_count",
                    "institute_count", "is_published")
    list_filter = ("kind", "development_model", "status", "is_published")
    search_fields = ("name", "name_en", "positioning", "description")
    ordering = ("kind", "name")
    readonly_fields = PUBLISHABLE_READONLY
    fieldsets = (
        (None, {"fields": ("name", "name_en", "slug", "kind", "positioning", "area_km2", "development_model",
                           "status")}),
        MAP_FIELDSET,
        (_("介绍"), {"fields": ("description", "description_en")}),
        (_("内部信息"), {"fields": ("staff_note",)}),
        (_("亩均效益门槛（载体，仅工作人员可见）"), {
            "fields": ("min_investment_intensity", "min_output_per_mu", "min_tax_per_mu"),
            "description": _("签约项目的投资强度低于门槛时，保存会提示（不阻止），并记入修改记录。"),
        }),
        publishing_fieldset(),
        record_fieldset(*PUBLISHABLE_READONLY),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            project_total=Count("projects", distinct=True), institute_total=Count("institutes", distinct=True)
        )

    @admin.display(description=_("项目数"), ordering="project_total")
    def project_count(self, obj):
        return obj.project_total

    @admin.display(description=_("研究院数"), ordering="institute_total")
    def institute_count(self, obj):
        return obj.institute_total


@admin.register(ResearchInstitute)
class ResearchInstituteAdmin(MapFieldsAdminMixin, SlugAdminMixin, WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "zone", "founded_display", "status", "is_published", "updated_at")
    list_filter = ("kind", "status", ("zone", admin.RelatedOnlyFieldListFilter), "is_published")
    list_select_related = ("zone",)
    search_fields = ("name", "name_en", "partners", "focus_areas", "address")
    autocomplete_fields = ("zone",)
    date_hierarchy = "founded_on"
    ordering = ("name",)
    readonly_fields = PUBLISHABLE_READONLY
    fieldsets = (
        (None, {"fields": ("name", "name_en", "slug", "kind", "zone", "address", "status")}),
        MAP_FIELDSET,
        (_("成立与合作"), {"fields": ("founded_on", "founded_on_precision", "partners", "focus_areas")}),
        (_("介绍"), {"fields": ("description", "description_en")}),
        (_("内部信息"), {"fields": ("staff_note",)}),
        publishing_fieldset(),
        record_fieldset(*PUBLISHABLE_READONLY),
    )

    @admin.display(description=_("成立时间"), ordering="founded_on")
    def founded_display(self, obj):
        return obj.founded_display or "—"


# --- Projects and their timeline -----------------------------------------------------------------


class ProjectMilestoneInline(admin.TabularInline):
    """The project's timeline, read-only: a change of stage on the project appends the next milestone."""

    model = ProjectMilestone
    fields = ("stage", "date_display", "note", "recorded_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("项目节点（阶段变更时自动记录）")

    def get_queryset(self, request):
        # The project too: the inline shows each milestone's __str__, which names its project.
        return super().get_queryset(request).select_related("project", "recorded_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("日期"))
    def date_display(self, obj):
        return obj.date_display or "—"


@admin.register(Project)
class ProjectAdmin(SavedFiltersMixin, ObjectToolsMixin, MapFieldsAdminMixin, JobImportExportMixin, ProjectPlanAdminMixin,
                   WorkflowAdminMixin, admin.ModelAdmin):
    ledger_kind = "projects"
    resource_classes = [resources.ProjectResource]
    form = ProjectAdminForm
    # The columns an officer scans, narrow enough for 1280 px beside the app sidebar (the filters sit
    # in a drawer above the table, templates/admin/change_list.html); cards on a phone.
    # The review state is the workflow mixin's 审核与发布 column (published, or the review status).
    list_display = ("name_display", "stage", "investor_list", "total_investment_display", "signed_display",
                    "officer_display")
    list_display_links = ("name_display",)
    # Sector, event and zone offer every row of their (small) tables: RelatedOnlyFieldListFilter would
    # compute the values in use with a DISTINCT over the whole ledger on every page.
    list_filter = ("stage", OfficerFilter, AlertColourFilter, PlanFilter, YardstickFilter, TimingFilter,
                   SignedYearFilter, "sector", "signing_event", "zone", "is_headquarters", "is_published",
                   "review_status")
    list_select_related = ("sector", "signing_event", "zone", "officer")
    # Large ledgers: no exact COUNT(*) of the whole table per page (ledger/paginators.py).
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    search_fields = ("name", "code", "name_en", "investors__name", "investors__short_name", "address", "summary",
                     "responsible_unit", "responsible_person")
    # 招商专员 is a plain choice of the active staff accounts (a short list), not the user admin's
    # autocomplete, which answers only people allowed to view users (issue 15).
    autocomplete_fields = ("investors", "sector", "signing_event", "zone", "institutes")
    # No date_hierarchy: it runs SELECT DISTINCT DATE_TRUNC('year', signed_on) over the whole table
    # twice per page; SignedYearFilter gives the same choice from MIN/MAX (docs/performance.md).
    readonly_fields = (*PUBLISHABLE_READONLY, *ProjectPlanAdminMixin.plan_readonly)
    # Other apps add theirs (ambassadors: the lead that brought the project).
    inlines = [ProjectMilestoneInline, *ProjectPlanAdminMixin.plan_inlines]
    fieldsets = (
        (None, {"fields": ("name", "code", "name_en", "slug", "investors", "sector", "signing_event",
                           "is_headquarters")}),
        (_("地点"), {"fields": ("zone", "address", "institutes")}),
        MAP_FIELDSET,
        (_("投资额（万元，1 亿元 = 10,000 万元）"), {"fields": ("total_investment", "funds_display")}),
        (_("项目阶段"), {
            "fields": ("stage", "milestone_note", ("signed_on", "signed_on_precision"),
                       ("registered_on", "registered_on_precision"), ("started_on", "started_on_precision"),
                       ("completed_on", "completed_on_precision"), ("production_on", "production_on_precision")),
            "description": _("阶段只能按流程推进（在谈 → 已签约 → 已注册落户 → 已开工 → 已竣工 → 已投产，可暂缓或终止）；"
                             "签约及以后的阶段须填写投资方和该阶段日期。阶段变更自动记入项目节点。"),
        }),
        PLAN_FIELDSET,
        (_("介绍"), {"fields": ("summary", "summary_en", "description", "description_en", "public_note")}),
        (_("规划指标与亩均效益（固定资产投资、亩均效益仅工作人员可见）"), {
            "fields": ("planned_jobs", "land_area_mu", "fixed_asset_investment", "land_display"),
        }),
        (_("内部信息（仅工作人员可见）"), {
            "fields": ("responsible_unit", "responsible_person", "officer", "obstacles", "staff_note"),
        }),
        publishing_fieldset(),
        record_fieldset(*PUBLISHABLE_READONLY),
    )

    total_investment_display = money_column("total_investment", _("总投资"))
    funds_in_place_display = money_column("funds_in_place", _("到位资金"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "officer":
            kwargs["queryset"] = officer_choices()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.resolver_match is not None and request.resolver_match.url_name == "projects_project_changelist":
            queryset = queryset.prefetch_related("investors")  # the investor column; the form reads its own
        return queryset

    def get_search_results(self, request, queryset, search_term):
        """On PostgreSQL, for keywords of three characters or more: each keyword as ``id IN (one SELECT
        per search field UNION ALL …)``, each branch through its trigram index (migrations 0003, 0009).

        The same rows as Django's search (every keyword in some search field, OR across fields, AND
        across keywords), but without the OR over joined investors that makes Django scan every project
        and wrap the list in a duplicate-removing EXISTS: ``id IN`` never repeats a row. Staff see every
        record, so the investor branches need no published filter. A shorter keyword has no trigram to
        look up; it and every other database keep Django's own search.
        """
        terms = [
            unescape_string_literal(bit) if bit[:1] in {'"', "'"} and bit[-1:] == bit[0] else bit
            for bit in smart_split(search_term)
        ]
        if (
            connections[queryset.db].vendor != "postgresql"
            or not terms
            or any(len(term) < TRIGRAM_MIN_LENGTH for term in terms)
        ):
            return super().get_search_results(request, queryset, search_term)
        project_fields = [path for path in self.search_fields if not path.startswith("investors__")]
        investor_fields = [path.removeprefix("investors__") for path in self.search_fields
                           if path.startswith("investors__")]
        searched = queryset
        for term in terms:
            searched = searched.filter(
                pk__in=keyword_union(term, project_fields=project_fields, investor_fields=investor_fields)
            )
        # For the paginator (ledger/admin_counts.py): the list as one branch per arm of the first word.
        first, *others = terms
        base = queryset
        for term in others:
            base = base.filter(
                pk__in=keyword_union(term, project_fields=project_fields, investor_fields=investor_fields)
            )
        links = Project.investors.through.objects.order_by()
        investor_match = Q()
        for path in investor_fields:
            investor_match |= Q(**{f"enterprise__{path}__icontains": first})
        arms = [Q(**{f"{path}__icontains": first}) for path in project_fields]
        if investor_fields:
            arms.append(Q(pk__in=links.filter(investor_match).values("project_id")))
        return with_search_branches(searched, base=base, branches=[base.filter(arm) for arm in arms]), False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return changelist_paginator(self, request, queryset, per_page, orphans, allow_empty_first_page)

    @admin.display(description=_("项目名称"), ordering="name")
    def name_display(self, obj):
        """The name cut to one line; the full name (and the code) on hover."""
        full = f"{obj.name}（{obj.code}）" if obj.code else obj.name
        return format_html('<span class="qs-truncate" title="{}">{}</span>', full, Truncator(obj.name).chars(NAME_CHARS))

    @admin.display(description=_("投资方"))
    def investor_list(self, obj):
        names = "、".join(investor.short_name or investor.name for investor in obj.investors.all())
        if not names:
            return "—"
        return format_html('<span class="qs-truncate" title="{}">{}</span>', names, Truncator(names).chars(INVESTOR_CHARS))

    @admin.display(description=_("招商专员"), ordering="officer__first_name")
    def officer_display(self, obj):
        if obj.officer is None:
            return "—"
        return display_name(obj.officer)

    @admin.display(description=_("签约日期"), ordering="signed_on")
    def signed_display(self, obj):
        return obj.signed_display or "—"


@admin.register(ProjectMilestone)
class ProjectMilestoneAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    """The timeline as a searchable list. Milestones are appended by stage changes; only the note is editable."""

    form = AdminModelForm
    list_display = ("project", "stage", "date_display", "note", "recorded_by", "created_at")
    list_filter = ("stage",)
    list_select_related = ("project", "recorded_by")
    search_fields = ("project__name", "project__code", "note")
    date_hierarchy = "date"
    ordering = ("-created_at", "-id")
    fields = ("project_link", "stage", "date_display", "note", "recorded_by", *TIMESTAMP_FIELDS)
    readonly_fields = ("project_link", "stage", "date_display", "recorded_by", *TIMESTAMP_FIELDS)

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("日期"), ordering="date")
    def date_display(self, obj):
        return obj.date_display or "—"

    @admin.display(description=_("项目"))
    def project_link(self, obj):
        url = reverse("admin:projects_project_change", args=[obj.project_id])
        return format_html('<a href="{}">{}</a>', url, obj.project)


# Registered after the ledger admins: the duplicate-signing review; the 投资意向 follow-up.
from . import admin_duplicates, admin_interest  # noqa: E402,F401
