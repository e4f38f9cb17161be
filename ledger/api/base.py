"""Building blocks shared by every API endpoint (projects and ambassadors alike).

Who sees what: anonymous users and ordinary accounts see published records and public fields
only. A staff user (``is_staff``) who also holds the model's ``view_<model>`` permission sees
unpublished records and the staff-only fields. Related records are given as a slug plus a link;
a related record the reader may not see is given as ``null`` (or left out of a list).
"""

import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError as FormValidationError
from django.db import connections
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.drainage import set_override
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import permissions, viewsets
from rest_framework.exceptions import NotFound, ValidationError

from ..exports import ExportMixin
from ..filters import SEARCH_MAX_LENGTH
from ..permissions import can_see_private
from .export_sql import Unsupported, export_cells, export_lines

SLUG_RE = re.compile(r"[-a-zA-Z0-9_]{1,120}")


def search_filterset(filterset_class):
    """The shared FilterSet plus ``search``, the API's name for the keyword filter (same as ``q``).

    The filters themselves stay defined once, in ``projects.filters`` / ``ambassadors.filters``.
    """
    search = filters.CharFilter(
        label=_("关键词"), method="filter_search", max_length=SEARCH_MAX_LENGTH,
        help_text=_("与 q 相同：在名称等字段中查找（支持中文片段）。"),
    )
    api_filterset = type(f"Api{filterset_class.__name__}", (filterset_class,), {"search": search})
    for name, filter_ in list(api_filterset.base_filters.items()):
        if isinstance(filter_, django_filters.BooleanFilter) and not isinstance(filter_, StrictBooleanFilter):
            # The public pages read an odd yes/no value as "either"; the API refuses it (400 naming it).
            api_filterset.base_filters[name] = strict_copy(filter_)
        elif isinstance(filter_, filters.ModelChoiceFilter):
            # A slug (to_field_name); drf-spectacular cannot guess it through a filter method.
            set_override(filter_, "field", {"type": "string", "description": "Slug of the related record."})
        elif isinstance(filter_, django_filters.ChoiceFilter) and filter_.method:
            choices = [str(value) for value, _label in filter_.extra["choices"]]
            set_override(filter_, "field", {"type": "string", "enum": choices})
    return api_filterset


class StrictBooleanWidget(django_filters.widgets.BooleanWidget):
    """Like django-filter's, but hands an unknown value on to the field (which refuses it)."""

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        raw = data.get(name)
        return raw if value is None and raw not in (None, "") else value


class StrictNullBooleanField(forms.NullBooleanField):
    """``true``/``false`` (or ``1``/``0``); anything else is an error, not silently "any"."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in (True, False):
            return value
        raise FormValidationError(_("请填写 true 或 false。"), code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictNullBooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", StrictBooleanWidget)
        super().__init__(*args, **kwargs)


def strict_copy(filter_: django_filters.BooleanFilter) -> StrictBooleanFilter:
    extra = {key: value for key, value in filter_.extra.items() if key != "widget"}
    return StrictBooleanFilter(
        field_name=filter_.field_name, lookup_expr=filter_.lookup_expr, label=filter_.label, method=filter_.method,
        distinct=filter_.distinct, exclude=filter_.exclude, **extra,
    )


FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", "csv", "xlsx", "html"],
    description=(
        "json (default): paginated; html: the same, readable in a browser. csv / xlsx: the WHOLE filtered result as a file "
        "(CSV is UTF-8 with a BOM; cells starting with = + - @ are prefixed with an apostrophe)."
    ),
)
ERROR_RESPONSES = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="A query parameter is invalid; the body names it."),
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="No such record or page."),
    429: OpenApiResponse(OpenApiTypes.OBJECT, description="Too many anonymous requests."),
}


class CheckedParametersMixin:
    """Query parameters checked before any filter runs: a NUL anywhere is refused, and a typed
    parameter (number, choice, slug, date, page, format) given empty is an error, not "any"."""

    # Parameters whose empty value means "not given"; any other known parameter must have a value.
    empty_allowed_parameters = ("cursor",)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        for key, values in request.query_params.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                raise ValidationError({key: [_("参数中不能包含空字符（NUL）。")]})
        needs_value = self.parameters_needing_a_value()
        for key, values in request.query_params.lists():
            if key in needs_value and any(value == "" for value in values):
                raise ValidationError({key: [_("参数不能为空；不需要时请省略。")]})

    def parameters_needing_a_value(self) -> set[str]:
        """Typed parameters (numbers, choices, slugs, dates, page, format): ``?year=`` is an error in the API.

        Free-text filters (``q``, ``search``, ``province``) may be empty, and so may ``cursor`` (start of a sync).
        """
        names = {"page", "page_size", "format"}
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None:
            names |= {
                name for name, filter_ in filterset_class.base_filters.items()
                if not isinstance(filter_, filters.CharFilter)
            }
        return names - set(self.empty_allowed_parameters)


class LedgerViewSet(CheckedParametersMixin, ExportMixin, viewsets.ReadOnlyModelViewSet):
    """List and detail of one entity, addressed by slug, with filters, pagination and exports.

    Subclasses set ``model``, ``serializer_class``, ``private_serializer_class`` (adds the staff-only
    fields), ``filterset_class``, ``ordering`` (ends on ``id``) and ``base_queryset()``.
    """

    lookup_field = "slug"
    # Any path segment reaches the view, so that a malformed slug gets the same JSON 404 as an unknown one.
    lookup_value_regex = "[^/]+"
    lookup_value_converter = "str"
    model: type[Model]
    private_serializer_class = None
    ordering: tuple = ("id",)

    @property
    def private(self) -> bool:
        if not hasattr(self, "_private"):
            self._private = can_see_private(self.request, self.model)
        return self._private

    def base_queryset(self) -> QuerySet:
        return self.model.objects.all()

    def get_object(self):
        if not SLUG_RE.fullmatch(self.kwargs.get(self.lookup_field, "")):
            raise NotFound()  # not a slug at all (NUL bytes, spaces …): no need to ask the database
        return super().get_object()

    def get_queryset(self) -> QuerySet:
        queryset = self.base_queryset()
        if not self.private and hasattr(queryset, "public"):
            queryset = queryset.public()
        return queryset.order_by(*self.ordering)

    def get_serializer_class(self):
        if self.private and self.private_serializer_class is not None:
            return self.private_serializer_class
        return self.serializer_class

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["private"] = self.private
        return context

    # Exports computed by PostgreSQL (COPY for CSV), see export_sql; False keeps the serializer path.
    sql_exports = True

    def _sql_export(self, build, queryset, serializer):
        """``build(queryset, serializer)`` on PostgreSQL, or None (the serializer path) where it cannot."""
        if not self.sql_exports or connections[queryset.db].vendor != "postgresql":
            return None
        try:
            return build(queryset, serializer)
        except Unsupported:
            return None

    def export_cells(self, queryset, serializer):
        return self._sql_export(export_cells, queryset, serializer)

    def export_lines(self, queryset, serializer):
        return self._sql_export(export_lines, queryset, serializer)


def ledger_schema(tag: str, serializer_class, private_fields: tuple[str, ...] = (), *, singular: str = ""):
    """Document one view set: tag, summaries, the ``format`` parameter, the error answers, the staff-only fields.

    ``singular`` names one record in the summaries (default: ``tag`` without its plural s)."""
    one = singular or tag.removesuffix("s")
    note = ""
    if private_fields:
        note = (
            "Staff with the view permission (session or token authentication) also see unpublished records "
            "and these staff-only fields: " + ", ".join(private_fields) + "."
        )
    return extend_schema_view(
        list=extend_schema(
            tags=[tag], summary=f"List {tag}, filtered (a page of JSON, or the whole result as CSV or XLSX)",
            description=note, parameters=[FORMAT_PARAMETER],
            responses={200: serializer_class(many=True), **ERROR_RESPONSES},
        ),
        retrieve=extend_schema(
            tags=[tag], summary=f"One {one}, by its slug", description=note, parameters=[FORMAT_PARAMETER],
            responses={200: serializer_class, **ERROR_RESPONSES},
        ),
    )


class LedgerAutoSchema(AutoSchema):
    """drf-spectacular's schema, knowing that anonymous readers may GET (DjangoModelPermissionsOrAnonReadOnly)."""

    def get_auth(self):
        auths = super().get_auth()
        perms = [permission.__class__ for permission in self.view.get_permissions()]
        anonymous_read = permissions.DjangoModelPermissionsOrAnonReadOnly in perms
        if anonymous_read and self.method in permissions.SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths
