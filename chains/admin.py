"""Back office of the industrial chains: chains, their links, and the list of missing links to recruit
for (补链招商目标清单). Every save goes through the write door (``WorkflowAdminMixin``), so a change of a
published chain or link by someone who may not publish it waits for a reviewer."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from ledger.admin import (
    PUBLISHABLE_READONLY,
    SlugAdminMixin,
    WorkflowAdminMixin,
    publishing_fieldset,
    record_fieldset,
)

from . import selectors
from .models import Chain, ChainNode


class FilledFilter(admin.SimpleListFilter):
    """环节状态: missing links (nothing attached) or filled ones."""

    title = _("环节状态")
    parameter_name = "filled"

    def lookups(self, request, model_admin):
        return [("no", _("缺失环节")), ("yes", _("已补"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.missing()
        if self.value() == "yes":
            return queryset.exclude(enterprise_count=0, project_count=0)
        return queryset


class ChainNodeInline(admin.TabularInline):
    """The chain's links at a glance; each is edited on its own page (enterprises, projects, review)."""

    model = ChainNode
    fields = ("segment", "position", "name", "status", "is_published")
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False
    verbose_name_plural = _("环节（在环节页中编辑）")

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts(public_only=False).in_order()

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("环节状态"))
    def status(self, obj):
        return _("已补") if obj.is_filled else _("缺失环节")


@admin.register(Chain)
class ChainAdmin(SlugAdminMixin, WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ("name", "sector_list", "position", "is_published", "updated_at")
    list_filter = ("is_published", "sectors")
    search_fields = ("name", "name_en", "summary", "description")
    autocomplete_fields = ("sectors", "leaders", "cores")
    ordering = ("position", "name")
    readonly_fields = PUBLISHABLE_READONLY
    inlines = (ChainNodeInline,)
    fieldsets = (
        (None, {"fields": ("name", "name_en", "slug", "sectors", "position")}),
        (_("链主与链核"), {
            "fields": ("leaders", "cores"),
            "description": _("企业在本链中的角色，只对本链成立；与企业的“荣誉标签”无关。报道未说明的不要填写。"),
        }),
        (_("介绍"), {"fields": ("summary", "summary_en", "description", "description_en")}),
        (_("内部信息"), {"fields": ("staff_note",)}),
        publishing_fieldset(),
        record_fieldset(*PUBLISHABLE_READONLY),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sectors")

    @admin.display(description=_("产业领域"))
    def sector_list(self, obj):
        return "、".join(sector.name for sector in obj.sectors.all()) or "—"


@admin.register(ChainNode)
class ChainNodeAdmin(SlugAdminMixin, WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ("name", "chain", "segment", "position", "status", "enterprise_count", "project_count",
                    "is_published")
    list_filter = (FilledFilter, "segment", "chain", "is_published")
    list_select_related = ("chain",)
    search_fields = ("name", "name_en", "description", "chain__name")
    autocomplete_fields = ("chain", "enterprises", "projects")
    ordering = ("chain__position", "chain__name", "segment", "position", "name")
    readonly_fields = PUBLISHABLE_READONLY
    fieldsets = (
        (None, {"fields": ("chain", "segment", "position", "name", "name_en", "slug")}),
        (_("挂接企业与项目"), {
            "fields": ("enterprises", "projects"),
            "description": _("没有挂接任何企业或项目的环节是“缺失环节”，列入补链招商目标清单。"),
        }),
        (_("说明"), {"fields": ("description", "description_en")}),
        (_("内部信息"), {"fields": ("staff_note",)}),
        publishing_fieldset(),
        record_fieldset(*PUBLISHABLE_READONLY),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts(public_only=False)

    @admin.display(description=_("环节状态"))
    def status(self, obj):
        return _("已补") if obj.is_filled else _("缺失环节")

    @admin.display(description=_("企业数"), ordering="enterprise_count")
    def enterprise_count(self, obj):
        return obj.enterprise_count

    @admin.display(description=_("项目数"), ordering="project_count")
    def project_count(self, obj):
        return obj.project_count

    def get_urls(self):
        targets = path("targets/", self.admin_site.admin_view(self.targets_view), name="chains_chainnode_targets")
        return [targets, *super().get_urls()]

    def targets_view(self, request):
        """补链招商目标清单: every link nothing fills, by chain, with what the office knows of the need."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        nodes = list(selectors.missing_links())
        context = {
            **self.admin_site.each_context(request),
            "title": _("补链招商目标清单"),
            "opts": self.opts,
            "nodes": nodes,
            "changelist_url": reverse("admin:chains_chainnode_changelist"),
            "may_change": self.has_change_permission(request),
        }
        return TemplateResponse(request, "admin/chains/targets.html", context)
