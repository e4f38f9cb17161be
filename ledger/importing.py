"""
Building blocks for spreadsheet import/export (django-import-export): widgets that read what office
staff actually type (Chinese labels, 万元/亿元, 2025年, 是/否), and a base resource that

- refuses a row with a readable Chinese message instead of crashing (unknown sector, bad date,
  amount with letters, a row repeated in the file …), keyed by the spreadsheet's own column header;
- saves every row through a service (so the stage table applies to imports too);
- commits all or nothing: one bad row and nothing is written;
- updates the existing record when a file is imported again (each resource says how it matches).
"""

import copy
import datetime
import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from .exports import counted
from .models import MONEY_DECIMAL_PLACES, WAN_PER_YI, DatePrecision, format_date
from .spreadsheet_cells import has_controls

#: A template's example row is marked so; an import skips a row carrying it.
EXAMPLE_MARKER = "【示例】"
LIST_SEPARATORS = re.compile(r"[；;，,、\n]+")
CENTS = Decimal(10) ** -MONEY_DECIMAL_PLACES


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class TextWidget(widgets.Widget):
    """Plain text: an empty cell is an empty string (never NULL), surrounding spaces dropped."""

    def clean(self, value, row=None, **kwargs):
        return _text(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


def in_file_language(text) -> str:
    """``text`` in the office's language (``LANGUAGE_CODE``, the template's language).

    Cells are read and written in that language whatever the language of the person importing:
    the template's Chinese headers and choice labels are the office's column names and values.
    Messages about the cells are in the person's language.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


class ChoiceWidget(widgets.Widget):
    """A choice by its Chinese label (or its stored value, or its label in the user's language);
    blank gives ``default``."""

    def __init__(self, choices, *, label: str, default: str = ""):
        super().__init__()
        self.choices = list(choices)
        self.label = label
        self.default = default

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return self.default
        for stored, shown in self.choices:
            if text in (stored, in_file_language(shown), str(shown)):
                return stored
        raise ValueError(
            _("“%(value)s”不是有效的%(label)s；可填：%(choices)s。")
            % {"value": text, "label": self.label,
               "choices": "、".join(in_file_language(shown) for _v, shown in self.choices)}
        )

    def render(self, value, obj=None, **kwargs):
        shown = dict(self.choices).get(value)
        return in_file_language(shown) if shown is not None else str(value or "")


class BooleanWidget(widgets.Widget):
    TRUE = {"是", "y", "yes", "true", "1", "√", "✓"}
    FALSE = {"否", "n", "no", "false", "0", ""}

    def __init__(self, *, label: str):
        super().__init__()
        self.label = label

    def clean(self, value, row=None, **kwargs):
        text = _text(value).lower()
        if text in self.TRUE or text == _("是").lower():
            return True
        if text in self.FALSE or text == _("否").lower():
            return False
        raise ValueError(_("“%(value)s”不是有效的%(label)s；请填“是”或“否”。") % {"value": text, "label": self.label})

    def render(self, value, obj=None, **kwargs):
        return in_file_language(gettext_lazy("是") if value else gettext_lazy("否"))


class MoneyWidget(widgets.Widget):
    """An amount in 万元: ``3500``, ``3,500``, ``3500万元``, ``1.2亿`` (= 12,000 万元). Letters are refused."""

    PATTERN = re.compile(r"^(?P<number>-?\d+(?:\.\d+)?)(?P<unit>万元|万|亿元|亿)?$")

    def __init__(self, *, label: str):
        super().__init__()
        self.label = label

    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return None
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            return Decimal(str(value)).quantize(CENTS)
        text = re.sub(r"[\s,，]", "", _text(value))
        if not text:
            return None
        match = self.PATTERN.match(text)
        if not match:
            raise ValueError(
                _("%(label)s“%(value)s”不是金额；请只填数字，单位万元（也可写“1.2亿”）。")
                % {"label": self.label, "value": _text(value)}
            )
        try:
            amount = Decimal(match["number"])
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits only decimals
            raise ValueError(_("%(label)s不是有效金额。") % {"label": self.label}) from exc
        if match["unit"] in ("亿", "亿元"):
            amount *= WAN_PER_YI
        return amount.quantize(CENTS)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)


class IntegerWidget(widgets.Widget):
    def __init__(self, *, label: str):
        super().__init__()
        self.label = label

    def clean(self, value, row=None, **kwargs):
        text = re.sub(r"[\s,，]", "", _text(value))
        if not text:
            return None
        if not text.isdigit():
            raise ValueError(_("%(label)s“%(value)s”不是整数。") % {"label": self.label, "value": text})
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class DecimalWidget(MoneyWidget):
    """A plain decimal (e.g. land area in 亩); no units."""

    PATTERN = re.compile(r"^(?P<number>-?\d+(?:\.\d+)?)(?P<unit>)$")


_DATE_PATTERNS = [
    (re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"), DatePrecision.DAY),
    (re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$"), DatePrecision.MONTH),
    (re.compile(r"^(\d{4})年?$"), DatePrecision.YEAR),
]


class DateWidget(widgets.Widget):
    """A date and how precisely it is known: ``2026-02-10``, ``2026/2/10``, ``2026年2月``, ``2025年``.

    ``clean`` returns ``(date, precision)``; an empty cell gives ``(None, day)``.
    """

    def __init__(self, *, label: str):
        super().__init__()
        self.label = label

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date(), DatePrecision.DAY
        if isinstance(value, datetime.date):
            return value, DatePrecision.DAY
        text = _text(value)
        if not text:
            return None, DatePrecision.DAY
        for pattern, precision in _DATE_PATTERNS:
            match = pattern.match(text)
            if match:
                parts = [int(part) for part in match.groups()] + [1, 1]
                try:
                    return datetime.date(parts[0], parts[1], parts[2]), precision
                except ValueError:
                    break
        raise ValueError(
            _("%(label)s“%(value)s”不是有效日期；请写成 2026-02-10、2026年2月 或 2025年。")
            % {"label": self.label, "value": text}
        )

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.isoformat()


class LookupWidget(widgets.Widget):
    """A related record named in the cell (by any of ``keys``); an unknown name is a row error.

    The lookup table is read once per import (one query), not once per row.
    """

    def __init__(self, model, *, keys: Iterable[str] = ("name",), label: str, render_key: str | None = None,
                 hint: str = ""):
        super().__init__()
        self.model = model
        self.keys = tuple(keys)
        self.label = label
        self.render_key = render_key or self.keys[0]
        self.hint = hint
        self._table: dict[str, models.Model] | None = None

    def reset(self) -> None:
        self._table = None

    def table(self) -> dict[str, models.Model]:
        if self._table is None:
            self._table = {}
            for record in self.model._default_manager.all():
                for key in reversed(self.keys):
                    value = getattr(record, key)
                    if value:
                        self._table[str(value).strip()] = record
        return self._table

    def find(self, text: str):
        record = self.table().get(text)
        if record is None:
            raise ValueError(
                _("未知的%(label)s“%(value)s”。%(hint)s") % {"label": self.label, "value": text, "hint": self.hint}
            )
        return record

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        return self.find(text) if text else None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(getattr(value, self.render_key) or "")


class LookupListWidget(LookupWidget):
    """Several related records in one cell, separated by ；、, or new lines."""

    def clean(self, value, row=None, **kwargs):
        names = [name.strip() for name in LIST_SEPARATORS.split(_text(value)) if name.strip()]
        records = {}
        for name in names:
            record = self.find(name)
            records.setdefault(record.pk, record)
        return list(records.values())

    def render(self, value, obj=None, **kwargs):
        return "；".join(str(getattr(record, self.render_key)) for record in (value or []))


class DateField(fields.Field):
    """A date column that also sets ``<attribute>_precision``."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        date, precision = self.clean(row, **kwargs)
        setattr(instance, self.attribute, date)
        setattr(instance, f"{self.attribute}_precision", precision if date else DatePrecision.DAY)

    def export(self, instance, **kwargs):
        value = getattr(instance, self.attribute)
        precision = getattr(instance, f"{self.attribute}_precision", DatePrecision.DAY)
        if value is None:
            return ""
        return value.isoformat() if precision == DatePrecision.DAY else format_date(value, precision)

    def comparable(self, instance):
        return getattr(instance, self.attribute), getattr(instance, f"{self.attribute}_precision", None)


class ManyField(fields.Field):
    """A many-to-many column: kept aside on the instance and handed to the service that saves it."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        pending = instance.__dict__.setdefault("_import_many", {})
        pending[self.attribute] = self.clean(row, **kwargs)

    def get_value(self, instance):
        if instance is None:
            return []
        pending = instance.__dict__.get("_import_many", {})
        if self.attribute in pending:
            return pending[self.attribute]  # what is being saved: no need to read it back.
        if instance.pk is None:
            return []
        return list(getattr(instance, self.attribute).all())

    def comparable(self, instance):
        return sorted(record.pk for record in self.get_value(instance))


def pending_many(instance: models.Model, attribute: str):
    """What a ``ManyField`` read for ``attribute``, or None when the file has no such column."""
    return instance.__dict__.get("_import_many", {}).get(attribute)


class LedgerResource(resources.ModelResource):
    """Base for every ledger import. Subclasses set the fields and implement ``find_existing``,
    ``row_key`` and ``save_record``."""

    #: Called after each row with (row number, total rows): a progress bar hooks in here.
    progress: Callable[[int, int], None] | None = None

    def __init__(self, *args, progress: Callable[[int, int], None] | None = None, skip_diff: bool = False,
                 **kwargs):
        """``skip_diff``: no before/after table per row (the command line shows none; the admin does)."""
        super().__init__(*args, **kwargs)
        self.progress = progress
        self.user = None
        self._seen: dict[str, int] = {}
        self._originals: dict[int, dict] = {}
        self._total = 0
        if skip_diff:
            self._meta = copy.copy(type(self)._meta)
            self._meta.skip_diff = True

    # -- The whole file -----------------------------------------------------------------------
    def import_data(self, dataset, **kwargs):
        """All or nothing: always in a transaction, rolled back on any error or refused row."""
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, **kwargs)

    #: Each row in its own savepoint (django-import-export's default). A resource whose rows only
    #: read and validate, and which writes everything at the end (``write_records``), turns it off:
    #: two round trips per row saved; the whole file still runs in ``import_data``'s transaction.
    row_savepoints = True

    def import_data_inner(self, dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs):
        if not self.row_savepoints:
            using_transactions = False
        return super().import_data_inner(dataset, dry_run, raise_errors, using_transactions, collect_failed_rows,
                                         **kwargs)

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user")
        self._seen = {}
        self._originals = {}
        self._total = len(dataset)
        for field in self.fields.values():
            if isinstance(field.widget, LookupWidget):
                field.widget.reset()
        known = {field.column_name for field in self.fields.values()}
        unknown = [header for header in (dataset.headers or []) if header and header not in known]
        if unknown:
            raise ValueError(
                _("表头不认识：%(headers)s。请下载导入模板，按模板的列名填写。") % {"headers": "、".join(map(str, unknown))}
            )
        missing = [self.fields[name].column_name for name in self.required_columns
                   if self.fields[name].column_name not in (dataset.headers or [])]
        if missing:
            raise ValueError(_("缺少必需的列：%(headers)s。") % {"headers": "、".join(missing)})
        self.preload(dataset)

    required_columns: tuple[str, ...] = ()

    def _check_import_id_fields(self, headers):
        """Matching is ``find_existing``'s job and works without the key column (a new record)."""

    def preload(self, dataset) -> None:
        """Read what matching needs in a few queries (override)."""

    # -- One row ------------------------------------------------------------------------------
    def import_row(self, row, instance_loader, **kwargs):
        """The template's example row is skipped, whatever else it says."""
        if any(isinstance(value, str) and value.startswith(EXAMPLE_MARKER) for value in row.values()):
            result = self.get_row_result_class()()
            result.import_type = result.IMPORT_TYPE_SKIP
            result.diff = []
            return result
        return super().import_row(row, instance_loader, **kwargs)

    def before_import_row(self, row, **kwargs):
        controls = [str(column) for column, value in row.items() if isinstance(value, str) and has_controls(value)]
        if controls:
            raise ValidationError({column: _("含有不可见的控制字符（如 NUL），请删除后重新导入。") for column in controls})
        key = self.row_key(row)
        if key:
            # Excel's row number: the header is row 1, the first record row 2.
            number = (kwargs.get("row_number") or 0) + 1
            if key in self._seen:
                raise ValidationError(
                    {self.key_column(): _("与第 %(row)d 行重复（同一文件中不能出现两次）。") % {"row": self._seen[key]}}
                )
            self._seen[key] = number

    def row_key(self, row) -> str:
        raise NotImplementedError

    def key_column(self) -> str:
        raise NotImplementedError

    def get_instance(self, instance_loader, row):
        instance = self.find_existing(row)
        if instance is not None:
            self._originals[id(instance)] = self.comparable_values(instance, row)
        return instance

    def find_existing(self, row):
        raise NotImplementedError

    def comparable_values(self, instance, row) -> dict:
        """What the file's columns say of ``instance``, in a form that compares."""
        return {
            field.column_name: field.comparable(instance) if hasattr(field, "comparable") else field.get_value(instance)
            for field in self.get_import_fields() if field.column_name in row
        }

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Unchanged rows are skipped, so a re-import touches nothing (and resets no alert)."""
        if import_validation_errors or instance.pk is None:
            return False
        before = self._originals.get(id(instance))
        return before is not None and self.comparable_values(instance, row) == before

    def column_errors(self, error: ValidationError) -> ValidationError:
        """The same messages, keyed by the spreadsheet's column headers instead of model field names."""
        by_attribute = {field.attribute: field.column_name for field in self.fields.values() if field.attribute}
        messages: dict[str, list[str]] = {}
        for key, values in error.message_dict.items() if hasattr(error, "error_dict") else [
            (NON_FIELD_ERRORS, error.messages)
        ]:
            column = by_attribute.get(key)
            if column is None and key != NON_FIELD_ERRORS:
                verbose = self._meta.model._meta.get_field(key).verbose_name if key in {
                    f.name for f in self._meta.model._meta.get_fields()
                } else key
                column = str(verbose)
            messages.setdefault(column or NON_FIELD_ERRORS, []).extend(values)
        return ValidationError(messages)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Cell errors first; when a cell is bad, also show what else is wrong with the row."""
        errors = dict(import_validation_errors or {})
        if not errors:
            return  # the service validates everything when it saves.
        try:
            instance.full_clean(exclude=[*errors.keys(), "slug", "version"], validate_unique=False)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        raise self.column_errors(ValidationError(errors))

    def save_instance(self, instance, is_create, row, **kwargs):
        try:
            self.save_record(instance, row, is_create=is_create)
        except ValidationError as exc:
            raise self.column_errors(exc) from exc
        except PermissionDenied as exc:
            raise ValidationError({NON_FIELD_ERRORS: [str(exc)]}) from exc

    def save_record(self, instance, row, *, is_create: bool) -> None:
        raise NotImplementedError

    def save_m2m(self, instance, row, **kwargs):
        """Many-to-many sets are saved by the service, with the record."""

    def write_records(self, result) -> None:
        """A resource whose ``save_record`` only validates and queues writes them here, once every
        row is valid (override). Not on a preview: every rule was checked row by row already, and
        whatever is written would be rolled back."""

    def after_import(self, dataset, result, **kwargs):
        if result.has_errors() or result.has_validation_errors() or kwargs.get("dry_run"):
            return  # the whole file is rolled back: nothing to write.
        self.write_records(result)
        for row in result.rows:  # new records got their keys just now
            if getattr(row, "instance", None) is not None:
                row.object_id = row.instance.pk

    def after_import_row(self, row, row_result, **kwargs):
        if self.progress is not None:
            self.progress(kwargs.get("row_number") or 0, self._total)

    # -- Export -------------------------------------------------------------------------------
    def export_queryset(self, queryset):
        """Related records for export in a fixed number of queries (override)."""
        return queryset

    def export(self, queryset=None, **kwargs):
        if queryset is None:
            queryset = self.get_queryset()
        return super().export(queryset=self.export_queryset(queryset), **kwargs)

    def iter_queryset(self, queryset):
        """The records, counted for ``ledger.exports.export_progress`` when a job listens (the admin's export)."""
        return counted(super().iter_queryset(queryset))
