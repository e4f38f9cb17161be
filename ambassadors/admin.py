"""Back office for investment ambassadors, their cohorts and the leads they refer."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from jobs.admin_handoff import JobImportExportMixin
from ledger.admin import (
    PUBLISHABLE_READONLY,
    TIMESTAMP_FIELDS,
    SlugAdminMixin,
    WorkflowAdminMixin,
    publishing_fieldset,
    record_fieldset,
)
from ledger.forms import AdminModelForm
from projects.admin import ProjectAdmin

from . import resources
from .models import Ambassador, Cohort, Lead
from .results import staff_results


@admin.register(Cohort)
class CohortAdmin(SlugAdminMixin, WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ("name", "year", "appointed_display", "announced_size", "recorded_count", "is_published")
    list_filter = ("year", "is_published")
    search_fields = ("name", "name_en", "description")
    date_hierarchy = "appointed_on"
    ordering = ("-year", "name")
    readonly_fields = PUBLISHABLE_READONLY
    fieldsets = (
        (None, {"fields": ("name", "name_en", "slug", "year", ("appointed_on", "appointed_on_precision"),
                           "announced_size")}),
        (_("说明"), {"fields": ("description", "description_en")}),
        publishing_fieldset(),
        record_fieldset(*PUBLISHABLE_READONLY),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(ambassador_total=Count("ambassadors", distinct=True))

    @admin.display(description=_("聘任日期"), ordering="appointed_on")
    def appointed_display(self, obj):
        return obj.appointed_display or "—"

    @admin.display(description=_("库内大使数"), ordering="ambassador_total")
    def recorded_count(self, obj):
        return obj.ambassador_total


class LeadInline(admin.TabularInline):
    """The ambassador's leads at a glance; each opens on its own page to link enterprises and projects."""

    model = Lead
    form = AdminModelForm
    fields = ("target_name", "status", "referred_on", "referred_on_precision", "target_enterprise", "sector",
              "project", "is_published")
    # Publishing is the reviewers' (the workflow actions on the lead's list), never an inline edit.
    readonly_fields = ("target_enterprise", "sector", "project", "is_published")
    show_change_link = True
    extra = 0

    def get_queryset(self, request):
        # The ambassador too: the inline shows each lead's __str__, which names its ambassador.
        return super().get_queryset(request).select_related("ambassador", "target_enterprise", "sector", "project")


@admin.register(Ambassador)
class AmbassadorAdmin(JobImportExportMixin, SlugAdminMixin, WorkflowAdminMixin, admin.ModelAdmin):
    ledger_kind = "ambassadors"
    resource_classes = [resources.AmbassadorResource]
    list_display = ("name", "title", "organisation", "cohort", "status", "lead_count", "is_published", "updated_at")
    list_filter = ("cohort", "status", "is_published")
    list_select_related = ("cohort", "enterprise")
    search_fields = ("name", "name_en", "title", "organisation", "enterprise__name", "bio")
    autocomplete_fields = ("enterprise", "cohort")
    date_hierarchy = "term_start"
    readonly_fields = PUBLISHABLE_READONLY
    inlines = (LeadInline,)
    fieldsets = (
        (None, {"fields": ("name", "name_en", "slug", "title", "organisation", "enterprise", "cohort", "status",
                           ("term_start", "term_end"))}),
        (_("公开简介"), {"fields": ("bio", "bio_en")}),
        (_("联系方式与备注（仅工作人员可见）"), {"fields": ("phone", "email", "staff_note")}),
        publishing_fieldset(),
        record_fieldset(*PUBLISHABLE_READONLY),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(lead_total=Count("leads", distinct=True))

    @admin.display(description=_("线索数"), ordering="lead_total")
    def lead_count(self, obj):
        return obj.lead_total

    def get_urls(self):
        results = path("results/", self.admin_site.admin_view(self.results_view), name="ambassadors_ambassador_results")
        return [results, *super().get_urls()]

    def results_view(self, request):
        """The staff page of ambassador results: every record, per cohort and ambassador."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("招商大使成效"),
            "opts": self.opts,
            "groups": staff_results(),
        }
        return TemplateResponse(request, "admin/ambassadors/results.html", context)


@admin.register(Lead)
class LeadAdmin(JobImportExportMixin, WorkflowAdminMixin, admin.ModelAdmin):
    ledger_kind = "leads"
    resource_classes = [resources.LeadResource]
    form = AdminModelForm
    list_display = ("target_name", "ambassador", "status", "sector", "referred_display", "project", "is_published")
    list_filter = ("status", ("sector", admin.RelatedOnlyFieldListFilter), "is_published")
    list_select_related = ("ambassador", "sector", "project")
    search_fields = ("target_name", "target_enterprise__name", "ambassador__name", "summary", "project__name")
    autocomplete_fields = ("ambassador", "target_enterprise", "sector", "project")
    date_hierarchy = "referred_on"
    readonly_fields = TIMESTAMP_FIELDS
    fieldsets = (
        (None, {"fields": ("ambassador", "target_name", "target_enterprise", "sector",
                           ("referred_on", "referred_on_precision"), "status", "project")}),
        (_("说明"), {"fields": ("summary", "is_published")}),
        (_("内部备注（仅工作人员可见）"), {"fields": ("staff_note",)}),
        record_fieldset(*TIMESTAMP_FIELDS),
    )

    @admin.display(description=_("推荐日期"), ordering="referred_on")
    def referred_display(self, obj):
        return obj.referred_display or "—"


class ProjectLeadInline(admin.TabularInline):
    """Which ambassador's lead brought the project (edited on the lead's own page)."""

    model = Lead
    fk_name = "project"
    fields = ("target_name", "ambassador", "status", "referred_display")
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False
    verbose_name_plural = _("来源线索（招商大使推荐）")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("ambassador")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("推荐日期"))
    def referred_display(self, obj):
        return obj.referred_display or "—"


# The project page shows the lead that brought the project.
ProjectAdmin.inlines = [*ProjectAdmin.inlines, ProjectLeadInline]
