"""Cells that Excel users can trust: the one formula guard and the one XLSX writer of every export.

Every CSV and XLSX the product writes (the API's exports, the admin's exports, the import templates)
goes through this module:

- :func:`guard` is the formula guard: control characters are stripped first (they are not allowed in
  a workbook's XML, and a leading ``\\x01`` must not hide a ``=`` from the check), then a text that a
  spreadsheet would run as a formula (``= + - @`` tab CR LF first) gets an apostrophe in front.
  The PostgreSQL exports apply the same rule in SQL (``ledger.api.export_sql.GUARDED``, built from
  :data:`CONTROL_CHARACTERS` and :data:`FORMULA_TRIGGERS`).
- :func:`write_xlsx` writes typed cells (numbers, dates as dates in ``yyyy-mm-dd``, booleans, money
  in ``#,##0.00``), a bold frozen header row with an autofilter, a named sheet and column widths
  that fit the headers, in openpyxl's write-only mode (memory stays flat). A text cell is always
  written guarded: openpyxl would store a text starting with ``=`` as a formula.
- :data:`BOM`: every CSV starts with it, so that Excel reads the Chinese text as UTF-8.
"""

import datetime
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .models import DatePrecision

BOM = "\ufeff"
#: Not allowed in the XML of a workbook (the same set as openpyxl's ILLEGAL_CHARACTERS_RE);
#: tab, LF and CR are allowed, and are formula triggers below.
CONTROL_CHARACTERS = "".join(chr(code) for code in [*range(0, 9), 11, 12, *range(14, 32)])
CONTROL_CHARACTERS_RE = re.compile(f"[{re.escape(CONTROL_CHARACTERS)}]")
# A cell starting with one of these is read as a formula by Excel, LibreOffice or Google Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
LIST_FORMULA_LIMIT = 255
OPTIONS_SHEET = "下拉选项"
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
#: A date known to the month or the year only: still a date cell (it sorts and filters as one), shown
#: no more precisely than known (``2025年2月``, ``2025年``).
MONTH_FORMAT = 'yyyy"年"m"月"'
YEAR_FORMAT = 'yyyy"年"'
#: A year written ``2025年`` in a date column (the admin export's dates, which its import reads back):
#: the number 2025 shown ``2025年``; the import reads it as a year again (a date cell would come back
#: as a day). ``2025年2月`` stays text for the same reason.
YEAR_NUMBER_FORMAT = '0"年"'
_YEAR_TEXT = re.compile(r"(\d{4})年")
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
INTEGER_FORMAT = "0"
DECIMAL_FORMAT = "#,##0.######"


class Kind(StrEnum):
    """What a column holds, hence the type and number format of its XLSX cells."""

    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    MONEY = "money"
    DATE = "date"
    DATETIME = "datetime"
    BOOLEAN = "boolean"


NUMBER_FORMATS = {
    Kind.INTEGER: INTEGER_FORMAT,
    Kind.DECIMAL: DECIMAL_FORMAT,
    Kind.MONEY: MONEY_FORMAT,
    Kind.DATE: DATE_FORMAT,
    Kind.DATETIME: DATETIME_FORMAT,
}
#: Column widths (in characters) for typed columns; text columns fit their header.
KIND_WIDTHS = {Kind.DATE: 12, Kind.DATETIME: 17, Kind.MONEY: 14, Kind.DECIMAL: 12, Kind.INTEGER: 10}


def strip_controls(text: str) -> str:
    return CONTROL_CHARACTERS_RE.sub("", text)


def has_controls(text: str) -> bool:
    return CONTROL_CHARACTERS_RE.search(text) is not None


def guard(text: str) -> str:
    """The text of a CSV or XLSX cell: control characters stripped, then a would-be formula neutralised."""
    text = strip_controls(text)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def display_width(text: str) -> int:
    """Width in Excel's character units: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def sheet_title(title: str) -> str:
    return SHEET_TITLE_FORBIDDEN.sub("", str(title))[:31] or "Sheet1"


def _unguarded(text: str) -> str:
    # A number or date written as guarded text (``'-5.00``) is still that number.
    return text[1:] if text.startswith("'") else text


def typed_value(value, kind: Kind):
    """The value of an XLSX cell of ``kind`` for an export value (text from a flat export row, or a native
    value). A value that does not parse as its kind stays (guarded) text, never a formula."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = _unguarded(value.strip())
        try:
            if kind in (Kind.MONEY, Kind.DECIMAL):
                return Decimal(text)
            if kind == Kind.INTEGER:
                return int(text)
            if kind == Kind.BOOLEAN and text.lower() in ("true", "false"):
                return text.lower() == "true"
            if kind == Kind.DATE and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                return datetime.date.fromisoformat(text)
            if kind == Kind.DATETIME:
                return _local_naive(datetime.datetime.fromisoformat(text.replace("Z", "+00:00")))
        except (ValueError, InvalidOperation):
            pass
        return guard(value)
    if isinstance(value, datetime.datetime):
        return _local_naive(value)
    if isinstance(value, bool | int | float | Decimal | datetime.date):
        return value
    return guard(str(value))


def _local_naive(moment: datetime.datetime) -> datetime.datetime:
    """Excel has no time zones: the local time (``TIME_ZONE``) to the minute."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.replace(tzinfo=None, second=0, microsecond=0)


def column_widths(headers: Sequence[str], kinds: Sequence[Kind], samples: Iterable[Sequence] = ()) -> list[int]:
    widths = [max(display_width(str(header)) + 2, KIND_WIDTHS.get(kind, 8)) for header, kind in
              zip(headers, kinds, strict=True)]
    for row in samples:
        for index, value in enumerate(row):
            if isinstance(value, str):
                widths[index] = max(widths[index], min(display_width(value) + 2, 60))
    return widths


def write_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    kinds: Sequence[Kind],
    title: str,
    samples: Sequence[Sequence] = (),
    validations: Sequence[tuple[int, Sequence[str]]] = (),
    validation_rows: int = 1000,
    precisions: dict[int, int] | None = None,
):
    """An XLSX workbook in a rewound temporary file: one named sheet, typed cells, frozen bold header,
    autofilter over the data, widths that fit the headers.

    ``rows`` hold text (flat export cells) or native values; each is converted by its column's kind.
    ``validations``: (column index, allowed values) dropdowns for the first ``validation_rows`` rows.
    ``precisions``: {date column index: the index of the column holding its precision} (``day``,
    ``month``, ``year``): a month or year date is formatted as ``MONTH_FORMAT`` / ``YEAR_FORMAT``.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title))
    for index, width in enumerate(column_widths(headers, kinds, samples), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    long_lists = []
    for column, allowed in validations:
        letter = get_column_letter(column + 1)
        formula = _list_formula(allowed)
        if len(formula) > LIST_FORMULA_LIMIT:  # too long for Excel: the values go on a hidden sheet
            long_lists.append(list(allowed))
            formula = f"'{OPTIONS_SHEET}'!${get_column_letter(len(long_lists))}$1:" \
                      f"${get_column_letter(len(long_lists))}${len(allowed)}"
        validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
        validation.add(f"{letter}2:{letter}{validation_rows + 1}")
        sheet.data_validations.append(validation)
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=guard(str(header)))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    formats = [NUMBER_FORMATS.get(kind) for kind in kinds]
    # The precision as stored (``month``) or as labelled for people (``月``).
    precise = {key: number_format for precision, number_format in ((DatePrecision.MONTH, MONTH_FORMAT),
               (DatePrecision.YEAR, YEAR_FORMAT)) for key in (precision.value, str(precision.label))}
    for row in rows:
        cells = []
        for index, (value, kind, number_format) in enumerate(zip(row, kinds, formats, strict=True)):
            if precisions and index in precisions:
                number_format = precise.get(row[precisions[index]], number_format)
            typed = typed_value(value, kind)
            year = _YEAR_TEXT.fullmatch(typed) if kind == Kind.DATE and isinstance(typed, str) else None
            if year:
                typed, number_format = int(year.group(1)), YEAR_NUMBER_FORMAT
            if number_format and not isinstance(typed, str | bool | type(None)):
                cell = WriteOnlyCell(sheet, value=typed)
                cell.number_format = number_format
                cells.append(cell)
            else:
                cells.append(typed)
        sheet.append(cells)
        count += 1
    if long_lists:
        options = workbook.create_sheet(title=OPTIONS_SHEET)
        options.sheet_state = "hidden"
        for index in range(max(len(values) for values in long_lists)):
            options.append([guard(str(values[index])) if index < len(values) else None for values in long_lists])
    if headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    handle = tempfile.TemporaryFile()  # noqa: SIM115 -- the caller's response closes it once sent
    workbook.save(handle)
    handle.seek(0)
    return handle


def _list_formula(allowed: Sequence[str]) -> str:
    """A list validation's formula: the values quoted, comma separated (Excel caps it at 255 characters)."""
    values = [str(value).replace('"', "").replace(",", "，") for value in allowed]
    return '"' + ",".join(values) + '"'
