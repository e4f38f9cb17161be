"""The API's exports computed by PostgreSQL: each serializer field compiled into one SQL cell.

The serializer stays the one definition of the columns. :func:`export_cells` walks its fields and
turns each into an ORM expression that yields exactly the text of the cell the serializer path
(``ledger.exports.export_rows``: ``neutralise(flatten(to_representation(...)))``) writes:

- the same visibility rules (a related record the reader may not see is left out);
- amounts as ``round(x, places)::text`` (``1234.50``), booleans ``true``/``false``, dates ISO 8601,
  timestamps as DRF writes them (in the current time zone, microseconds only when non-zero);
- to-many relations as ``string_agg`` in the related model's ordering, nested records (a project's
  milestones) as compact JSON built in SQL;
- an empty cell is NULL (so that ``COPY ... CSV`` writes nothing, not ``""``), and the formula guard
  (control characters stripped, then ``'`` before a cell starting with ``= + - @`` tab CR LF) is an
  SQL ``CASE``.

The result is an annotated ``values_list()`` of the same filtered, ordered queryset the view would
serialise; ``ledger.exports.copy_statement`` wraps its SELECT in ``COPY (...) TO STDOUT WITH (FORMAT csv)``.

:func:`csv_line_value` joins a row's cells into its whole CSV line, quoted as COPY quotes; a serializer
whose ``Meta.stored_cells`` names line columns has each record's public and staff line stored
(``projects.export_cells``), and the CSV export (:func:`export_lines`) copies those, one text per row.
A field this module does not know raises :class:`Unsupported`, and the export falls back to the
serializer. PostgreSQL only (``to_char``, ``string_agg``, ``to_json``).
"""

import dataclasses
import datetime
import json
import re

from django.contrib.postgres.aggregates import StringAgg
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import F, Func, OuterRef, Subquery, TextField, Value
from django.db.models.fields.related import ForeignObjectRel
from django.utils import timezone
from rest_framework import serializers
from rest_framework.settings import ISO_8601, api_settings

from ..exports import LINK_BASE, LIST_SEPARATOR, export_columns
from ..spreadsheet_cells import CONTROL_CHARACTERS, FORMULA_TRIGGERS
from .serializers import (
    RelatedLinkField,
    RelatedLinkListField,
    RelatedSlugField,
    RelatedSlugListField,
    SelfLinkField,
    api_url,
)

SLUG_MARKER = "qs-export-slug-marker"
CELL_PREFIX = "export_cell_"


class Unsupported(Exception):
    """A serializer field with no SQL equivalent here: export through the serializer instead."""


class Sql(Func):
    """A piece of SQL with ``{0}``, ``{1}`` … standing for the compiled expressions (each may repeat)."""

    _placeholder = re.compile(r"\{(\d+)\}")

    def __init__(self, template: str, *expressions, output_field=None):
        super().__init__(*expressions, output_field=output_field or TextField())
        self.sql_template = template

    def as_sql(self, compiler, connection, **extra_context):
        compiled = [compiler.compile(expression) for expression in self.get_source_expressions()]
        parts, params, position = [], [], 0
        for match in self._placeholder.finditer(self.sql_template):
            parts.append(self.sql_template[position : match.start()])
            sql, expression_params = compiled[int(match.group(1))]
            parts.append(f"({sql})")
            params.extend(expression_params)
            position = match.end()
        parts.append(self.sql_template[position:])
        return "".join(parts), params


# The formula guard of ledger.spreadsheet_cells.guard, and "empty is NULL": control characters
# stripped first (``translate`` deletes them; PostgreSQL text never holds NUL), then a leading trigger
# neutralised with an apostrophe.
# One escaped literal (``E'\x01...'``), not a chain of ``chr()`` calls the planner would fold on every statement.
_STRIPPED = "translate({0}, E'" + "".join(f"\\x{ord(c):02x}" for c in CONTROL_CHARACTERS if c != "\x00") + "', '')"
_TRIGGERS = ", ".join(f"chr({ord(c)})" if c in "\t\r\n" else f"'{c}'" for c in FORMULA_TRIGGERS)
_FULL_GUARD = (
    f"CASE WHEN left({_STRIPPED}, 1) IN ({_TRIGGERS}) THEN '''' || {_STRIPPED} "
    f"ELSE NULLIF({_STRIPPED}, '') END"
)
# One regular-expression test first: a cell with no control character that does not start with a
# trigger (nearly every cell) is left as it is, without the three ``translate`` calls of the full guard.
_NEEDS_GUARD = (
    "'^[" + "".join(f"\\x{ord(c):02x}" for c in FORMULA_TRIGGERS) + "]|["
    + "".join(f"\\x{ord(c):02x}" for c in CONTROL_CHARACTERS if c != "\x00") + "]'"
)
GUARDED = f"CASE WHEN {{0}} ~ {_NEEDS_GUARD} THEN {_FULL_GUARD} ELSE NULLIF({{0}}, '') END"
UNGUARDED = "NULLIF({0}, '')"


def _literal(text: str) -> Value:
    return Value(text, output_field=TextField())


def _timestamp(expression, field) -> Sql:
    """DRF's ISO 8601: ``2026-02-10T09:30:00.123456+08:00`` in the current time zone, ``Z`` for UTC."""
    if getattr(field, "format", api_settings.DATETIME_FORMAT) != ISO_8601:
        raise Unsupported("timestamp format")
    zone = getattr(field, "timezone", None) or field.default_timezone()
    # An IANA name PostgreSQL knows as well (a fixed offset would be written the POSIX way, sign inverted).
    name = getattr(zone, "key", None) or ("UTC" if zone in (datetime.UTC,) else None)
    if name is None:
        raise Unsupported("time zone without an IANA name")
    local, utc = "({0} AT TIME ZONE {1})", "({0} AT TIME ZONE 'UTC')"
    # The offset as an interval; its absolute value written HH:MM, and :SS only when it has seconds
    # (local mean times before 1900). Microseconds ``.000000`` are left out, as ``isoformat`` does.
    ahead, behind = f"({local} - {utc})", f"({utc} - {local})"
    template = (
        f"replace(to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '.000000', '')"
        f" || CASE WHEN {local} = {utc} THEN 'Z'"
        f" WHEN {local} > {utc} THEN '+' || to_char({ahead}, 'HH24:MI')"
        f" || CASE WHEN extract(second FROM {ahead}) = 0 THEN '' ELSE to_char({ahead}, ':SS') END"
        f" ELSE '-' || to_char({behind}, 'HH24:MI')"
        f" || CASE WHEN extract(second FROM {behind}) = 0 THEN '' ELSE to_char({behind}, ':SS') END END"
    )
    return Sql(template, expression, _literal(name))


def _date(expression) -> Sql:
    return Sql("to_char({0}, 'YYYY-MM-DD')", expression)


def _boolean(expression, null: str = "NULL") -> Sql:
    return Sql(f"CASE WHEN {{0}} THEN 'true' WHEN NOT {{0}} THEN 'false' ELSE {null} END", expression)


def _decimal(expression, field) -> Sql:
    coerce = getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    if not coerce or field.localize or field.normalize_output or field.decimal_places is None:
        raise Unsupported("decimal representation")
    return Sql(f"round(({{0}})::numeric, {int(field.decimal_places)})::text", expression)


def _scalar(field, expression) -> tuple[Func, bool]:
    """(text expression, may start with a formula trigger) for a field holding a plain value."""
    if isinstance(field, serializers.BooleanField):
        return _boolean(expression), False
    if isinstance(field, serializers.DecimalField):
        return _decimal(expression, field), True
    if isinstance(field, serializers.DateTimeField):
        return _timestamp(expression, field), False
    if isinstance(field, serializers.DateField):
        if getattr(field, "format", api_settings.DATE_FORMAT) != ISO_8601:
            raise Unsupported("date format")
        return _date(expression), False
    if isinstance(field, serializers.IntegerField):
        return Sql("({0})::text", expression), True
    if isinstance(field, serializers.CharField | serializers.ChoiceField) and not isinstance(
        field, serializers.MultipleChoiceField
    ):
        return Sql("({0})::text", expression), True
    raise Unsupported(type(field).__name__)


def _json_value(field, expression) -> Sql:
    """One value of a nested record as JSON text, as ``json.dumps(..., ensure_ascii=False)`` writes it."""
    if isinstance(field, serializers.BooleanField):
        return _boolean(expression, null="'null'")
    if isinstance(field, serializers.IntegerField):
        return Sql("COALESCE(({0})::text, 'null')", expression)
    if isinstance(field, serializers.DecimalField | serializers.DateTimeField | serializers.DateField):
        text, _trigger = _scalar(field, expression)
        return Sql("COALESCE(to_json({0})::text, 'null')", text)
    if isinstance(field, serializers.CharField | serializers.ChoiceField) and not isinstance(
        field, serializers.MultipleChoiceField
    ):
        return Sql("COALESCE(to_json(({0})::text)::text, 'null')", expression)
    raise Unsupported(f"nested {type(field).__name__}")


class _Urls:
    """An API link as ``prefix || slug || suffix``: the request's absolute base, as ``api_url`` builds it."""

    def __init__(self, context: dict):
        self.context = context
        self.cache: dict[str, tuple[str, str]] = {}

    def parts(self, view_name: str) -> tuple[str, str]:
        if view_name not in self.cache:
            url = api_url(view_name, SLUG_MARKER, self.context)
            if url.count(SLUG_MARKER) != 1:
                raise Unsupported("link shape")
            self.cache[view_name] = tuple(url.split(SLUG_MARKER))
        return self.cache[view_name]

    def __call__(self, view_name: str, slug) -> Sql:
        prefix, suffix = self.parts(view_name)
        return Sql("{0} || {1} || {2}", _literal(prefix), slug, _literal(suffix))

    def joined(self, view_name: str, slugs) -> Sql:
        """The links of slugs stored joined by ``"; "`` (NULL stays NULL): a slug never holds ``;``."""
        prefix, suffix = self.parts(view_name)
        return Sql(
            "{1} || replace({0}, {3}, {2} || {3} || {1}) || {2}",
            slugs, _literal(prefix), _literal(suffix), _literal(LIST_SEPARATOR),
        )


def _visible(model: type[models.Model], private: bool) -> bool:
    """Whether visibility needs checking: as ``base.is_visible``, records without ``is_published`` always show."""
    return not private and any(field.name == "is_published" for field in model._meta.get_fields())


def _to_many(model, source: str) -> tuple[type[models.Model], str]:
    """(related model, the name by which it filters on this model) for a to-many relation."""
    try:
        field = model._meta.get_field(source)
    except FieldDoesNotExist as exc:
        raise Unsupported(source) from exc
    if field.many_to_many and not isinstance(field, ForeignObjectRel):
        return field.related_model, field.related_query_name()
    if isinstance(field, ForeignObjectRel) and (field.one_to_many or field.many_to_many):
        return field.related_model, field.field.name
    raise Unsupported(source)


def _ordering(related: type[models.Model]) -> list:
    # The default ordering is what the prefetched ``.all()`` lists in; the primary key breaks ties.
    return [*related._meta.ordering, "pk"]


def _aggregate_cell(
    model, source: str, private: bool, build_item, *, delimiter=LIST_SEPARATOR, wrap: str = "{0}",
    filter_visible=True, guard=False,
):
    """A correlated subquery: the related records' items joined into one cell (NULL when none)."""
    related, back = _to_many(model, source)
    queryset = related._default_manager.filter(**{back: OuterRef("pk")})
    if filter_visible and _visible(related, private):
        queryset = queryset.filter(is_published=True)
    cell = Sql(wrap, StringAgg(build_item(related), delimiter=delimiter, order_by=_ordering(related)))
    if guard:  # inside the subquery: a guard around it would run the subquery three times
        cell = Sql(GUARDED, cell)
    return Subquery(queryset.order_by().values(back).annotate(cell=cell).values("cell"), output_field=TextField())


def _nested_many(model, source: str, serializer: serializers.Serializer, private: bool) -> Subquery:
    """Nested records (a project's milestones) as the compact JSON ``flatten`` writes."""
    child_fields = [(name, field) for name, field in serializer.fields.items() if not field.write_only]

    if not child_fields:
        raise Unsupported(source)

    def item(_related):
        pieces, expressions = [], []
        for index, (name, field) in enumerate(child_fields):
            if field.source != name:
                raise Unsupported(f"nested source {field.source}")
            key = ("{" if index == 0 else ",") + json.dumps(name, ensure_ascii=False) + ":"
            pieces.append("'" + key.replace("'", "''") + "' || {" + str(index) + "}")
            expressions.append(_json_value(field, F(field.source)))
        return Sql(" || ".join(pieces) + " || '}'", *expressions)

    # Nested lists are not filtered by visibility in the serializer either.
    return _aggregate_cell(
        model, source, private, item, delimiter=",", wrap="'[' || {0} || ']'", filter_visible=False
    )


@dataclasses.dataclass(frozen=True)
class StoredCells:
    """A serializer's to-many cells kept in a one-to-one side table (``Meta.stored_cells``).

    ``columns`` maps a to-many source (``investors``, ``milestones``) to the side table's columns
    for (the public cell, the staff cell): slugs joined by ``"; "`` (published records only in the
    public one) for a slug or link list, the export's JSON for nested records (one column may serve
    both). The cell texts are exactly what :func:`stored_cell_values` computes, unguarded; links are
    built from the slugs when read. A row with no side-table row is computed live.

    ``lines`` names the side table's columns for (the public, the staff) whole CSV line of the record
    (:func:`csv_line_value`): the CSV export copies them instead of computing the cells. A NULL line
    (not yet computed, or invalidated) is computed live, and so is every line when the current time
    zone (which the timestamps are written in) is not the one in the ``line_zone`` column.
    """

    relation: str
    columns: dict[str, tuple[str, str]]
    lines: tuple[str, str] | None = None
    line_zone: str | None = None


def stored_cell_values(model: type[models.Model], serializer: serializers.Serializer, stored: StoredCells) -> dict:
    """{side-table column: expression computing its text for a ``model`` row}: the fresh computation."""
    values: dict = {}
    for source, (public, staff) in stored.columns.items():
        kinds = [f for f in serializer.fields.values() if f.source == source and not f.write_only]
        if any(isinstance(f, serializers.ListSerializer) for f in kinds):
            child = next(f for f in kinds if isinstance(f, serializers.ListSerializer)).child
            values[public] = _nested_many(model, source, child, private=False)
            values[staff] = _nested_many(model, source, child, private=True)
        elif any(isinstance(f, RelatedSlugListField | RelatedLinkListField) for f in kinds):
            values[public] = _aggregate_cell(model, source, False, lambda _r: F("slug"))
            values[staff] = _aggregate_cell(model, source, True, lambda _r: F("slug"))
        else:
            raise Unsupported(f"stored {source}")
    return values


class _LineUrls(_Urls):
    """Links as ``LINK_BASE`` + the path: the same for every request, as a stored line must be."""

    def __init__(self, context: dict):
        super().__init__({key: value for key, value in context.items() if key != "request"})

    def parts(self, view_name: str) -> tuple[str, str]:
        prefix, suffix = super().parts(view_name)
        return LINK_BASE + prefix, suffix


# One cell as ``COPY ... CSV`` (and ``csv.writer``) writes it: quoted (quotes doubled) when it holds a
# comma, a quote, CR or LF; NULL stays NULL (``array_to_string`` writes it as nothing). A non-NULL
# cell is never empty (the guard's NULLIF), so it never needs quoting for that. The cell appears once
# in the SQL (its quotes doubled, then the whole wrapped in quotes if it holds one of the four).
_CSV_QUOTED = "regexp_replace(replace({0}, '\"', '\"\"'), E'^(.*[\",\\r\\n].*)$', '\"\\1\"')"
# Cells whose text the export formats itself (digits, signs, dates, true/false): never quoted.
_FIXED_FORMAT = (serializers.BooleanField, serializers.DateField, serializers.DateTimeField,
                 serializers.DecimalField, serializers.IntegerField)


def csv_line_value(model: type[models.Model], serializer: serializers.Serializer,
                   stored: StoredCells | None = None) -> Sql:
    """The whole CSV line (no line end) of a ``model`` row as the export writes it for ``serializer``'s
    reader, with ``LINK_BASE`` for the links' base: each cell computed live, or with ``stored`` the
    to-many cells read from the side table."""
    expressions = [
        cell if isinstance(field, _FIXED_FORMAT) else Sql(_CSV_QUOTED, cell)
        for field, cell in _guarded_cells(model, serializer, _LineUrls(serializer.context), stored)
    ]
    placeholders = ", ".join(f"{{{index}}}" for index in range(len(expressions)))
    return Sql(f"array_to_string(ARRAY[{placeholders}]::text[], ',', '')", *expressions)


def stored_line_values(model: type[models.Model], serializers_: tuple[serializers.Serializer, serializers.Serializer],
                       stored: StoredCells, *, from_stored_cells: bool = False) -> dict:
    """{side-table column: expression} of the public and the staff line (``serializers_``: the public
    reader's and the staff reader's serializer, in that order). ``from_stored_cells``: the to-many
    cells are read from the side table (already current) instead of computed again."""
    if stored.lines is None or stored.line_zone is None:
        return {}
    kept = stored if from_stored_cells else None
    values = {column: csv_line_value(model, serializer, kept) for column, serializer in zip(
        stored.lines, serializers_, strict=True)}
    return {**values, stored.line_zone: _literal(_zone_name())}


def _zone_name() -> str:
    """The current time zone's IANA name (the timestamps of a line are written in it)."""
    zone = timezone.get_current_timezone()
    return getattr(zone, "key", None) or str(zone)


def _stored(field, source: str, private: bool, stored: StoredCells | None, urls: _Urls, live):
    """The stored cell for ``field`` with the live computation for a row without one; None if not stored."""
    if stored is None or source not in stored.columns:
        return None
    column = F(f"{stored.relation}__{stored.columns[source][1 if private else 0]}")
    if isinstance(field, RelatedLinkListField):
        value = urls.joined(field.view_name, column)
    elif isinstance(field, RelatedSlugListField):
        value = Sql(GUARDED, column)
    else:
        value = column
    return Sql("CASE WHEN {0} IS NULL THEN {1} ELSE {2} END", F(f"{stored.relation}__pk"), live, value)


def cell_expression(
    name: str, field, model: type[models.Model], context: dict, urls: _Urls, stored: StoredCells | None = None
):
    """The SQL text of one export cell for one serializer field, before the guard. Returns (expr, guard)."""
    private = bool(context.get("private"))
    source = field.source
    live, guard = _cell_expression(name, field, model, context, urls)
    kept = _stored(field, source, private, stored, urls, live) if isinstance(
        field, RelatedLinkListField | RelatedSlugListField | serializers.ListSerializer
    ) else None
    return (live, guard) if kept is None else (kept, guard)


def _cell_expression(name: str, field, model: type[models.Model], context: dict, urls: _Urls):
    private = bool(context.get("private"))
    source = field.source
    if isinstance(field, SelfLinkField):
        return urls(field.view_name, F("slug")), False
    if isinstance(field, RelatedLinkField | RelatedSlugField):
        try:
            related = model._meta.get_field(source).related_model
        except FieldDoesNotExist as exc:
            raise Unsupported(source) from exc
        value = urls(field.view_name, F(f"{source}__slug")) if isinstance(field, RelatedLinkField) else F(
            f"{source}__slug"
        )
        if _visible(related, private):
            value = Sql("CASE WHEN {0} THEN {1} END", F(f"{source}__is_published"), value)
        return value, isinstance(field, RelatedSlugField)
    if isinstance(field, RelatedLinkListField):
        return _aggregate_cell(model, source, private, lambda _r: urls(field.view_name, F("slug"))), False
    if isinstance(field, RelatedSlugListField):
        return _aggregate_cell(model, source, private, lambda _r: F("slug"), guard=True), False
    if isinstance(field, serializers.SlugRelatedField):
        return Sql("({0})::text", F(f"{source}__{field.slug_field}")), True
    if isinstance(field, serializers.ListSerializer) and isinstance(field.child, serializers.ModelSerializer):
        return _nested_many(model, source, field.child, private), False
    if isinstance(field, serializers.Serializer | serializers.RelatedField | serializers.ManyRelatedField):
        raise Unsupported(name)
    if "." in source or source == "*":
        raise Unsupported(f"source {source}")
    return _scalar(field, F(source))


def _guarded_cells(model: type[models.Model], serializer: serializers.Serializer, urls: _Urls,
                   stored: StoredCells | None) -> list[tuple[serializers.Field, Sql]]:
    """(field, the cell's final text or NULL: guarded where it may start a formula) per export column."""
    cells = []
    for name in export_columns(serializer):
        field = serializer.fields[name]
        expression, guard = cell_expression(name, field, model, serializer.context, urls, stored)
        cells.append((field, Sql(GUARDED if guard else UNGUARDED, expression)))
    return cells


def export_cells(
    queryset: models.QuerySet, serializer: serializers.Serializer, *, stored: bool = True
) -> tuple[list[str], models.QuerySet]:
    """(column names, ``values_list`` of the queryset giving each row's cells as text or NULL).

    Same rows and order as ``queryset``; raises :class:`Unsupported` if a field has no SQL form here.
    The serializer's ``Meta.stored_cells`` are read from their side table (``stored=False``: every
    cell computed live, the reference the stored cells are tested against).
    """
    kept = getattr(serializer.Meta, "stored_cells", None) if stored else None
    cells = _guarded_cells(serializer.Meta.model, serializer, _Urls(serializer.context), kept)
    annotations = {f"{CELL_PREFIX}{index}": cell for index, (_field, cell) in enumerate(cells)}
    rows = queryset.select_related(None).prefetch_related(None).annotate(**annotations)
    return export_columns(serializer), rows.values_list(*annotations)


def export_lines(queryset: models.QuerySet, serializer: serializers.Serializer) -> tuple[list[str], models.QuerySet]:
    """(column names, ``values_list`` of one text per row: the record's whole CSV line, ``LINK_BASE``
    for the links' base) for a serializer whose ``Meta.stored_cells`` keeps lines; same rows and order
    as ``queryset``. A row without its stored line is computed live. Raises :class:`Unsupported`."""
    kept = getattr(serializer.Meta, "stored_cells", None)
    if kept is None or kept.lines is None or kept.line_zone is None:
        raise Unsupported("no stored lines")
    column = kept.lines[1 if serializer.context.get("private") else 0]
    model = serializer.Meta.model
    stored = Sql(
        "CASE WHEN {0} = {1} THEN {2} END",
        F(f"{kept.relation}__{kept.line_zone}"), _literal(_zone_name()), F(f"{kept.relation}__{column}"),
    )
    # The live line in a subquery of its own: only the primary key (not every column the line reads)
    # rides along with the rows through the sort, and the subquery runs only for a row without a line.
    live = Subquery(model._default_manager.filter(pk=OuterRef("pk")).order_by().annotate(
        export_line=csv_line_value(model, serializer)).values("export_line"), output_field=TextField())
    line = Func(stored, live, function="COALESCE", output_field=TextField())
    lines = queryset.select_related(None).prefetch_related(None).annotate(export_line=line)
    return export_columns(serializer), lines.values_list("export_line")
