"""A searched admin changelist counts its matches only up to a cap, and pages branch by branch.

Counting every match of a common keyword reads all of them (≈ 30,000 rows for 新材料 in a 100k
ledger), on every page view, so the search page grew with the ledger. With a keyword the count is
``SELECT COUNT(*) FROM (… LIMIT cap + 1)``: the page says "超过 1,000 条结果", links the first
``cap / per_page`` pages, and offers no "select all N" (an action across a capped count would touch
rows the person never saw counted). Unsearched lists keep ``EstimatedCountPaginator``.

A model admin whose search is a union of branches (one per searched column, see
``ProjectAdmin.get_search_results``) marks the searched queryset with :func:`with_search_branches`.
The paginator then never computes the whole match list: the count is the distinct union of at most
``cap + 1`` ids from each branch, and page *n* is the page of the rows among the first
``n × per_page`` rows of each branch (ordered as the list), which holds the list's first ``n × per_page``
rows in the same order. Each branch is planned on its own with its LIMIT (walk the order index for a
common keyword, the trigram index and a sort for a rare one), so the first pages cost the same for
2,000 or 30,000 matches. Same rows, same order, same number of queries as the plain search.
"""

from django.contrib.admin.views.main import SEARCH_VAR
from django.core.paginator import EmptyPage
from django.db.models import QuerySet
from django.utils.functional import cached_property

from .paginators import EstimatedCountPaginator

#: A keyword search counts at most this many matches.
ADMIN_SEARCH_COUNT_CAP = 1_000

_BRANCHES = "_qs_search_branches"


def with_search_branches(queryset: QuerySet, *, base: QuerySet, branches: list[QuerySet]) -> QuerySet:
    """Mark the searched ``queryset`` as the union of ``branches``, each ``base`` narrowed by one arm of
    the search (``base``: filtered, ordered and narrowed by the other words; ``queryset`` is unchanged
    and stays the changelist's list for actions and exports)."""
    setattr(queryset, _BRANCHES, (base, branches))
    return queryset


def search_branches(queryset) -> tuple[QuerySet, list[QuerySet]] | None:
    return getattr(queryset, _BRANCHES, None)


def _top_of_each_branch(branches: list[QuerySet], k: int, *, ordered: bool) -> QuerySet:
    tops = [(branch if ordered else branch.order_by()).values("pk")[:k] for branch in branches]
    first, *rest = tops
    return first.union(*rest, all=ordered)


class CappedSearchPaginator(EstimatedCountPaginator):
    cap = ADMIN_SEARCH_COUNT_CAP

    @cached_property
    def _counted(self) -> int | None:
        if not isinstance(self.object_list, QuerySet):
            return None
        plan = search_branches(self.object_list)
        if plan is not None:
            # A branch holding cap + 1 rows alone means more than the cap; otherwise the union of the
            # branches' tops is complete and its distinct count exact.
            return min(_top_of_each_branch(plan[1], self.cap + 1, ordered=False).count(), self.cap + 1)
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

    def page(self, number):
        plan = search_branches(self.object_list) if isinstance(self.object_list, QuerySet) else None
        if plan is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        base, branches = plan
        if top <= bottom:
            return self._get_page([], number, self)
        rows = list(base.filter(pk__in=_top_of_each_branch(branches, top, ordered=True))[bottom:top])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return self._get_page(rows, number, self)


def changelist_paginator(model_admin, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
    """``ModelAdmin.get_paginator``: capped counts while a keyword is searched."""
    if request.GET.get(SEARCH_VAR, "").strip():
        return CappedSearchPaginator(queryset, per_page, orphans, allow_empty_first_page)
    return model_admin.paginator(queryset, per_page, orphans, allow_empty_first_page)
