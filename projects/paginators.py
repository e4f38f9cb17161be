"""A paginator for large admin lists: no exact COUNT(*) per page once the table is large.

Django's admin changelist counts the rows on every page view. On PostgreSQL a COUNT(*) reads the
whole table (or its visibility map), so it grows with the ledger. For the *unfiltered* list above
``threshold`` rows, :class:`EstimatedCountPaginator` takes PostgreSQL's own estimate instead
(``pg_class.reltuples``, kept current by autovacuum/ANALYZE): the page links show "about N" rows,
which is all a paging control needs. A filtered or searched list is counted exactly (staff want the
exact number of matches, and a filter bounds the work); so is any list on another database, and any
table that has never been analysed (reltuples -1). Estimate or count, it is one query.
"""

from django.core.paginator import Paginator
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


class EstimatedCountPaginator(Paginator):
    threshold = ESTIMATE_THRESHOLD

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if isinstance(queryset, QuerySet) and not queryset.query.where and not queryset.query.is_sliced:
            count = estimated_or_exact_count(queryset, self.threshold)
            if count is not None:
                return count
        return super().count
