"""FilterSets for ambassadors and cohorts, shared by the public pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from ledger.filters import IntegerFilter, LedgerFilterSet, OrderingChoiceFilter, by_name_orderings, visible_records

from .models import Ambassador, AmbassadorStatus, Cohort


class CohortFilterSet(LedgerFilterSet):
    ordering = OrderingChoiceFilter({"-year": (_("最新"), ("-year", "-id")), **by_name_orderings()})
    year = IntegerFilter(label=_("聘任年份"), min_value=1978, max_value=2100)

    class Meta:
        model = Cohort
        fields = ["q", "year"]


class AmbassadorFilterSet(LedgerFilterSet):
    search_fields = ("name", "name_en", "title", "organisation")
    ordering = OrderingChoiceFilter(by_name_orderings())
    cohort = django_filters.ModelChoiceFilter(
        label=_("聘任批次"), queryset=visible_records(Cohort), to_field_name="slug"
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=AmbassadorStatus.choices)

    class Meta:
        model = Ambassador
        fields = ["q", "cohort", "status"]
