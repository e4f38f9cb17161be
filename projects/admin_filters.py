"""List filters for the project changelist, offered to ``ProjectAdmin.list_filter``."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import alerts


class AlertColourFilter(admin.SimpleListFilter):
    """进度预警: red / yellow / green, thresholds from settings (see ``projects.alerts``)."""

    title = _("进度预警")
    parameter_name = "alert"

    def lookups(self, request, model_admin):
        limits = alerts.thresholds()
        return [
            (alerts.AlertColour.RED, _("红色（%(days)d 天以上无进展）") % {"days": limits.red_days}),
            (alerts.AlertColour.YELLOW, _("黄色（%(days)d 天以上无进展）") % {"days": limits.yellow_days}),
            (alerts.AlertColour.GREEN, _("正常推进")),
        ]

    def queryset(self, request, queryset):
        if self.value() in {choice for choice, _label in self.lookup_choices}:
            return alerts.filter_by_colour(queryset, self.value())
        return queryset
