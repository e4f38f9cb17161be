"""Serializer building blocks of every API endpoint: links, related slugs, money, the base serializer.

Related records are given as a slug plus a link; a related record the reader may not see is
given as ``null`` (or left out of a list). See ``ledger.api.base`` for who sees what.
"""

import re

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..permissions import shown

MONEY_HELP = "Amount in 万元 (ten thousand yuan; 1 亿元 = 10,000 万元), as an exact decimal string; null if not published."


def is_visible(obj, context: dict) -> bool:
    """Whether a related record may be shown to the reader of this answer."""
    return shown(obj, private=bool(context.get("private"))) is not None


#: A slug that ``reverse()`` puts in a URL unchanged: every character is one ``quote()`` leaves alone
#: (and the detail route's ``[^/]+`` matches it). Other slugs go through ``reverse()`` one by one.
PLAIN_SLUG_RE = re.compile(r"[-a-zA-Z0-9_]+")
_URL_MARKER = "qs-api-url-slug-marker"
#: The request attribute holding each view's link as (before the slug, after the slug).
_URL_PARTS = "_qingshan_api_url_parts"


def _reverse_url(view_name: str, slug: str, request) -> str:
    path = reverse(f"api:{view_name}", kwargs={"slug": slug})
    return request.build_absolute_uri(path) if request is not None else path


def api_url(view_name: str, slug: str, context: dict) -> str:
    """Absolute API link. Unlike DRF's ``reverse`` it does not carry ``?format=`` over: an export's
    links are the same as the JSON's.

    A page of 50 projects has about 230 links: each view's link is reversed once per request (with a
    marker for the slug) and the slug put in its place, which is exactly what ``reverse()`` and
    ``build_absolute_uri()`` return for a plain slug (``PLAIN_SLUG_RE``)."""
    request = context.get("request")
    if request is None or not isinstance(slug, str) or not PLAIN_SLUG_RE.fullmatch(slug):
        return _reverse_url(view_name, slug, request)
    cache = getattr(request, _URL_PARTS, None)
    if cache is None:
        cache = {}
        setattr(request, _URL_PARTS, cache)
    parts = cache.get(view_name)
    if parts is None:
        url = _reverse_url(view_name, _URL_MARKER, request)
        parts = cache[view_name] = tuple(url.split(_URL_MARKER)) if url.count(_URL_MARKER) == 1 else ()
    if not parts:
        return _reverse_url(view_name, slug, request)
    return parts[0] + slug + parts[1]


@extend_schema_field({"type": "string", "format": "uri", "description": "API link of this record."})
class SelfLinkField(serializers.Field):
    def __init__(self, view_name: str, **kwargs):
        self.view_name = view_name
        kwargs.update(read_only=True, source="*")
        super().__init__(**kwargs)

    def to_representation(self, value):
        return api_url(self.view_name, value.slug, self.context)


@extend_schema_field({"type": "string", "nullable": True, "description": "Slug of the related record."})
class RelatedSlugField(serializers.Field):
    """A to-one relation as the related record's slug (null when absent or not visible)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value.slug if is_visible(value, self.context) else None


@extend_schema_field({"type": "string", "format": "uri", "nullable": True, "description": "API link of the related record."})
class RelatedLinkField(serializers.Field):
    def __init__(self, view_name: str, **kwargs):
        self.view_name = view_name
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return api_url(self.view_name, value.slug, self.context) if is_visible(value, self.context) else None


def _visible_related(manager, context: dict) -> list:
    # ``.all()`` reads the prefetched rows: no query per record.
    return [obj for obj in manager.all() if is_visible(obj, context)]


@extend_schema_field({"type": "array", "items": {"type": "string"}, "description": "Slugs of the related records."})
class RelatedSlugListField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return [obj.slug for obj in _visible_related(value, self.context)]


@extend_schema_field(
    {"type": "array", "items": {"type": "string", "format": "uri"}, "description": "API links of the related records."}
)
class RelatedLinkListField(serializers.Field):
    def __init__(self, view_name: str, **kwargs):
        self.view_name = view_name
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return [api_url(self.view_name, obj.slug, self.context) for obj in _visible_related(value, self.context)]


def money_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True, coerce_to_string=True,
        help_text=kwargs.pop("help_text", MONEY_HELP), **kwargs,
    )


class LedgerSerializer(serializers.ModelSerializer):
    """Read-only base: explicit fields only (subclasses list them), every field read-only."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
        return fields
REVIEW_FIELDS = ("is_published", "review_status", "review_comment", "version")
