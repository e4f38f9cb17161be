"""A paginator for large admin lists: no exact COUNT(*) per page once the table is large.

Django's admin changelist counts the rows on every page view. On PostgreSQL a COUNT(*) reads the
whole table (or its visibility map), so it grows with the ledger. For the *unfiltered* list above
``threshold`` rows, :class:`EstimatedCountPaginator` takes PostgreSQL's own estimate instead
(``pg_class.reltuples``, kept current by autovacuum/ANALYZE): the page links show "about N" rows,
which is all a paging control needs. A filtered or searched list is counted exactly (staff want the
exact number of matches, and a filter bounds the work); so is any list on another database, and any
table that has never been analysed.
"""

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

ESTIMATE_THRESHOLD = 10_000


def estimated_row_count(queryset: QuerySet) -> int | None:
    """PostgreSQL's estimate of the table's row count; None elsewhere or when never analysed."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)", [queryset.model._meta.db_table]
        )
        row = cursor.fetchone()
    if row is None or row[0] is None or row[0] < 0:
        return None
    return int(row[0])


class EstimatedCountPaginator(Paginator):
    threshold = ESTIMATE_THRESHOLD

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if isinstance(queryset, QuerySet) and not queryset.query.where and not queryset.query.is_sliced:
            estimate = estimated_row_count(queryset)
            if estimate is not None and estimate > self.threshold:
                return estimate
        return super().count
