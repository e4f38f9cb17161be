"""The admin's import and export pages hand long work to a job, and follow it on the same page.

``JobImportExportMixin`` replaces ``ledger.admin_import.LedgerImportExportMixin`` on a ModelAdmin
(the core cannot import ``jobs``; the domain apps' admins use this one):

- **import** (导入): an uploaded file of more than ``JOBS_IMPORT_ROWS`` data rows is not checked in
  the request (its rows are counted without reading the cells). The file goes to the job store and the preview (a dry run, ``jobs.imports``) runs as a
  job; the person lands on ``import/job/<id>/``, the import page of that job: a progress bar (the
  static ``jobs/progress.js`` polls the 任务 status JSON), a cancel button, and when it is done the
  preview's row counts and every error in Chinese, with 确认导入 if the file is clean. That button
  starts the commit job (once: a second click finds the first commit), followed on the same kind of
  page to its summary. At or below the threshold the synchronous pages are exactly as before; a file
  that cannot be read is refused on the form, in Chinese, as before.
- **export** (导出): a changelist export of more than ``JOBS_EXPORT_ROWS[format]`` rows (counted up to
  the limit) becomes a job that replays the same export (filters from the query string, the chosen
  format and columns, the person's permissions) in the worker; the person lands on
  ``export/job/<id>/`` with a progress bar and the download link once the file is ready.

When the person (or everybody together) already has as many unfinished jobs as allowed
(``jobs.services.job_start``), nothing is started: the import page comes back with the reason on
its file field, the export page with it above the chosen format and columns, and 确认导入 returns to
the preview (kept, to confirm later) with the reason as a message.

Both job pages answer only the person who started the job (another staff user gets 403, as on the
任务 page) and only for this admin's kind of record (404 otherwise).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.test import RequestFactory
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ledger.admin_import import LedgerImportExportMixin
from ledger.exports import export_progress
from ledger.ledger_files import upload_rows_estimate

from .admin import job_status
from .exports import ADMIN_EXPORT_KIND, export_limit
from .imports import IMPORT_KIND
from .models import Job, JobStatus
from .progress import Progress
from .registry import JobOutcome, register_job_kind
from .services import JobLimitReached, job_follow_up, job_start, jobs_recover

DEFAULT_IMPORT_ROWS = 2_000
#: POST fields of the export form that are not part of the export (never stored with the job).
_NOT_REPLAYED = ("csrfmiddlewaretoken",)


def import_limit() -> int:
    return int(getattr(settings, "JOBS_IMPORT_ROWS", DEFAULT_IMPORT_ROWS))


class JobImportExportMixin(LedgerImportExportMixin):
    job_template_name = "admin/jobs/ledger_job.html"

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        view = self.admin_site.admin_view
        return [
            path("import/job/<int:job_id>/", view(self.import_job_view), name="{}_{}_import_job".format(*info)),
            path("import/job/<int:job_id>/commit/", view(require_POST(self.import_commit_view)),
                 name="{}_{}_import_commit".format(*info)),
            path("export/job/<int:job_id>/", view(self.export_job_view), name="{}_{}_export_job".format(*info)),
            *super().get_urls(),
        ]

    def _url(self, name: str, job: Job | None = None) -> str:
        """This admin's URL ``name`` (``import``, ``changelist``, ``import_job``...), of ``job`` if given."""
        info = self.model._meta.app_label, self.model._meta.model_name
        return reverse("admin:{}_{}_{}".format(*info, name), args=[job.pk] if job else [],
                       current_app=self.admin_site.name)

    # --- import ---------------------------------------------------------------------------------
    def import_action(self, request, **kwargs):
        if request.method == "POST" and self.has_import_permission(request):
            form = self.create_import_form(request)
            if form.is_valid():
                upload = form.cleaned_data["import_file"]
                data = b"".join(upload.chunks())
                # Counted without reading the cells (a 20,000-row XLSX takes seconds to read): the
                # worker reads the file, and says in Chinese on the job's page if it cannot.
                rows = upload_rows_estimate(data, upload.name)
                if rows is not None and rows > import_limit():
                    try:
                        job = self._start_import_job(request, upload, data, rows)
                    except JobLimitReached as refusal:
                        request.jobs_refusal = refusal  # the import page again, the reason on its form
                        return super().import_action(request, **kwargs)
                    return HttpResponseRedirect(self._url("import_job", job))
        return super().import_action(request, **kwargs)

    def create_import_form(self, request):
        form = super().create_import_form(request)
        refusal = getattr(request, "jobs_refusal", None)
        if refusal is not None and form.is_bound and form.is_valid():
            form.add_error("import_file", _("%(reason)s 文件未导入，请稍后重新选择该文件。") % {
                "reason": refusal.messages[0]})
        return form

    def _start_import_job(self, request, upload, data: bytes, rows: int) -> Job:
        return job_start(
            kind=IMPORT_KIND,
            title=_("导入%(model)s预览：%(file)s（约 %(rows)s 行）") % {
                "model": self.model._meta.verbose_name, "file": upload.name, "rows": f"{rows:,}"},
            user=request.user,
            params={"resource": self.ledger_kind, "commit": False, "filename": upload.name,
                    "rows_estimate": rows, "model": self.model._meta.label_lower},
            input_file=ContentFile(data), input_name=upload.name,
        )

    def _own_import_job(self, request, job_id: int) -> Job:
        if not self.has_import_permission(request):
            raise PermissionDenied
        job = Job.objects.filter(pk=job_id, kind=IMPORT_KIND, params__model=self.model._meta.label_lower).first()
        if job is None:
            raise Http404(_("没有这个导入任务。"))
        if job.started_by_id != request.user.pk:
            raise PermissionDenied(_("这个任务不是您发起的。"))
        return job

    def import_job_view(self, request, job_id: int):
        jobs_recover()  # as the 任务 page: a job whose worker died shows as requeued or failed
        job = self._own_import_job(request, job_id)
        follow_up = job.params.get("follow_up")
        summary = job.result or {}
        committed = bool(job.params.get("commit"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("导入（后台任务）"),
            "opts": self.model._meta,
            "mode": "import",
            "job": job,
            "status": job_status(job),
            "committed": committed,
            "summary": summary,
            "totals": summary.get("totals") or {},
            "errors": summary.get("errors") or [],
            "more_errors": max(0, (summary.get("error_count") or 0) - len(summary.get("errors") or [])),
            "may_commit": (job.status == JobStatus.SUCCEEDED and not committed and not summary.get("errors")),
            "commit_job_url": self._url("import_job", Job(pk=follow_up)) if follow_up else "",
            "commit_url": self._url("import_commit", job),
            "import_url": self._url("import"),
            "changelist_url": self._url("changelist"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.job_template_name], context)

    def import_commit_view(self, request, job_id: int):
        """确认导入: the commit job of a clean preview, started once (a second click finds the first)."""
        preview = self._own_import_job(request, job_id)
        summary = preview.result or {}
        if preview.params.get("commit") or preview.status != JobStatus.SUCCEEDED or summary.get("errors"):
            messages.error(request, _("只有检查无误的预览才能确认导入。"))
            return HttpResponseRedirect(self._url("import_job", preview))
        try:
            commit, _started = job_follow_up(
                job=preview, user=request.user,
                title=_("导入%(model)s：%(file)s（%(rows)s 行）") % {
                    "model": self.model._meta.verbose_name, "file": preview.params.get("filename", ""),
                    "rows": f"{summary.get('rows', 0):,}"},
                params={**preview.params, "commit": True},
            )
        except JobLimitReached as refusal:  # the checked preview stays: 确认导入 again later
            messages.error(request, refusal.messages[0])
            return HttpResponseRedirect(self._url("import_job", preview))
        return HttpResponseRedirect(self._url("import_job", commit))

    # --- export ---------------------------------------------------------------------------------
    def export_action(self, request):
        if request.method == "POST" and self.has_export_permission(request):
            handed = self._export_handoff(request)
            if handed is not None:
                return handed
        return super().export_action(request)

    def _export_form(self, request):
        """The export form as django-import-export builds it for this request (format and columns)."""
        formats = self.get_export_formats()
        form = self.get_export_form_class()(formats, self.get_export_resource_classes(request), data=request.POST)
        return form, formats

    def _export_handoff(self, request):
        if "export_items" in request.POST:
            return None  # a selection from the changelist's action: a page's worth, exported at once
        form, formats = self._export_form(request)
        if not form.is_valid():
            return None
        file_format = formats[int(form.cleaned_data["format"])]()
        extension = file_format.get_extension()
        limit = export_limit(extension)
        rows = self.get_export_queryset(request).order_by()[: limit + 1].count()
        if rows <= limit:
            return None
        post = {key: request.POST.getlist(key) for key in request.POST if key not in _NOT_REPLAYED}
        try:
            job = job_start(
                kind=ADMIN_EXPORT_KIND,
                title=_("导出%(model)s（%(format)s，超过 %(limit)s 行）") % {
                    "model": self.model._meta.verbose_name_plural, "format": extension.upper(),
                    "limit": f"{limit:,}"},
                user=request.user,
                params={"model": self.model._meta.label_lower, "path": request.path,
                        "query": request.GET.urlencode(), "post": post, "language": translation.get_language(),
                        "rows_at_least": rows},
            )
        except JobLimitReached as refusal:
            # The export page again, the chosen format and columns kept, the reason above them.
            form.add_error(None, refusal.messages)
            context = self.init_request_context_data(request, form)
            request.current_app = self.admin_site.name
            return TemplateResponse(request, [self.export_template_name], context=context)
        return HttpResponseRedirect(self._url("export_job", job))

    def export_job_view(self, request, job_id: int):
        if not self.has_export_permission(request):
            raise PermissionDenied
        jobs_recover()
        job = Job.objects.filter(pk=job_id, kind=ADMIN_EXPORT_KIND, params__model=self.model._meta.label_lower).first()
        if job is None:
            raise Http404(_("没有这个导出任务。"))
        if job.started_by_id != request.user.pk:
            raise PermissionDenied(_("这个任务不是您发起的。"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("导出（后台任务）"),
            "opts": self.model._meta,
            "mode": "export",
            "job": job,
            "status": job_status(job),
            "changelist_url": self._url("changelist"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.job_template_name], context)

    def export_file_for_job(self, request) -> tuple[bytes, str]:
        """In the worker: the export the request asked for, as the synchronous export would answer it."""
        if not self.has_export_permission(request):
            raise PermissionDenied(_("您已没有导出这些记录的权限。"))
        form, formats = self._export_form(request)
        if not form.is_valid():
            raise ValueError(_("导出的选项无效：%(errors)s") % {"errors": form.errors.as_text()})
        file_format = formats[int(form.cleaned_data["format"])]()
        queryset = self.get_export_queryset(request)
        request.jobs_export_total = queryset.order_by().count()
        data = self.get_export_data(file_format, request, queryset, export_form=form)
        return data, self.get_export_filename(request, queryset, file_format)


def run_admin_export(job: Job, progress: Progress) -> JobOutcome:
    """Replay the admin export as the person who started it (same filters, format, columns); keep the file."""
    params = job.params
    model = apps.get_model(params["model"])
    model_admin = admin.site._registry.get(model)
    if not isinstance(model_admin, JobImportExportMixin):
        raise ValueError(_("这类记录不能在后台导出。"))
    request = RequestFactory().post(f"{params['path']}?{params['query']}", data=params.get("post") or {})
    request.user = job.started_by
    message = _("已写 %(done)s / %(total)s 行")

    def report(done: int) -> None:
        total = getattr(request, "jobs_export_total", None) or int(params.get("rows_at_least") or 0)
        progress.rows(done, max(total, done, 1), message)

    token = export_progress.set(report)
    try:
        with translation.override(params.get("language") or settings.LANGUAGE_CODE):
            progress.update(1, _("正在查询要导出的记录…"))
            data, filename = model_admin.export_file_for_job(request)
    finally:
        export_progress.reset(token)
    descriptor, name = tempfile.mkstemp(prefix="job-admin-export-")
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return JobOutcome(path=Path(name), filename=filename, summary={"bytes": len(data)})


register_job_kind(ADMIN_EXPORT_KIND, run_admin_export)
