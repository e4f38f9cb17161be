"""Bulk export of API lists as CSV and XLSX.

``?format=csv`` or ``?format=xlsx`` on a list endpoint returns the whole filtered result (not one
page) as a file. The rows are the JSON representation of the same serializer, flattened, so the
three formats carry the same columns and the same rows:

- lists of slugs or links become one cell joined by ``"; "``;
- nested records (a project's milestones) become one cell of compact JSON;
- ``None`` becomes an empty cell, booleans ``true``/``false``.

CSV is streamed row by row from ``QuerySet.iterator(chunk_size=...)`` (a server-side cursor on
PostgreSQL), UTF-8 with a BOM so that Excel opens Chinese text intact. XLSX is written by openpyxl
in write-only mode into a temporary file on disk, then streamed out: memory stays flat either way.
Every cell goes through the one formula guard (``ledger.spreadsheet_cells.guard``: control
characters stripped, then a would-be formula neutralised). XLSX cells are typed (numbers, dates,
timestamps, booleans; money in ``#,##0.00``) under a frozen header row of the fields' labels, with
an autofilter, on a sheet named after the records; ``?headers=names`` gives the JSON field names
instead (the CSV default), ``?headers=labels`` the labels in a CSV too.

A view set may compute the cells in the database instead (``ExportMixin.export_cells``, see
``ledger.api.export_sql``): then on PostgreSQL the CSV is PostgreSQL's own ``COPY (SELECT ...) TO
STDOUT WITH (FORMAT csv)`` streamed through (:func:`stream_copy_csv`), and XLSX rows come from the
same SELECT. Both paths write the same bytes for the same rows.
"""

import contextvars
import csv
import functools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack

from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from rest_framework import exceptions, renderers, serializers
from rest_framework.request import Request

from .spreadsheet_cells import BOM, Kind, guard
from .spreadsheet_cells import write_xlsx as write_typed_xlsx

EXPORT_FORMATS = ("csv", "xlsx")
EXPORT_CHUNK_SIZE = 500
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_SEPARATOR = "; "
#: ``?headers=labels`` (the XLSX default: the fields' Chinese labels) or ``?headers=names`` (the CSV
#: default: the JSON field names, for programs).
HEADER_MODES = ("labels", "names")
#: The one formula guard (control characters stripped first), shared with every other file path.
neutralise = guard


#: Set by whoever runs an export in the background (a job): called with the number of rows written
#: so far, every ``PROGRESS_EVERY`` rows, from every export path (serializer, cells, COPY).
export_progress: contextvars.ContextVar[Callable[[int], None] | None] = contextvars.ContextVar(
    "export_progress", default=None
)
PROGRESS_EVERY = 1_000


def counted(rows: Iterable) -> Iterator:
    """``rows`` unchanged, reporting the count to ``export_progress`` when someone listens."""
    report = export_progress.get()
    if report is None:
        yield from rows
        return
    done = 0
    for row in rows:
        yield row
        done += 1
        if done % PROGRESS_EVERY == 0:
            report(done)
    report(done)


def flatten(value) -> str:
    """One JSON value of a serialized record as the text of one cell (not yet neutralised)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        if all(not isinstance(item, dict | list | tuple) for item in value):
            return LIST_SEPARATOR.join(flatten(item) for item in value)
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return str(value)


def export_columns(serializer: serializers.Serializer) -> list[str]:
    return [name for name, field in serializer.fields.items() if not field.write_only]


def export_rows(serializer_class, objects: Iterable, context: dict) -> Iterator[list[str]]:
    """Serialize record by record with the same serializer as the JSON answer; yield flat cells."""
    serializer = serializer_class(context=context)
    columns = export_columns(serializer)
    for obj in counted(objects):
        data = serializer.to_representation(obj)
        yield [neutralise(flatten(data.get(column))) for column in columns]


class _Echo:
    """The smallest file-like object csv.writer needs: hand each written line straight back."""

    def write(self, value: str) -> str:
        return value


def stream_csv(columns: list[str], rows: Iterable[list[str]]) -> Iterator[bytes]:
    writer = csv.writer(_Echo())
    yield (BOM + writer.writerow([neutralise(str(c)) for c in columns])).encode("utf-8")
    for row in rows:
        yield writer.writerow(row).encode("utf-8")


COPY_BUFFER_BYTES = 64 * 1024


def _copy(copy_sql: str, *, using: str, finish: Callable[[bytes], bytes] | None = None) -> Iterator[bytes]:
    """PostgreSQL's ``COPY ... TO STDOUT`` output in ~64 KiB chunks, each of whole rows.

    Runs while the response is being sent, i.e. inside the request (Django closes the connection at
    ``request_finished``, after the last chunk). Each row arrives as one message ending in ``\n``.
    Without ``finish`` (a CSV COPY) each row's final ``\n`` becomes ``\r\n``; with it, each chunk is
    handed to ``finish`` as it is. The statement goes through the connection's execute wrappers and
    query log like any other query.
    """
    connection = connections[using]
    with ExitStack() as stack:
        cursor = stack.enter_context(connection.cursor())
        connection.validate_no_broken_transaction()
        if hasattr(cursor, "debug_sql"):  # queries are being logged (DEBUG, assertNumQueries)
            stack.enter_context(cursor.debug_sql(copy_sql))
        stack.enter_context(connection.wrap_database_errors)

        def start(sql, params, many, context):
            return stack.enter_context(cursor.cursor.copy(sql))

        executor = functools.reduce(lambda ex, wrapper: functools.partial(wrapper, ex), connection.execute_wrappers, start)
        copy = executor(copy_sql, None, False, {"connection": connection, "cursor": cursor})
        buffer = bytearray()
        report = export_progress.get()
        done = 0
        for row in copy:
            if report is not None:
                done += 1
                if done % PROGRESS_EVERY == 0:
                    report(done)
            if row[-1:] != b"\n":  # pragma: no cover - libpq hands over one whole row per message
                raise ValueError("COPY row without its line end")
            buffer += row
            if finish is None:
                buffer[-1:] = b"\r\n"
            if len(buffer) >= COPY_BUFFER_BYTES:
                yield bytes(buffer) if finish is None else finish(bytes(buffer))
                buffer.clear()
        if buffer:
            yield bytes(buffer) if finish is None else finish(bytes(buffer))


def _header(columns: list[str]) -> bytes:
    return (BOM + csv.writer(_Echo()).writerow([neutralise(str(c)) for c in columns])).encode("utf-8")


def stream_copy_csv(columns: list[str], copy_sql: str, *, using: str) -> Iterator[bytes]:
    """The header, then ``COPY ... TO STDOUT WITH (FORMAT csv)``: COPY quotes exactly where
    ``csv.writer`` does, and each row's ``\n`` becomes ``\r\n``."""
    yield _header(columns)
    yield from _copy(copy_sql, using=using)


# A stored CSV line (``ledger.api.export_sql.export_lines``) holds this character where a link's
# ``scheme://host`` goes; the export puts the request's own there. The formula guard strips it from
# every text cell (a control character), and slugs, dates and numbers never hold it.
LINK_BASE = "\x01"

# COPY's text format writes a row's one column with these escaped; a raw LF only ends a row.
_TEXT_ESCAPED = re.compile(rb"\\([\\bfnrtv])")
_TEXT_UNESCAPE = {b"\\": b"\\", b"b": b"\b", b"f": b"\f", b"n": b"\n", b"r": b"\r", b"t": b"\t", b"v": b"\v"}


def stream_copy_lines(columns: list[str], copy_sql: str, *, using: str, link_base: str) -> Iterator[bytes]:
    """The header, then stored CSV lines (``ledger.api.export_sql.export_lines``) through
    ``COPY (SELECT line ...) TO STDOUT`` in text format: per chunk, the row ends become ``\r\n``, the
    text format's escapes are undone (a line's own LF, CR, tab and backslash), and ``LINK_BASE`` becomes
    ``link_base`` (the request's ``scheme://host``). The bytes of ``stream_copy_csv`` for the same rows."""
    base = link_base.encode("utf-8")

    def finish(chunk: bytes) -> bytes:
        chunk = chunk.replace(b"\n", b"\r\n")
        if b"\\" in chunk:
            chunk = _TEXT_ESCAPED.sub(lambda match: _TEXT_UNESCAPE[match.group(1)], chunk)
        return chunk.replace(LINK_BASE.encode("ascii"), base)

    yield _header(columns)
    yield from _copy(copy_sql, using=using, finish=finish)


def select_statement(queryset) -> str:
    """A queryset's SELECT with its parameters bound, as the database runs it."""
    sql, params = queryset.query.sql_with_params()
    return connections[queryset.db].ops.compose_sql(sql, params)


def copy_statement(queryset, *, fmt: str = "csv") -> str:
    return f"COPY ({select_statement(queryset)}) TO STDOUT WITH (FORMAT {fmt})"


def cell_rows(cells) -> Iterator[list[str]]:
    """Rows of database-computed cells (text or NULL) as the flat cells ``export_rows`` gives."""
    for row in counted(cells.iterator(chunk_size=EXPORT_CHUNK_SIZE * 4)):
        yield ["" if cell is None else cell for cell in row]


def field_kind(field: serializers.Field) -> Kind:
    """The XLSX cell type of a serializer field's column."""
    if isinstance(field, serializers.BooleanField):
        return Kind.BOOLEAN
    if isinstance(field, serializers.DecimalField):
        return Kind.MONEY if field.decimal_places == 2 else Kind.DECIMAL
    if isinstance(field, serializers.IntegerField):
        return Kind.INTEGER
    if isinstance(field, serializers.DateTimeField):
        return Kind.DATETIME
    if isinstance(field, serializers.DateField):
        return Kind.DATE
    return Kind.TEXT


def column_label(name: str, field: serializers.Field, model=None) -> str:
    """The column's header for people: the field's label, or its model field's verbose name, or the name.

    DRF labels a field it knows nothing about from its name (``sector_url`` → "Sector url"); such a
    column is labelled from the model field it stands for, links as "<label>链接".
    """
    label = str(field.label) if field.label else ""
    if label and label != capfirst(name.replace("_", " ")):
        return label
    if name == "url":
        return str(_("API 链接"))
    for suffix in ("_urls", "_url"):
        if name.endswith(suffix):
            base = name.removesuffix(suffix)
            for candidate in (base, base + "s"):
                found = _model_label(model, candidate)
                if found:
                    return str(_("%(label)s链接") % {"label": found})
    return _model_label(model, (field.source or name).split(".")[0]) or label or name


def _model_label(model, name: str) -> str:
    if model is None:
        return ""
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return ""
    if model_field.auto_created and not model_field.concrete:  # a reverse relation: the related records
        return str(model_field.related_model._meta.verbose_name_plural)
    return str(model_field.verbose_name)


def header_mode(request: Request | None, fmt: str) -> str:
    """``?headers=labels|names``; by default labels in XLSX (people) and names in CSV (programs)."""
    mode = request.query_params.get("headers") if request is not None else None
    if mode is None:
        return "labels" if fmt == "xlsx" else "names"
    if mode not in HEADER_MODES:
        raise exceptions.ValidationError({"headers": [f"headers must be one of: {', '.join(HEADER_MODES)}"]})
    return mode


def file_headers(columns: list[str], serializer: serializers.Serializer, mode: str) -> list[str]:
    if mode == "names":
        return columns
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    return [column_label(column, serializer.fields[column], model) for column in columns]


def choice_labels(columns: list[str], serializer: serializers.Serializer) -> dict[int, dict[str, str]]:
    """{column index: {code: its label}} for the columns of single-choice fields."""
    return {
        index: {str(code): str(label) for code, label in field.choices.items()}
        for index, field in enumerate(serializer.fields[column] for column in columns)
        if isinstance(field, serializers.ChoiceField) and not isinstance(field, serializers.MultipleChoiceField)
    }


def _labelled(rows: Iterable[list[str]], labels: dict[int, dict[str, str]]) -> Iterator[list[str]]:
    for row in rows:
        for index, names in labels.items():
            row[index] = names.get(row[index], row[index])
        yield row


def write_xlsx(columns: list[str], rows: Iterable[list[str]], *, serializer: serializers.Serializer, title: str,
               mode: str = "labels"):
    """The export as a typed workbook (``ledger.spreadsheet_cells.write_xlsx``), rewound. With the labels
    (its default, for people) a choice shows its label too (``已签约``, not ``signed``); with
    ``headers=names`` (for programs) the codes, as the CSV always has. A date known to the month or year
    only is a date cell shown so (``2025年2月``, ``2025年``)."""
    kinds = [field_kind(serializer.fields[column]) for column in columns]
    precisions = {index: columns.index(f"{column}_precision") for index, column in enumerate(columns)
                  if kinds[index] == Kind.DATE and f"{column}_precision" in columns}
    if mode == "labels":
        rows = _labelled(rows, choice_labels(columns, serializer))
    return write_typed_xlsx(file_headers(columns, serializer, mode), rows, kinds=kinds, title=title,
                            precisions=precisions)


def sheet_name(serializer: serializers.Serializer, basename: str) -> str:
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    return str(model._meta.verbose_name_plural) if model is not None else basename


def export_filename(basename: str, fmt: str) -> str:
    stamp = timezone.localdate().strftime("%Y%m%d")
    return f"qingshan-{basename}-{stamp}.{fmt}"


def export_response(
    fmt: str,
    *,
    objects: Iterable,
    serializer_class,
    context: dict,
    basename: str,
    headers: str | None = None,
):
    """A streamed CSV or XLSX answer of the given records; ``headers``: labels or names (see header_mode)."""
    serializer = serializer_class(context=context)
    columns = export_columns(serializer)
    rows = export_rows(serializer_class, objects, context)
    mode = headers or header_mode(None, fmt)
    if fmt == "csv":
        return csv_response(stream_csv(file_headers(columns, serializer, mode), rows), basename=basename)
    return xlsx_response(columns, rows, serializer=serializer, basename=basename, mode=mode)


def cells_export_response(fmt: str, *, columns: list[str], cells, serializer_class, context: dict, basename: str,
                          headers: str | None = None):
    """The same answer from database-computed cells: COPY for CSV on PostgreSQL, the same SELECT for XLSX."""
    serializer = serializer_class(context=context)
    mode = headers or header_mode(None, fmt)
    if fmt == "csv":
        content = stream_copy_csv(file_headers(columns, serializer, mode), copy_statement(cells), using=cells.db)
        return csv_response(content, basename=basename)
    return xlsx_response(columns, cell_rows(cells), serializer=serializer, basename=basename, mode=mode)


def lines_export_response(*, columns: list[str], lines, serializer_class, context: dict, basename: str,
                          headers: str | None = None) -> StreamingHttpResponse:
    """The CSV from stored lines (one text per row): the same file as ``cells_export_response``'s."""
    serializer = serializer_class(context=context)
    request = context.get("request")
    link_base = request.build_absolute_uri("/")[:-1] if request is not None else ""
    content = stream_copy_lines(
        file_headers(columns, serializer, headers or header_mode(None, "csv")), copy_statement(lines, fmt="text"),
        using=lines.db, link_base=link_base,
    )
    return csv_response(content, basename=basename)


def csv_response(content: Iterator[bytes], *, basename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(content, content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(basename, "csv")}"'
    return response


def xlsx_response(columns: list[str], rows: Iterable[list[str]], *, serializer: serializers.Serializer,
                  basename: str, mode: str = "labels"):
    handle = write_xlsx(columns, rows, serializer=serializer, title=sheet_name(serializer, basename), mode=mode)
    filename = export_filename(basename, "xlsx")
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


class ExportMixin:
    """For a DRF view set: ``?format=csv|xlsx`` answers the whole filtered list (or one record) as a file.

    JSON stays paginated. Errors are always answered in JSON, whatever format was asked for.
    """

    export_basename: str = "export"

    def requested_export_format(self, request: Request) -> str | None:
        fmt = getattr(getattr(request, "accepted_renderer", None), "format", None)
        return fmt if fmt in EXPORT_FORMATS else None

    def export_queryset(self, queryset):
        return queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE)

    def long_export(self, request: Request, fmt: str, queryset):
        """An answer instead of the file when the export is too long for a request (a job), or None."""
        return None

    def export_cells(self, queryset, serializer) -> tuple[list[str], object] | None:
        """(columns, ``values_list`` of cell texts) computed by the database, or None for the serializer path."""
        return None

    def export_lines(self, queryset, serializer) -> tuple[list[str], object] | None:
        """(columns, ``values_list`` of each row's stored CSV line) for the CSV, or None for ``export_cells``."""
        return None

    def list(self, request, *args, **kwargs):
        fmt = self.requested_export_format(request)
        if fmt is None:
            return super().list(request, *args, **kwargs)
        validate = getattr(self.paginator, "validate_parameters", None)
        if validate is not None:
            validate(request)  # a bad page_size is an error even though the export ignores it
        headers = header_mode(request, fmt)
        queryset = self.filter_queryset(self.get_queryset())
        deferred = self.long_export(request, fmt, queryset)
        if deferred is not None:
            return deferred
        serializer_class = self.get_serializer_class()
        context = self.get_serializer_context()
        stored = self.export_lines(queryset, serializer_class(context=context)) if fmt == "csv" else None
        if stored is not None:
            columns, lines = stored
            return lines_export_response(
                columns=columns, lines=lines, serializer_class=serializer_class, context=context,
                basename=self.export_basename, headers=headers,
            )
        computed = self.export_cells(queryset, serializer_class(context=context))
        if computed is not None:
            columns, cells = computed
            return cells_export_response(
                fmt, columns=columns, cells=cells, serializer_class=serializer_class, context=context,
                basename=self.export_basename, headers=headers,
            )
        return export_response(
            fmt,
            objects=self.export_queryset(queryset),
            serializer_class=self.get_serializer_class(),
            context=self.get_serializer_context(),
            basename=self.export_basename,
            headers=headers,
        )

    def retrieve(self, request, *args, **kwargs):
        fmt = self.requested_export_format(request)
        if fmt is None:
            return super().retrieve(request, *args, **kwargs)
        headers = header_mode(request, fmt)
        obj = self.get_object()
        return export_response(
            fmt,
            objects=[obj],
            serializer_class=self.get_serializer_class(),
            context=self.get_serializer_context(),
            basename=f"{self.export_basename}-{obj.slug}",
            headers=headers,
        )

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if self.requested_export_format(self.request) is not None:
            # A 400 or 404 is a JSON message, not a spreadsheet.
            self.request.accepted_renderer = renderers.JSONRenderer()
            self.request.accepted_media_type = renderers.JSONRenderer.media_type
        return response


class _FileRenderer(renderers.BaseRenderer):
    """Content negotiation only: ExportMixin builds the file itself. Anything else falls back to JSON."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return renderers.JSONRenderer().render(data, accepted_media_type, renderer_context)


class CSVRenderer(_FileRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"


class XLSXRenderer(_FileRenderer):
    media_type = XLSX_CONTENT_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

