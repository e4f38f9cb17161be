"""The office's announced figures in the back office: entered with their source, published by a reviewer."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ledger.admin import (
    PUBLISHABLE_READONLY,
    SlugAdminMixin,
    WorkflowAdminMixin,
    publishing_fieldset,
    record_fieldset,
)

from .models import AnnouncedFigure


@admin.register(AnnouncedFigure)
class AnnouncedFigureAdmin(SlugAdminMixin, WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ("indicator", "value_display", "period_display", "source_title", "yardstick", "position",
                    "is_published")
    list_filter = ("is_published", "yardstick")
    search_fields = ("indicator", "indicator_en", "source_title", "quote")
    ordering = ("position", "-period_on")
    readonly_fields = PUBLISHABLE_READONLY
    fieldsets = (
        (None, {"fields": ("indicator", "indicator_en", "slug", ("comparison", "value"), ("unit", "unit_en"),
                           ("period_on", "period_precision"), "position")}),
        (_("来源"), {
            "fields": ("source_title", "source_url", ("source_published_on", "source_published_on_precision"), "quote"),
            "description": _("按来源原样录入；来源未给出的内容留空。"),
        }),
        (_("与本库记录并列"), {
            "fields": ("yardstick",),
            "description": _("首页把公布的数字与本库按同一口径计算的数字并列显示，各自标注“报道公布”“本库记录”，不相加。"),
        }),
        (_("内部信息"), {"fields": ("staff_note",)}),
        publishing_fieldset(),
        record_fieldset(*PUBLISHABLE_READONLY),
    )

    @admin.display(description=_("数值"), ordering="value")
    def value_display(self, obj):
        prefix = f"{obj.get_comparison_display()} " if obj.comparison != "equal" else ""
        return f"{prefix}{obj.value_text}{obj.unit}"

    @admin.display(description=_("统计期"), ordering="period_on")
    def period_display(self, obj):
        return obj.period_display
