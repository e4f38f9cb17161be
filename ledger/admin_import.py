"""
Import/export on the admin changelists (django-import-export), the office's way:

- a downloadable template (XLSX or CSV) with the Chinese headers;
- a preview (dry run) listing every bad row with its messages before anything is written;
  the confirm button appears only when the whole file is clean;
- the commit is all or nothing (``LedgerResource.import_data``), and a commit that meets an error
  after all (the ledger changed meanwhile) says so instead of reporting success;
- export of the filtered changelist with the template's columns: typed XLSX cells, a BOM on the
  CSV, the one formula guard (``ledger.ledger_files``), the one file-name pattern;
- one import format: XLSX or CSV is told from the file itself, a CSV may be UTF-8 or GBK/GB18030;
  an unreadable file, wrong headers or an unexpected error get a Chinese message (details in the
  log), never a traceback; the preview shows each bad cell with its message at Excel's row number;
- importing needs both the add and the change permission, exporting the view permission.
"""

import logging
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm

from .ledger_files import EXTENSIONS, LedgerUploadFormat, UnreadableFile, dataset_file, file_name, template_file
from .spreadsheets import resource_class

logger = logging.getLogger(__name__)


class LedgerImportForm(ImportForm):
    """The file only: its format is read from the file; a wrong kind of file is refused in Chinese."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["import_file"].label = _("要导入的文件")
        self.fields["import_file"].widget.attrs["accept"] = ",".join(EXTENSIONS)
        self.fields["format"].widget = forms.HiddenInput()

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError(_("请上传 Excel 工作簿（.xlsx）或 CSV 文件。"))
        return upload


def preview_rows(result) -> list[dict]:
    """The refused rows as the preview table shows them: Excel's row number, each cell with its messages."""
    headers = [str(header) for header in result.diff_headers]
    rows = []
    for row in result.invalid_rows:
        errors = {str(column): [str(message) for message in messages_] for column, messages_ in
                  row.field_specific_errors.items()}
        cells = []
        for header, value in zip(headers, row.values, strict=False):
            shown = "" if value is None or value == "---" else str(value)
            cells.append({"header": header, "value": shown, "errors": errors.pop(header, [])})
        general = [str(message) for message in row.non_field_specific_errors]
        for column, messages_ in errors.items():  # a column the template does not have
            general.extend(f"{column}：{message}" for message in messages_)
        rows.append({"number": row.number + 1, "cells": cells, "errors": general})
    return rows


def file_errors(result) -> list[str]:
    """Whole-file and unexpected row errors as messages for people; the tracebacks go to the log."""
    found = []
    for error in result.base_errors:
        if isinstance(error.error, ValueError) and not isinstance(error.error, UnicodeError):
            found.append(str(error.error))
        else:
            logger.error("Import failed: %s\n%s", error.error, error.traceback)
            found.append(_("导入时发生意外错误，已全部撤销。请把文件发给系统管理员查看（详情已记入日志）。"))
    for number, errors in result.row_errors():
        for error in errors:
            logger.error("Import row %s failed: %s\n%s", number, error.error, error.traceback)
            found.append(_("第 %(row)d 行无法导入（意外错误，详情已记入日志）。") % {"row": number + 1})
    return found


class LedgerImportExportMixin(ImportExportMixin):
    #: Key of ``settings.LEDGER_IMPORT_RESOURCES`` for the template download.
    ledger_kind: str = ""
    #: The import page: ledger's own (template links, progress, the preview's help); an admin may name another.
    import_template_name = "admin/ledger/import.html"
    formats = [XLSX, CSV]
    import_formats = [LedgerUploadFormat]
    export_formats = [XLSX, CSV]
    import_form_class = LedgerImportForm
    from_encoding = "utf-8-sig"

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "import-template.<str:extension>",
                self.admin_site.admin_view(self.import_template_view),
                name="{}_{}_import_template".format(*info),
            ),
            *super().get_urls(),
        ]

    def has_import_permission(self, request):
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.add_{opts.model_name}") and request.user.has_perm(
            f"{opts.app_label}.change_{opts.model_name}"
        )

    def has_export_permission(self, request):
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}")

    def import_template_view(self, request, extension: str):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if extension not in ("csv", "xlsx"):
            raise PermissionDenied
        name = str(self.model._meta.verbose_name)
        content, content_type = template_file(resource_class(self.ledger_kind)(), extension=extension, title=name)
        response = HttpResponse(content, content_type=content_type)
        filename = _("%(name)s导入模板") % {"name": name} + f".{extension}"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
        return response

    def write_to_tmp_storage(self, import_file, input_format):
        input_format.filename = import_file.name  # XLSX or CSV is told from the name and the content
        return super().write_to_tmp_storage(import_file, input_format)

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, UnreadableFile):
            form.add_error("import_file", str(e))
            return
        logger.error("Unreadable import file", exc_info=e)
        form.add_error("import_file", _("无法读取这个文件。请下载导入模板，按模板填写后保存为 .xlsx 或 .csv 再上传。"))

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        if isinstance(response, TemplateResponse) and response.context_data.get("result") is not None:
            result = response.context_data["result"]
            response.context_data["preview_rows"] = preview_rows(result)
            response.context_data["file_errors"] = file_errors(result)
        return response

    def get_export_data(self, file_format, request, queryset, **kwargs):
        if not self.has_export_permission(request):
            raise PermissionDenied
        kwargs.pop("encoding", None)
        dataset = self.get_data_for_export(request, queryset, **kwargs)
        resource = self.get_export_resource_classes(request)[0](**self.get_export_resource_kwargs(request))
        return dataset_file(resource, dataset, extension=file_format.get_extension(),
                            title=str(self.model._meta.verbose_name_plural))

    def get_export_filename(self, request, queryset, file_format):
        return file_name(self.ledger_kind, file_format.get_extension())

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        info = self.model._meta.app_label, self.model._meta.model_name
        context["template_urls"] = [
            (label, reverse("admin:{}_{}_import_template".format(*info), kwargs={"extension": ext}))
            for label, ext in (("XLSX", "xlsx"), ("CSV", "csv"))
        ]
        return context

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(request, _("导入时发现错误，已全部撤销，没有写入任何数据。请重新上传以查看每一行的问题。"))
            info = self.model._meta.app_label, self.model._meta.model_name
            return HttpResponseRedirect(reverse("admin:{}_{}_import".format(*info)))
        return super().process_result(result, request)

    def get_export_queryset(self, request):
        resource = self.get_export_resource_classes(request)[0]()
        return resource.export_queryset(super().get_export_queryset(request))
