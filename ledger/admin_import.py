"""
Import/export on the admin changelists (django-import-export), the office's way:

- a downloadable template (XLSX or CSV) with the Chinese headers;
- a preview (dry run) listing every bad row with its messages before anything is written;
  the confirm button appears only when the whole file is clean;
- the commit is all or nothing (``LedgerResource.import_data``), and a commit that meets an error
  after all (the ledger changed meanwhile) says so instead of reporting success;
- export of the filtered changelist with the template's columns;
- importing needs both the add and the change permission, exporting the view permission.
"""

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX

from .spreadsheets import template_dataset


class LedgerImportExportMixin(ImportExportMixin):
    #: Key of ``settings.LEDGER_IMPORT_RESOURCES`` for the template download.
    ledger_kind: str = ""
    import_template_name = "admin/projects/ledger_import.html"
    formats = [XLSX, CSV]
    import_formats = [XLSX, CSV]
    export_formats = [XLSX, CSV]
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
        dataset = template_dataset(self.ledger_kind)
        name = str(self.model._meta.verbose_name)
        if extension == "csv":
            content, content_type = "\ufeff" + dataset.export("csv"), "text/csv; charset=utf-8"
        elif extension == "xlsx":
            content = dataset.export("xlsx")
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            raise PermissionDenied
        response = HttpResponse(content, content_type=content_type)
        filename = _("%(name)s导入模板") % {"name": name} + f".{extension}"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
        return response

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
