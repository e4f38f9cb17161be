"""The FilterSet of industrial chains (the public list; one FilterSet per entity)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from ledger.filters import LedgerFilterSet
from projects.models import Sector

from .models import Chain


class ChainFilterSet(LedgerFilterSet):
    search_fields = ("name", "name_en", "summary", "summary_en")
    sector = django_filters.ModelChoiceFilter(
        label=_("产业领域"), queryset=Sector.objects.all(), to_field_name="slug", method="filter_sector",
        help_text=_("含下级领域。"),
    )

    class Meta:
        model = Chain
        fields = ["q", "sector"]

    def filter_sector(self, queryset, name, value):
        sectors = Sector.objects.descendant_ids([value.pk])
        return queryset.filter(pk__in=Chain.sectors.through.objects.filter(sector_id__in=sectors).values("chain_id"))
