"""A searched admin changelist counts its matches only up to a cap.

Counting every match of a common keyword reads all of them (≈ 30,000 rows for 新材料 in a 100k
ledger), on every page view, so the search page grew with the ledger. With a keyword the count is
``SELECT COUNT(*) FROM (… LIMIT cap + 1)``: the page says "1,000+ 条结果", links the first
``cap / per_page`` pages, and offers no "select all N" (an action across a capped count would touch
rows the person never saw counted). Unsearched lists keep ``EstimatedCountPaginator``.
"""

from django.contrib.admin.views.main import SEARCH_VAR
from django.db.models import QuerySet
from django.utils.functional import cached_property

from .paginators import EstimatedCountPaginator

#: A keyword search counts at most this many matches.
ADMIN_SEARCH_COUNT_CAP = 1_000


class CappedSearchPaginator(EstimatedCountPaginator):
    cap = ADMIN_SEARCH_COUNT_CAP

    @cached_property
    def _counted(self) -> int | None:
        if not isinstance(self.object_list, QuerySet):
            return None
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        if self._counted is None:
            return super().count
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        """More matches than were counted."""
        return self._counted is not None and self._counted > self.cap


def changelist_paginator(model_admin, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
    """``ModelAdmin.get_paginator``: capped counts while a keyword is searched."""
    if request.GET.get(SEARCH_VAR, "").strip():
        return CappedSearchPaginator(queryset, per_page, orphans, allow_empty_first_page)
    return model_admin.paginator(queryset, per_page, orphans, allow_empty_first_page)
