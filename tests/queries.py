"""Exact query counts, Zulip-style: a count that changes fails the test and prints every query."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext


@contextmanager
def exact_queries(expected: int, what: str = "") -> Iterator[CaptureQueriesContext]:
    with CaptureQueriesContext(connection) as captured:
        yield captured
    if len(captured) != expected:
        listing = "\n".join(f"{number:3d}. {query['sql']}" for number, query in enumerate(captured.captured_queries, 1))
        raise AssertionError(f"{what or 'block'}: expected {expected} queries, ran {len(captured)}:\n{listing}")
