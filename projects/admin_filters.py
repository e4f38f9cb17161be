"""List filters for the project changelist, offered to ``ProjectAdmin.list_filter``."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.people import display_name

from . import counting, plans, progress, timings
from .models import Sector, SigningEvent
from .stages import MAIN_PATH, Stage


class AlertColourFilter(admin.SimpleListFilter):
    """进度预警: red / yellow / green, thresholds from settings (see ``projects.progress``)."""

    title = _("进度预警")
    parameter_name = "alert"

    def lookups(self, request, model_admin):
        limits = progress.thresholds()
        return [
            (progress.AlertColour.RED, _("红色（%(days)d 天以上无进展）") % {"days": limits.red_days}),
            (progress.AlertColour.YELLOW, _("黄色（%(days)d 天以上无进展）") % {"days": limits.yellow_days}),
            (progress.AlertColour.GREEN, _("正常推进")),
        ]

    def queryset(self, request, queryset):
        if self.value() in {choice for choice, _label in self.lookup_choices}:
            return progress.filter_by_colour(queryset, self.value())
        return queryset


class YardstickFilter(admin.SimpleListFilter):
    """The records behind one dashboard figure: ``?yardstick=signed.2026.all`` or ``event-started.3``.

    Applies the very function that computed the figure (``counting.yardstick_records``, or the
    conference funnel's stage condition), so the list and the figure always agree. It shows up in
    the sidebar only while it is in use.
    """

    title = _("指标明细")
    parameter_name = "yardstick"

    def parse(self, value: str | None):
        if not value:
            return None
        kind, _dot, rest = value.partition(".")
        if kind.startswith("event-"):
            stage = kind.removeprefix("event-")
            if stage in MAIN_PATH and rest.isdigit():
                return ("event", stage, int(rest))
            return None
        year, _dot, sector = rest.partition(".")
        if kind in counting.YARDSTICK_KINDS and year.isdigit() and (sector == "all" or sector.isdigit()):
            return ("figure", kind, int(year), None if sector == "all" else int(sector))
        return None

    def lookups(self, request, model_admin):
        parsed = self.parse(self.value())
        if parsed is None:
            return []
        return [(self.value(), self.describe(parsed))]

    def describe(self, parsed) -> str:
        labels = {
            "signed": _("签约"), "started": _("签约后已开工"), "on_track": _("履约正常"),
            "funded": _("已知总投资的签约项目"), "completed": _("竣工"), "in_production": _("投产"),
            "same_year": _("当年签约当年开工"),
        }
        if parsed[0] == "event":
            event = SigningEvent.objects.filter(pk=parsed[2]).first()
            return _("%(event)s：%(stage)s") % {"event": event or "?", "stage": Stage(parsed[1]).label}
        _figure, kind, year, sector_id = parsed
        sector = Sector.objects.filter(pk=sector_id).first() if sector_id else None
        return _("%(year)d 年 · %(kind)s · %(sector)s") % {
            "year": year, "kind": labels[kind], "sector": sector or _("全部领域")}

    def queryset(self, request, queryset):
        parsed = self.parse(self.value())
        if parsed is None:
            return queryset
        counted = counting.counted_projects(queryset)
        if parsed[0] == "event":
            _event, stage, event_id = parsed
            return counted.filter(counting.reached_stage_condition(stage), signing_event_id=event_id)
        _figure, kind, year, sector_id = parsed
        sector_ids = Sector.objects.descendant_ids([sector_id]) if sector_id else None
        return counting.yardstick_records(kind, year=year, queryset=counted, sector_ids=sector_ids)


class OfficerFilter(admin.SimpleListFilter):
    """招商专员: the staff who follow projects, and 未指派. One query on the (small) user table, not a
    DISTINCT over the whole ledger as ``RelatedOnlyFieldListFilter`` would run."""

    title = _("招商专员")
    parameter_name = "officer"
    UNASSIGNED = "none"

    def lookups(self, request, model_admin):
        # Read once per request: an admin action builds the changelist twice.
        choices = getattr(request, "_officer_choices", None)
        if choices is None:
            staff = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("first_name", "username")
            choices = [(str(user.pk), display_name(user)) for user in staff]
            request._officer_choices = choices
        return [(self.UNASSIGNED, _("未指派")), *choices]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.UNASSIGNED:
            return queryset.filter(officer__isnull=True)
        if value and value.isdigit():
            return queryset.filter(officer_id=int(value))
        return queryset


class PlanFilter(admin.SimpleListFilter):
    """计划进度: projects behind their plan today, for one stage or any (``?plan=started.behind``,
    ``started.red``, ``any.behind``); the same condition as the desk's lights (``projects.plans``)."""

    title = _("计划进度")
    parameter_name = "plan"

    def lookups(self, request, model_admin):
        months = plans.red_delay_months()
        choices = [("any.behind", _("落后于计划（黄或红）")),
                   ("any.red", _("落后于计划 %(months)d 个月以上（红）") % {"months": months})]
        for stage in plans.PLANNED_STAGES:
            choices.append((f"{stage}.behind", plans.BEHIND_LABELS[stage]))
            choices.append((f"{stage}.red", _("%(behind)s（红）") % {"behind": plans.BEHIND_LABELS[stage]}))
        return choices

    def queryset(self, request, queryset):
        stage, _dot, kind = (self.value() or "").partition(".")
        if kind not in ("behind", "red") or (stage != "any" and stage not in plans.PLANNED_STAGES):
            return queryset
        return plans.projects_behind_plan(on=timezone.localdate(), projects=queryset,
                                          stage=None if stage == "any" else stage, red=kind == "red")


class TimingFilter(admin.SimpleListFilter):
    """The projects one service-timing median is over: ``?timing=signed-registered`` (all) or
    ``signed-registered.unit.<责任单位>`` / ``.officer.<id|none>`` (``projects.timings``). Shown only in use."""

    title = _("服务时效明细")
    parameter_name = "timing"

    def parse(self, value: str | None):
        step, _dot, rest = (value or "").partition(".")
        if step not in timings.STEP_BY_KEY:
            return None
        if not rest:
            return step, None, ""
        by, _dot, key = rest.partition(".")
        if by not in timings.GROUPS or (by == "officer" and key != "none" and not key.isdigit()):
            return None
        return step, by, key

    def lookups(self, request, model_admin):
        parsed = self.parse(self.value())
        if parsed is None:
            return []
        step, by, key = parsed
        label = timings.STEP_BY_KEY[step].label
        if by == "unit":
            label = f"{label} · {key or _('（未填写责任单位）')}"
        elif by == "officer":
            label = f"{label} · {_('招商专员')}"
        return [(self.value(), label)]

    def queryset(self, request, queryset):
        parsed = self.parse(self.value())
        if parsed is None:
            return queryset
        step, by, key = parsed
        return timings.timing_records(projects=queryset, step=step, by=by, key=key)
