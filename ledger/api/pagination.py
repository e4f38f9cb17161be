"""Pagination for every list endpoint of the API.

Two styles, one class:

- page numbers (``?page=3&page_size=100``), ``page_size`` capped at ``MAX_PAGE_SIZE``. Every ordering
  ends on the primary key, so pages are stable;
- keyset (cursor) pagination for incremental sync (``?cursor=``, then follow ``next``): rows in
  ``(updated_at, id)`` order, each page the rows *after* the last one seen, written as the row
  comparison ``(updated_at, id) > (t, n)``. A row changed while a client is syncing moves to the end
  and is seen again; nothing is skipped or repeated because of inserts or deletes elsewhere.
"""

import base64
import binascii
import datetime
import json

from django.core.paginator import InvalidPage
from django.db.models import F
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
SYNC_ORDERING = ("updated_at", "id")


def _positive_int(value: str, *, parameter: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({parameter: [_("请填写正整数。")]}) from None
    if number < 1:
        raise ValidationError({parameter: [_("请填写正整数。")]})
    return number


def encode_cursor(updated_at: datetime.datetime, pk: int) -> str:
    raw = json.dumps([updated_at.isoformat(), pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(value: str) -> tuple[datetime.datetime, int]:
    """The position a cursor stands for; ValidationError naming ``cursor`` if it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        stamp, pk = json.loads(raw)
        updated_at = parse_datetime(stamp)
        if updated_at is None or updated_at.tzinfo is None or type(pk) is not int:
            raise ValueError
        updated_at = updated_at.astimezone(datetime.UTC)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, OverflowError):
        raise ValidationError({"cursor": [_("无效的游标。")]}) from None
    return updated_at, pk


class LedgerPagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    cursor_query_param = "cursor"
    page_query_description = _("页码，从 1 开始；超出范围时返回 404。")
    page_size_query_description = _("每页条数，默认 50；超过 200 时按 200 返回。")
    cursor_query_description = _(
        "增量同步：按 (updated_at, id) 顺序的游标分页。首次传空值（?cursor=），之后沿用 next 链接；"
        "不能与 page、ordering 同时使用。"
    )

    def get_page_size(self, request) -> int:
        value = request.query_params.get(self.page_size_query_param)
        if value in (None, ""):
            return self.page_size
        return min(_positive_int(value, parameter=self.page_size_query_param), self.max_page_size)

    def validate_parameters(self, request) -> None:
        """Check ``page``, ``page_size`` and ``cursor`` even where they are not used (a whole-list export)."""
        self.get_page_size(request)
        page = request.query_params.get(self.page_query_param)
        if page not in (None, *self.last_page_strings):
            _positive_int(page, parameter=self.page_query_param)
        cursor = request.query_params.get(self.cursor_query_param)
        if cursor:
            decode_cursor(cursor)

    def is_cursor_request(self, request) -> bool:
        return self.cursor_query_param in request.query_params

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.cursor_mode = self.is_cursor_request(request)
        if self.cursor_mode:
            return self.paginate_by_cursor(queryset, request)
        page_size = self.get_page_size(request)
        page_number = request.query_params.get(self.page_query_param) or 1
        if page_number not in self.last_page_strings:
            page_number = _positive_int(page_number, parameter=self.page_query_param)
        paginator = self.django_paginator_class(queryset, page_size)
        if page_number in self.last_page_strings:
            page_number = paginator.num_pages
        try:
            self.page = paginator.page(page_number)
        except InvalidPage:
            raise NotFound({self.page_query_param: [_("没有这一页。")]}) from None
        return list(self.page)

    def paginate_by_cursor(self, queryset, request):
        for conflicting in (self.page_query_param, "ordering"):
            if conflicting in request.query_params:
                raise ValidationError({conflicting: [_("不能与 cursor 同时使用。")]})
        page_size = self.get_page_size(request)
        value = request.query_params.get(self.cursor_query_param, "")
        queryset = queryset.order_by(*SYNC_ORDERING)
        if value:
            updated_at, pk = decode_cursor(value)
            queryset = queryset.filter(TupleGreaterThan(Tuple(F("updated_at"), F("id")), (updated_at, pk)))
        rows = list(queryset[: page_size + 1])
        self.has_next = len(rows) > page_size
        rows = rows[:page_size]
        self.last_row = rows[-1] if rows else None
        return rows

    def get_next_link(self):
        if not self.cursor_mode:
            return super().get_next_link()
        if not self.has_next:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        cursor = encode_cursor(self.last_row.updated_at, self.last_row.pk)
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_paginated_response(self, data):
        if not self.cursor_mode:
            return super().get_paginated_response(data)
        return Response({"count": None, "next": self.get_next_link(), "previous": None, "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "nullable": True,
                    "description": "Rows matching the filters; null in cursor (sync) mode.",
                    "example": 123,
                },
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": str(self.page_query_description),
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(self.page_size_query_description),
                # No "maximum": a larger value is not an error, it is capped.
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": str(self.cursor_query_description),
                "schema": {"type": "string"},
            },
        ]
