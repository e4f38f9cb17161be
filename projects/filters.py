"""
One FilterSet per entity. The public pages and the REST API use these same classes, so a
filter means the same thing (and refuses the same bad input) wherever it is used.
"""

from collections.abc import Sequence
from decimal import Decimal

import django_filters
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ledger.filters import (
    IntegerFilter,
    LedgerFilterSet,
    OrderingChoiceFilter,
    by_name_orderings,
    search_terms,
    visible_records,
)
from ledger.models import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS

from .counting import (
    counted_projects,
    reached_stage_condition,
    same_year_condition,
    signed_condition,
    started_condition,
    with_years,
)
from .models import (
    Enterprise,
    EnterpriseKind,
    Honour,
    InstituteKind,
    Project,
    RenewalZone,
    ResearchInstitute,
    Sector,
    SectorTier,
    SigningEvent,
    ZoneKind,
)
from .stages import MAIN_PATH, Stage

# pg_trgm indexes only help a LIKE pattern holding a whole trigram (three characters).
TRIGRAM_MIN_LENGTH = 3
MAX_MONEY = Decimal(10) ** (MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES) - 1


def project_name_ordering() -> tuple:
    """By name as the reader reads: pinyin in Chinese (``name_sort``), the English name in English
    (pinyin where staff entered none), each ending on the primary key."""
    if (get_language() or "").startswith("en"):
        return (Lower(Coalesce(NullIf("name_en", Value("")), "name_sort")), "id")
    return ("name_sort", "name", "id")


def keyword_union(
    term: str, *, project_fields: Sequence[str], investor_fields: Sequence[str] = (), investor_condition: Q | None = None,
    extra_branches: Sequence[QuerySet] = (),
) -> QuerySet:
    """The ids of projects with ``term`` in one of ``project_fields`` or in one of their investors'
    ``investor_fields``: one SELECT per field, ``UNION ALL``, so that each uses its trigram index.

    For ``pk__in=``; ids may repeat, which ``IN`` ignores. Used by the public/API search and the
    admin's search (PostgreSQL, keywords of ``TRIGRAM_MIN_LENGTH`` characters or more).
    """
    links = Project.investors.through.objects.filter(investor_condition or Q()).order_by()
    branches = [
        Project.objects.order_by().filter(**{f"{path}__icontains": term}).values("pk") for path in project_fields
    ] + [links.filter(**{f"enterprise__{path}__icontains": term}).values("project_id") for path in investor_fields]
    branches += list(extra_branches)
    first, *rest = branches
    return first.union(*rest, all=True)


class ProjectFilterSet(LedgerFilterSet):
    search_fields = ("name", "name_en", "summary", "summary_en", "code")
    # Also searched: the visible investors' names, the sector's and the published zone's names.
    investor_search_fields = ("name", "name_en", "short_name")
    ordering = OrderingChoiceFilter(
        {
            "-signed_on": (_("最新签约"), (F("signed_on").desc(nulls_last=True), "-id")),
            "signed_on": (_("最早签约"), (F("signed_on").asc(nulls_last=True), "id")),
            "-total_investment": (_("投资额从大到小"), (F("total_investment").desc(nulls_last=True), "-id")),
            "total_investment": (_("投资额从小到大"), (F("total_investment").asc(nulls_last=True), "id")),
            **by_name_orderings(),
            "name": (_("名称"), project_name_ordering),
        }
    )

    sector = django_filters.ModelChoiceFilter(
        label=_("产业领域"), queryset=Sector.objects.all(), to_field_name="slug", method="filter_sector",
        help_text=_("产业领域的网址标识；包含其下级领域。"),
    )
    no_sector = django_filters.BooleanFilter(
        label=_("未分类"), field_name="sector", lookup_expr="isnull",
        help_text=_("true：只看未填写产业领域的项目（首页图表的“未分类”）。"),
    )
    # distinct=False: a column of the project itself never repeats rows (DISTINCT would sort whole rows).
    stage = django_filters.MultipleChoiceFilter(label=_("项目阶段"), choices=Stage.choices, distinct=False)
    zone = django_filters.ModelChoiceFilter(
        label=_("所在片区"), queryset=visible_records(RenewalZone), to_field_name="slug", field_name="zone"
    )
    event = django_filters.ModelChoiceFilter(
        label=_("签约活动"), queryset=visible_records(SigningEvent), to_field_name="slug",
        field_name="signing_event",
    )
    investor = django_filters.ModelChoiceFilter(
        label=_("投资方"), queryset=visible_records(Enterprise), to_field_name="slug", method="filter_investor"
    )
    honour = django_filters.ModelChoiceFilter(
        label=_("投资方荣誉"), queryset=Honour.objects.all(), to_field_name="slug", method="filter_honour",
        help_text=_("如 fortune-global-500（世界500强）。"),
    )
    year = IntegerFilter(
        label=_("签约年份"), field_name="signed_on", lookup_expr="year", min_value=1978, max_value=2100
    )
    production_year = IntegerFilter(
        label=_("投产年份"), field_name="production_on", lookup_expr="year", min_value=1978, max_value=2100
    )
    investment_min = django_filters.NumberFilter(
        label=_("总投资不低于（万元）"), field_name="total_investment", lookup_expr="gte",
        min_value=0, max_value=MAX_MONEY, max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES,
    )
    investment_max = django_filters.NumberFilter(
        label=_("总投资不高于（万元）"), field_name="total_investment", lookup_expr="lte",
        min_value=0, max_value=MAX_MONEY, max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES,
    )
    headquarters = django_filters.BooleanFilter(label=_("总部项目"), field_name="is_headquarters")
    # The yardsticks' own definitions, so every headline figure links to the list it counts.
    signed = django_filters.BooleanFilter(label=_("已签约"), method="filter_signed")
    started = django_filters.BooleanFilter(label=_("已开工"), method="filter_started")
    same_year = django_filters.BooleanFilter(label=_("当年签约当年开工"), method="filter_same_year")
    counted = django_filters.BooleanFilter(
        label=_("计入统计"), method="filter_counted",
        help_text=_("true：与首页统计口径一致，不含经复核确认的重复签约；false：不筛选。"),
    )
    reached = django_filters.ChoiceFilter(
        label=_("已达到阶段"), choices=[(stage, Stage(stage).label) for stage in MAIN_PATH], method="filter_reached"
    )

    class Meta:
        model = Project
        fields = ["q", "sector", "stage", "zone", "event", "investor", "honour", "year", "headquarters"]

    def visible_investors(self) -> Q:
        """Investor links a search or filter may match: published investors only, unless staff ask.

        Otherwise a search for an unpublished investor's name would reveal its published projects.
        """
        user = getattr(self.request, "user", None)
        if user is not None and user.is_staff:
            return Q()
        return Q(enterprise__is_published=True)

    def place_arms(self, term: str) -> list[Q]:
        """The term in the project's sector name or its published zone's name (either language).

        As ``sector_id IN (…)`` / ``zone_id IN (…)`` over the small sector and zone tables, so each
        arm is an index lookup on the project's foreign key. Each arm also says ``EXISTS (…)`` of the
        same small SELECT (implied by the ``IN``, so the same rows): PostgreSQL checks it once, before
        the branch's scan (a one-time filter). Without it, a term that names no sector or zone made
        the branch's ``ORDER BY … LIMIT`` walk the list's order index through every project looking
        for one (8 s at 1M projects for 新材料, which names no zone; bench/run.py)."""
        sectors = Sector.objects.filter(Q(name__icontains=term) | Q(name_en__icontains=term)).values("pk")
        zones = RenewalZone.objects.public().filter(Q(name__icontains=term) | Q(name_en__icontains=term)).values("pk")
        return [Q(sector_id__in=sectors) & Q(Exists(sectors)), Q(zone_id__in=zones) & Q(Exists(zones))]

    def investor_arm(self, term: str, *, correlated: bool) -> Q:
        condition = Q()
        for path in self.investor_search_fields:
            condition |= Q(**{f"enterprise__{path}__icontains": term})
        investors = Project.investors.through.objects.filter(self.visible_investors()).filter(condition)
        if correlated:
            return Q(Exists(investors.filter(project_id=OuterRef("pk"))))
        return Q(pk__in=investors.values("project_id"))

    def search_condition(self, value: str) -> Q:
        """One search word: in any searched column, a (visible) investor's name, short name or English
        name, the sector's name or the published zone's name (``filter_search`` ANDs the words).

        On PostgreSQL, for a word of three characters or more, written as ``id IN (one SELECT per
        column UNION ALL the investor, sector and zone SELECTs)``: the same rows as the OR below, but
        each branch uses its index (trigram indexes, migrations 0003/0009/0011; the foreign keys), where
        the OR with EXISTS forces a scan of every project. A shorter word has no trigram to look up, so
        the index cannot help; the single scan is cheaper.
        """
        sectors, zones = self.place_arms(value)
        if len(value) >= TRIGRAM_MIN_LENGTH and connection.vendor == "postgresql":
            places = [
                Project.objects.order_by().filter(arm).values("pk") for arm in (sectors, zones)
            ]
            return Q(pk__in=keyword_union(
                value, project_fields=self.search_fields, investor_fields=self.investor_search_fields,
                investor_condition=self.visible_investors(), extra_branches=places,
            ))
        return super().search_condition(value) | self.investor_arm(value, correlated=True) | sectors | zones

    def search_branches(self):
        """For a keyword search on PostgreSQL whose first word has 3+ characters: ``(base, branches)``, else None.

        ``base`` is the filtered (and ordered) list without the first word (the other words narrow
        it); each branch is ``base`` narrowed by one arm of the first word's search (one column, the
        visible investors, the sector or the zone). The list is the union of the branches, so its first
        ``k`` rows in any order are among the first ``k`` rows of each branch:
        ``ledger.paginators.CappedCountPaginator`` asks each branch for at most ``k`` rows and lets
        PostgreSQL plan each on its own (walk the order index until enough rows match for a common
        word, or the trigram index and a sort for a rare one). ``self.qs`` is unchanged.
        """
        if not self.is_bound or connection.vendor != "postgresql":
            return None
        self.errors  # noqa: B018 (validates the form, as ``qs`` does)
        terms = search_terms(self.form.cleaned_data.get("q") or "")
        if not terms or len(terms[0]) < TRIGRAM_MIN_LENGTH:
            return None
        first, *others = terms
        base = self.queryset.all()
        for name, filter_value in self.form.cleaned_data.items():
            if name != "q":
                base = self.filters[name].filter(base, filter_value)
        for term in others:
            base = base.filter(self.search_condition(term))
        arms = [Q(**{f"{path}__icontains": first}) for path in self.search_fields]
        arms += [self.investor_arm(first, correlated=True), *self.place_arms(first)]
        return base, [base.filter(arm) for arm in arms]

    def filter_sector(self, queryset, name, value):
        return queryset.filter(sector_id__in=Sector.objects.descendant_ids([value.pk]))

    def filter_investor(self, queryset, name, value):
        through = Project.investors.through.objects.filter(project_id=OuterRef("pk"), enterprise=value)
        return queryset.filter(Exists(through))

    def filter_honour(self, queryset, name, value):
        through = Project.investors.through.objects.filter(
            self.visible_investors(), project_id=OuterRef("pk"), enterprise__honours=value
        )
        return queryset.filter(Exists(through))

    def filter_signed(self, queryset, name, value):
        return queryset.filter(signed_condition()) if value else queryset.exclude(signed_condition())

    def filter_started(self, queryset, name, value):
        return queryset.filter(started_condition()) if value else queryset.exclude(started_condition())

    def filter_same_year(self, queryset, name, value):
        queryset = with_years(queryset)
        return queryset.filter(same_year_condition()) if value else queryset.exclude(same_year_condition())

    def filter_counted(self, queryset, name, value):
        # Only narrows: listing the confirmed duplicates alone would publish the reviewers' findings.
        return counted_projects(queryset) if value else queryset

    def filter_reached(self, queryset, name, value):
        return queryset.filter(reached_stage_condition(value))


class EnterpriseFilterSet(LedgerFilterSet):
    search_fields = ("name", "name_en", "short_name")
    ordering = OrderingChoiceFilter(by_name_orderings())

    kind = django_filters.ChoiceFilter(label=_("企业性质"), choices=EnterpriseKind.choices)
    honour = django_filters.ModelChoiceFilter(
        label=_("荣誉"), queryset=Honour.objects.all(), to_field_name="slug", field_name="honours"
    )
    province = django_filters.CharFilter(label=_("省份"), max_length=20)

    class Meta:
        model = Enterprise
        fields = ["q", "kind", "honour", "province"]


class SectorFilterSet(LedgerFilterSet):
    ordering = OrderingChoiceFilter({"position": (_("默认"), ("position", "name", "id")), **by_name_orderings()})

    tier = django_filters.ChoiceFilter(label=_("产业层级"), choices=SectorTier.choices)
    parent = django_filters.ModelChoiceFilter(
        label=_("上级领域"), queryset=Sector.objects.all(), to_field_name="slug"
    )

    class Meta:
        model = Sector
        fields = ["q", "tier", "parent"]


class SigningEventFilterSet(LedgerFilterSet):
    ordering = OrderingChoiceFilter(
        {"-held_on": (_("最新"), ("-held_on", "-id")), "held_on": (_("最早"), ("held_on", "id")), **by_name_orderings()}
    )

    year = IntegerFilter(label=_("年份"), field_name="held_on", lookup_expr="year", min_value=1978, max_value=2100)

    class Meta:
        model = SigningEvent
        fields = ["q", "year"]


class ResearchInstituteFilterSet(LedgerFilterSet):
    search_fields = ("name", "name_en", "focus_areas", "partners")
    ordering = OrderingChoiceFilter(by_name_orderings())

    kind = django_filters.ChoiceFilter(label=_("类型"), choices=InstituteKind.choices)
    zone = django_filters.ModelChoiceFilter(
        label=_("所在片区"), queryset=visible_records(RenewalZone), to_field_name="slug"
    )

    class Meta:
        model = ResearchInstitute
        fields = ["q", "kind", "zone"]


class RenewalZoneFilterSet(LedgerFilterSet):
    search_fields = ("name", "name_en", "positioning")
    ordering = OrderingChoiceFilter(by_name_orderings())

    kind = django_filters.ChoiceFilter(label=_("类型"), choices=ZoneKind.choices)

    class Meta:
        model = RenewalZone
        fields = ["q", "kind"]
