"""The ledger's spreadsheet files as an office uses them: reading uploads, writing templates and exports.

- Reading: XLSX or CSV, told apart by the file's extension (and its content: an XLSX is a zip); a CSV
  in UTF-8 (with or without Excel's BOM) or GBK/GB18030 — what most office PCs save — is decoded, and
  anything else is refused with a Chinese message (:class:`UnreadableFile`), never a traceback.
- Templates: the import columns with Chinese headers, one example row (marked ``【示例】``, skipped
  on import), dropdowns for choice, yes/no and small lookup columns (stages, sectors, zones …),
  column widths that fit the headers, a frozen header row.
- Exports: the same columns, typed XLSX cells (amounts in ``#,##0.00``, dates as dates), a BOM on
  the CSV, and the one formula guard of ``ledger.spreadsheet_cells`` on every text cell.
"""

import csv
import datetime
import io
import logging
import zipfile
from collections.abc import Sequence
from decimal import Decimal

import openpyxl
import tablib
from django.utils.translation import gettext as _
from import_export.formats.base_formats import XLSX, Format

from .exports import export_filename
from .importing import (
    EXAMPLE_MARKER,
    BooleanWidget,
    ChoiceWidget,
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    LookupListWidget,
    LookupWidget,
    MoneyWidget,
    in_file_language,
)
from .spreadsheet_cells import BOM, Kind, guard, write_xlsx

logger = logging.getLogger(__name__)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
EXTENSIONS = (".xlsx", ".csv")
#: A lookup column gets a dropdown when its table is at most this long.
DROPDOWN_LOOKUP_LIMIT = 200
#: Dropdowns reach this many rows of a template.
TEMPLATE_ROWS = 5000
#: The encodings a CSV is tried in, in order (GB18030 contains GBK and GB2312).
CSV_ENCODINGS = ("utf-8", "gb18030")


class UnreadableFile(ValueError):
    """The upload is not a spreadsheet this office can read; the message says why, in Chinese."""


# --- Reading -------------------------------------------------------------------------------------


def file_kind(filename: str, data: bytes) -> str:
    """"xlsx" or "csv", from the extension; a zip is an XLSX whatever its name says."""
    name = filename.lower()
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if name.endswith(".xlsx"):
        raise UnreadableFile(_("文件扩展名是 .xlsx，但内容不是 Excel 工作簿。请用 Excel 重新保存后上传。"))
    if name.endswith(".xls"):
        raise UnreadableFile(_("不支持旧版 Excel（.xls）文件：请在 Excel 中“另存为” Excel 工作簿（.xlsx）后上传。"))
    return "csv"


def decode_csv(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of a CSV file: UTF-8 (BOM or not), else GB18030/GBK."""
    if data.startswith(BOM.encode("utf-8")):
        data = data[3:]
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(
        _("无法识别文件的文字编码（支持 UTF-8 和 GBK/GB18030）。请在 Excel 中“另存为” CSV UTF-8 或 Excel 工作簿（.xlsx）后重新上传。")
    )


def read_upload(data: bytes, filename: str) -> tablib.Dataset:
    """A tablib Dataset of the first sheet of an XLSX or of a CSV; :class:`UnreadableFile` if it cannot be read."""
    if not data.strip():
        raise UnreadableFile(_("文件是空的。"))
    if file_kind(filename, data) == "xlsx":
        try:
            dataset = XLSX().create_dataset(data)
        except (zipfile.BadZipFile, KeyError, ValueError, TypeError, StopIteration, OSError) as exc:
            logger.warning("Unreadable XLSX upload %r", filename, exc_info=True)
            raise UnreadableFile(_("无法读取这个 Excel 文件，它可能已损坏或受密码保护。请用 Excel 重新保存后上传。")) from exc
    else:
        text, _encoding = decode_csv(data)
        try:
            rows = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            logger.warning("Unreadable CSV upload %r", filename, exc_info=True)
            raise UnreadableFile(_("无法按 CSV 格式读取这个文件：%(error)s") % {"error": exc}) from exc
        rows = [row for row in rows if any(cell.strip() for cell in row)]
        if not rows:
            raise UnreadableFile(_("文件是空的。"))
        width = len(rows[0])
        dataset = tablib.Dataset(headers=[cell.strip() for cell in rows[0]])
        for number, row in enumerate(rows[1:], start=2):
            if len(row) > width and any(cell.strip() for cell in row[width:]):
                raise UnreadableFile(_("第 %(row)d 行的列数多于表头。请检查是否有多余的逗号。") % {"row": number})
            dataset.append((row + [""] * width)[:width])
    if not dataset.headers or not any(dataset.headers):
        raise UnreadableFile(_("第一行应是表头（列名）。请下载导入模板，按模板填写。"))
    return dataset


def upload_rows_estimate(data: bytes, filename: str) -> int | None:
    """How many data rows an upload has, at most, without reading its cells (milliseconds, not the
    seconds ``read_upload`` takes for a large XLSX): a CSV's line breaks less the header, an XLSX's
    recorded sheet size less the header. None when that cannot be told cheaply (no recorded size, or
    not a readable file: ``read_upload`` then says why)."""
    try:
        kind = file_kind(filename, data)
    except UnreadableFile:
        return None
    if kind == "csv":
        lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        return max(0, lines - 1)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        try:
            rows = book.active.max_row if book.active is not None else None
        finally:
            book.close()
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError):
        return None
    return max(0, rows - 1) if rows else None


class LedgerUploadFormat(Format):
    """The admin's one import format: XLSX or CSV, told apart from the file itself (no format to choose)."""

    def __init__(self, encoding=None, **kwargs):
        self.filename = ""  # the admin sets the upload's name when it has it

    def get_title(self):
        return _("Excel 工作簿（.xlsx）或 CSV")

    def get_extension(self):
        return "xlsx"

    def create_dataset(self, in_stream):
        return read_upload(in_stream, getattr(self, "filename", ""))

    def can_import(self):
        return True


# --- Columns and cells ---------------------------------------------------------------------------


def field_kind(widget) -> Kind:
    """The XLSX cell type of an import/export column, from its widget."""
    if isinstance(widget, DecimalWidget):
        return Kind.DECIMAL
    if isinstance(widget, MoneyWidget):
        return Kind.MONEY
    if isinstance(widget, IntegerWidget):
        return Kind.INTEGER
    if isinstance(widget, DateWidget):
        return Kind.DATE  # a date known to the day; "2026年2月" stays text
    return Kind.TEXT


def column_kinds(resource, headers: Sequence[str]) -> list[Kind]:
    by_column = {field.column_name: field for field in resource.get_export_fields()}
    return [field_kind(by_column[header].widget) if header in by_column else Kind.TEXT for header in headers]


def dropdown_values(widget) -> list[str] | None:
    """The values a template column offers in a dropdown, or None for a free column."""
    if isinstance(widget, ChoiceWidget):
        return [in_file_language(label) for _value, label in widget.choices]
    if isinstance(widget, BooleanWidget):
        return [in_file_language(_("是")), in_file_language(_("否"))]
    if isinstance(widget, LookupWidget) and not isinstance(widget, LookupListWidget):
        widget.reset()
        names = sorted({str(getattr(record, widget.keys[0])) for record in widget.table().values()
                        if getattr(record, widget.keys[0], None)})
        widget.reset()
        return names if 0 < len(names) <= DROPDOWN_LOOKUP_LIMIT else None
    return None


def example_value(resource, field, dropdown: list[str] | None):
    """A plausible cell for the example row; the marked name column makes the row skipped on import."""
    widget = field.widget
    if resource.required_columns and field is resource.fields[resource.required_columns[-1]]:
        return EXAMPLE_MARKER + _("示例（导入前请删除本行；本行不会被导入）")
    if isinstance(widget, ChoiceWidget):
        return in_file_language(dict(widget.choices).get(widget.default)) if widget.default else dropdown[0]
    if isinstance(widget, BooleanWidget):
        return in_file_language(_("否"))
    if isinstance(widget, DecimalWidget):
        return Decimal("50")
    if isinstance(widget, MoneyWidget):
        return Decimal("5000.00")
    if isinstance(widget, IntegerWidget):
        return 100
    if isinstance(widget, DateWidget):
        return datetime.date(2026, 1, 15)
    if dropdown:
        return dropdown[0]
    return ""


def template_file(resource, *, extension: str, title: str) -> tuple[bytes, str]:
    """(content, content type) of the import template for ``resource``."""
    fields = resource.get_import_fields()
    headers = [field.column_name for field in fields]
    dropdowns = [dropdown_values(field.widget) for field in fields]
    example = [example_value(resource, field, dropdown) for field, dropdown in zip(fields, dropdowns, strict=True)]
    if extension == "csv":
        return csv_bytes(headers, [example]), CSV_CONTENT_TYPE
    handle = write_xlsx(
        headers, [example], kinds=[field_kind(field.widget) for field in fields], title=title,
        validations=[(index, values) for index, values in enumerate(dropdowns) if values],
        validation_rows=TEMPLATE_ROWS,
    )
    with handle:
        return handle.read(), XLSX_CONTENT_TYPE


def csv_bytes(headers: Sequence, rows) -> bytes:
    """A CSV with Excel's BOM; every cell through the formula guard."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([guard(str(header)) for header in headers])
    for row in rows:
        writer.writerow([_csv_text(value) for value in row])
    return (BOM + out.getvalue()).encode("utf-8")


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return guard(str(value))


def dataset_file(resource, dataset: tablib.Dataset, *, extension: str, title: str) -> bytes:
    """An export (the resource's rendered dataset) as CSV with a BOM or typed XLSX; guarded either way."""
    headers = list(dataset.headers or [])
    if extension == "csv":
        return csv_bytes(headers, dataset)
    kinds = column_kinds(resource, headers)
    samples = dataset[:50] if len(dataset) else []
    handle = write_xlsx(headers, dataset, kinds=kinds, title=title, samples=samples)
    with handle:
        return handle.read()


def file_name(basename: str, extension: str) -> str:
    """The one file-name pattern of every export: ``qingshan-<records>-<yyyymmdd>.<ext>``."""
    return export_filename(basename, extension)
