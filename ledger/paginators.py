"""Paginators for large lists.

``CappedCountPaginator`` (public project list): counts matches only up to a cap.

A paginator for large admin lists: no exact COUNT(*) per page once the table is large.

Django's admin changelist counts the rows on every page view. On PostgreSQL a COUNT(*) reads the
whole table (or its visibility map), so it grows with the ledger. For the *unfiltered* list above
``threshold`` rows, :class:`EstimatedCountPaginator` takes PostgreSQL's own estimate instead
(``pg_class.reltuples``, kept current by autovacuum/ANALYZE): the page links show "about N" rows,
which is all a paging control needs. A filtered or searched list is counted exactly (staff want the
exact number of matches, and a filter bounds the work); so is any list on another database, and any
table that has never been analysed (reltuples -1). Estimate or count, it is one query.
"""

import math

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

ESTIMATE_THRESHOLD = 10_000


def estimated_or_exact_count(queryset: QuerySet, threshold: int) -> int | None:
    """In one query: PostgreSQL's estimate of the table's rows if above ``threshold``, else COUNT(*).

    One query either way, so a page runs the same number of queries at any table size. None on
    other databases.
    """
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN c.reltuples > %s THEN c.reltuples::bigint "
            f"ELSE (SELECT count(*) FROM {table}) END "
            "FROM pg_class c WHERE c.oid = to_regclass(%s)",
            [threshold, table],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def is_working_list(queryset: QuerySet) -> bool:
    """No filter at all, or only the admin's default "not archived" one (ledger.admin):
    the whole ledger as far as a paging control is concerned (archived records are few)."""
    where = queryset.query.where
    if not where:
        return True
    if "archived_at" not in {field.name for field in queryset.model._meta.concrete_fields}:
        return False
    return where == queryset.model._default_manager.filter(archived_at__isnull=True).query.where


class EstimatedCountPaginator(Paginator):
    threshold = ESTIMATE_THRESHOLD

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if isinstance(queryset, QuerySet) and is_working_list(queryset) and not queryset.query.is_sliced:
            count = estimated_or_exact_count(queryset, self.threshold)
            if count is not None:
                return count
        return super().count


PUBLIC_COUNT_CAP = 1_000
MAX_CAPPED_PAGE = 10**9


class CappedPage(Page):
    """A page of a capped list: whether there is a next page is known from one extra row."""

    def __init__(self, object_list, number, paginator, *, has_more: bool):
        super().__init__(object_list, number, paginator)
        self.has_more = has_more

    def has_next(self) -> bool:
        return self.has_more

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0


class CappedCountPaginator(Paginator):
    """Counts the rows up to ``cap`` only: ``count`` is exact up to the cap and ``cap + 1`` beyond it.

    The count is ``SELECT count(*) FROM (SELECT … LIMIT cap + 1)`` without ORDER BY, so it stops
    after ``cap + 1`` matches whatever the size of the table; a list page then costs the same for a
    keyword matching 2,000 or 200,000 rows. Below the cap pages behave as usual (numbered, "page n of
    m"). Beyond it (``capped``) the total is shown as "1,000+", the page count is unknown and pages
    go by next/previous: a page fetches one row more than it shows to know whether a next page
    exists, so a capped page runs exactly the queries of an uncapped one (count + rows). A page past
    the end is an ``EmptyPage`` as usual.
    """

    def __init__(self, object_list, per_page, *, cap: int | None = None, search=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = PUBLIC_COUNT_CAP if cap is None else cap
        # ``(base, branches)`` from ``ProjectFilterSet.search_branches``: the list is the union of the
        # branches; count and pages then ask each branch for a bounded number of rows.
        self.search = search

    def _top_of_each_branch(self, k: int, *, ordered: bool) -> QuerySet:
        _base, branches = self.search
        tops = [(branch if ordered else branch.order_by()).values("pk")[:k] for branch in branches]
        first, *rest = tops
        return first.union(*rest, all=ordered)

    @cached_property
    def count(self) -> int:
        if self.search is not None:
            # A branch holding cap + 1 rows alone means more than the cap; otherwise the union of the
            # branches is complete and its distinct count exact.
            return min(self._top_of_each_branch(self.cap + 1, ordered=False).count(), self.cap + 1)
        if isinstance(self.object_list, QuerySet):
            return self.object_list.order_by()[: self.cap + 1].count()
        return min(len(self.object_list), self.cap + 1)

    @property
    def cap_text(self) -> str:
        return f"{self.cap:,}"

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        if self.capped:  # at least this many; the last one is not known
            return math.ceil(self.count / self.per_page)
        return super().num_pages

    def validate_number(self, number):
        if not self.capped:
            return super().validate_number(number)
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if number > MAX_CAPPED_PAGE:  # an OFFSET the database would refuse; no list is that long
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number):
        if not self.capped and self.search is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if self.search is not None:
            base, _branches = self.search
            ids = self._top_of_each_branch(bottom + self.per_page + 1, ordered=True)
            rows = list(base.filter(pk__in=ids)[bottom:bottom + self.per_page + 1])
        else:
            rows = list(self.object_list[bottom:bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(rows[: self.per_page], number, self, has_more=len(rows) > self.per_page)
