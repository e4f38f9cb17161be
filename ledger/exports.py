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
Cells that a spreadsheet would run as a formula are neutralised.

A view set may compute the cells in the database instead (``ExportMixin.export_cells``, see
``projects.api.export_sql``): then on PostgreSQL the CSV is PostgreSQL's own ``COPY (SELECT ...) TO
STDOUT WITH (FORMAT csv)`` streamed through (:func:`stream_copy_csv`), and XLSX rows come from the
same SELECT. Both paths write the same bytes for the same rows.
"""

import csv
import functools
import json
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from decimal import Decimal

from django.db import connections
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from rest_framework import renderers, serializers
from rest_framework.request import Request

EXPORT_FORMATS = ("csv", "xlsx")
EXPORT_CHUNK_SIZE = 500
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"
# A cell starting with one of these is read as a formula by Excel, LibreOffice or Google Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
LIST_SEPARATOR = "; "


def neutralise(value: str) -> str:
    """Prefix a would-be formula with an apostrophe so a spreadsheet shows it as text."""
    if value and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


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
    for obj in objects:
        data = serializer.to_representation(obj)
        yield [neutralise(flatten(data.get(column))) for column in columns]


class _Echo:
    """The smallest file-like object csv.writer needs: hand each written line straight back."""

    def write(self, value: str) -> str:
        return value


def stream_csv(columns: list[str], rows: Iterable[list[str]]) -> Iterator[bytes]:
    writer = csv.writer(_Echo())
    yield (BOM + writer.writerow([neutralise(c) for c in columns])).encode("utf-8")
    for row in rows:
        yield writer.writerow(row).encode("utf-8")


COPY_BUFFER_BYTES = 64 * 1024


def stream_copy_csv(columns: list[str], copy_sql: str, *, using: str) -> Iterator[bytes]:
    """The header, then PostgreSQL's ``COPY ... TO STDOUT WITH (FORMAT csv)`` output, in ~64 KiB chunks.

    Runs while the response is being sent, i.e. inside the request (Django closes the connection at
    ``request_finished``, after the last chunk). COPY writes ``\n`` after each row and quotes exactly
    where ``csv.writer`` does; each row arrives as one message, so its final ``\n`` becomes ``\r\n``.
    The statement goes through the connection's execute wrappers and query log like any other query.
    """
    writer = csv.writer(_Echo())
    yield (BOM + writer.writerow([neutralise(c) for c in columns])).encode("utf-8")
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
        for row in copy:
            if row[-1:] != b"\n":  # pragma: no cover - libpq hands over one whole row per message
                raise ValueError("COPY row without its line end")
            buffer += row
            buffer[-1:] = b"\r\n"
            if len(buffer) >= COPY_BUFFER_BYTES:
                yield bytes(buffer)
                buffer.clear()
        if buffer:
            yield bytes(buffer)


def select_statement(queryset) -> str:
    """A queryset's SELECT with its parameters bound, as the database runs it."""
    sql, params = queryset.query.sql_with_params()
    return connections[queryset.db].ops.compose_sql(sql, params)


def copy_statement(queryset) -> str:
    return f"COPY ({select_statement(queryset)}) TO STDOUT WITH (FORMAT csv)"


def cell_rows(cells) -> Iterator[list[str]]:
    """Rows of database-computed cells (text or NULL) as the flat cells ``export_rows`` gives."""
    for row in cells.iterator(chunk_size=EXPORT_CHUNK_SIZE * 4):
        yield ["" if cell is None else cell for cell in row]


def write_xlsx(columns: list[str], rows: Iterable[list[str]], *, decimal_columns: set[str], title: str):
    """Write an XLSX workbook in openpyxl write-only mode to a temporary file; return it rewound."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "export")
    sheet.append(columns)
    numeric = [column in decimal_columns for column in columns]
    for row in rows:
        sheet.append([_xlsx_cell(cell, is_decimal) for cell, is_decimal in zip(row, numeric, strict=True)])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it once sent
    workbook.save(handle)
    handle.seek(0)
    return handle


def _xlsx_cell(text: str, is_decimal: bool):
    """Amounts as exact numbers; everything else as text (already neutralised, never a formula)."""
    if text == "":
        return None
    if is_decimal:
        try:
            return Decimal(text)
        except ArithmeticError:
            pass
    # Control characters are not allowed in the XML of a workbook.
    return ILLEGAL_CHARACTERS_RE.sub("", text)


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
):
    """A streamed CSV or XLSX answer of the given records."""
    columns = export_columns(serializer_class(context=context))
    rows = export_rows(serializer_class, objects, context)
    if fmt == "csv":
        return csv_response(stream_csv(columns, rows), basename=basename)
    return xlsx_response(columns, rows, serializer_class=serializer_class, context=context, basename=basename)


def cells_export_response(fmt: str, *, columns: list[str], cells, serializer_class, context: dict, basename: str):
    """The same answer from database-computed cells: COPY for CSV on PostgreSQL, the same SELECT for XLSX."""
    if fmt == "csv":
        return csv_response(stream_copy_csv(columns, copy_statement(cells), using=cells.db), basename=basename)
    return xlsx_response(columns, cell_rows(cells), serializer_class=serializer_class, context=context, basename=basename)


def csv_response(content: Iterator[bytes], *, basename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(content, content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(basename, "csv")}"'
    return response


def xlsx_response(columns: list[str], rows: Iterable[list[str]], *, serializer_class, context: dict, basename: str):
    decimal_columns = {
        name
        for name, field in serializer_class(context=context).fields.items()
        if isinstance(field, serializers.DecimalField)
    }
    handle = write_xlsx(columns, rows, decimal_columns=decimal_columns, title=basename)
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

    def export_cells(self, queryset, serializer) -> tuple[list[str], object] | None:
        """(columns, ``values_list`` of cell texts) computed by the database, or None for the serializer path."""
        return None

    def list(self, request, *args, **kwargs):
        fmt = self.requested_export_format(request)
        if fmt is None:
            return super().list(request, *args, **kwargs)
        validate = getattr(self.paginator, "validate_parameters", None)
        if validate is not None:
            validate(request)  # a bad page_size is an error even though the export ignores it
        queryset = self.filter_queryset(self.get_queryset())
        serializer_class = self.get_serializer_class()
        context = self.get_serializer_context()
        computed = self.export_cells(queryset, serializer_class(context=context))
        if computed is not None:
            columns, cells = computed
            return cells_export_response(
                fmt, columns=columns, cells=cells, serializer_class=serializer_class, context=context,
                basename=self.export_basename,
            )
        return export_response(
            fmt,
            objects=self.export_queryset(queryset),
            serializer_class=self.get_serializer_class(),
            context=self.get_serializer_context(),
            basename=self.export_basename,
        )

    def retrieve(self, request, *args, **kwargs):
        fmt = self.requested_export_format(request)
        if fmt is None:
            return super().retrieve(request, *args, **kwargs)
        obj = self.get_object()
        return export_response(
            fmt,
            objects=[obj],
            serializer_class=self.get_serializer_class(),
            context=self.get_serializer_context(),
            basename=f"{self.export_basename}-{obj.slug}",
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

