"""The building blocks of every entity's FilterSet: keyword search, incremental sync, orderings,
and related-record choices that hide unpublished records from the public."""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .permissions import can_see_private, visible

SEARCH_MAX_LENGTH = 100


def visible_records(model):
    """Choices of a related-record filter: published records, or every record for staff who may see them."""

    def queryset(request):
        return visible(model, private=can_see_private(request, model))

    return queryset


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class BoundedIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 timestamp, as UTC; one that does not exist in UTC (``9999-12-31T23:59-14:00``) is invalid."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None:
            try:
                # The same instant in UTC: PostgreSQL refuses offsets beyond ±15:59 (``+16:17`` parses in Python).
                value = value.astimezone(datetime.UTC)
            except OverflowError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return value


class BoundedIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = BoundedIsoDateTimeField


class OrderingChoiceFilter(django_filters.ChoiceFilter):
    """``ordering=<key>`` over a whitelist: key -> (label, ORM ordering).

    Every ordering ends on the primary key, so paging a changing table is stable. Without the
    parameter the model's default ordering applies (it also ends on a unique column).
    """

    def __init__(self, orderings: dict[str, tuple], **kwargs):
        self.orderings = orderings
        kwargs.setdefault("label", _("排序"))
        kwargs.setdefault("help_text", format_lazy("{}{}", _("可选值："), ", ".join(orderings)))
        super().__init__(choices=[(key, label) for key, (label, _order) in orderings.items()], **kwargs)

    def filter(self, qs, value):
        if value in self.orderings:
            order = self.orderings[value][1]  # a tuple, or a callable giving one (e.g. by the language)
            return qs.order_by(*(order() if callable(order) else order))
        return qs


def by_name_orderings() -> dict[str, tuple]:
    return {"name": (_("名称"), ("name", "id")), "-updated_at": (_("最近更新"), ("-updated_at", "-id"))}


class LedgerFilterSet(django_filters.FilterSet):
    """Keyword search and incremental sync, shared by every entity.

    Subclasses name ``search_fields``: ORM paths searched with ``icontains``, which finds
    Chinese substrings.
    """

    search_fields: tuple[str, ...] = ("name",)

    q = django_filters.CharFilter(
        label=_("关键词"), method="filter_search", max_length=SEARCH_MAX_LENGTH,
        help_text=_("在名称等字段中查找（支持中文片段）。"),
    )
    updated_since = BoundedIsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("更新时间不早于"),
        help_text=_("ISO 8601 时间，如 2026-02-10T00:00:00+08:00；用于增量同步。"),
    )

    def search_condition(self, value: str) -> Q:
        condition = Q()
        for path in self.search_fields:
            condition |= Q(**{f"{path}__icontains": value})
        return condition

    def filter_search(self, queryset, name, value):
        """Every word must match (AND), each in any of the searched fields (OR): ``宝钢 硅钢``."""
        for term in search_terms(value):
            queryset = queryset.filter(self.search_condition(term))
        return queryset


SEARCH_MAX_TERMS = 6


def search_terms(value: str) -> list[str]:
    """The words of a search, split on spaces (ASCII or full-width), each once, at most ``SEARCH_MAX_TERMS``."""
    terms: list[str] = []
    for term in (value or "").replace("\u3000", " ").split():
        if term not in terms:
            terms.append(term)
    return terms[:SEARCH_MAX_TERMS]
