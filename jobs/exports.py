"""Exports too long for a request become a job: the same API request replayed in a worker, its file kept.

``JobExportMixin`` goes on an API view set before ``ExportMixin`` (``LedgerViewSet``). Above
``JOBS_EXPORT_ROWS[format]`` rows (counted up to the limit, never the whole table):

- a staff user gets ``202 Accepted`` with the job's status URL and the 任务 page; the worker replays
  the very same GET (path, query, host, language, user) through the view set, so the file is
  byte-for-byte what the request would have streamed, and keeps it in the job store;
- a staff user who already has as many unfinished jobs as allowed (or everybody together:
  ``jobs.services.job_start``) gets ``429 Too Many Requests`` with the reason in Chinese and
  ``Retry-After``;
- anybody else asking for an XLSX gets ``400`` pointing to the CSV (which PostgreSQL's COPY streams
  at once); a CSV is always streamed.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from django.conf import settings
from django.http import QueryDict
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import renderers, status
from rest_framework.response import Response

from ledger.exports import export_progress

from .models import Job
from .progress import Progress
from .registry import JobOutcome, register_job_kind
from .services import JobLimitReached, job_start

EXPORT_KIND = "api.export"
#: The admin changelist's export as a job (``jobs.admin_handoff``).
ADMIN_EXPORT_KIND = "admin.export"
#: The request attribute that marks a replay inside a worker (never set by a client).
REPLAY_ATTRIBUTE = "jobs_export_replay"
DEFAULT_LIMITS = {"csv": 200_000, "xlsx": 20_000}


def export_limit(fmt: str) -> int:
    return {**DEFAULT_LIMITS, **getattr(settings, "JOBS_EXPORT_ROWS", {})}[fmt]


def _json(request, data: dict, code: int) -> Response:
    """A JSON answer although a file was asked for (as ``ExportMixin`` answers errors)."""
    request.accepted_renderer = renderers.JSONRenderer()
    request.accepted_media_type = renderers.JSONRenderer.media_type
    return Response(data, status=code)


class JobExportMixin:
    def long_export(self, request, fmt: str, queryset):
        if getattr(request._request, REPLAY_ATTRIBUTE, False):
            # In the worker: the exact row count, for the progress bar (never counted in a request).
            request._request.jobs_export_total = queryset.order_by().count()
            return None
        limit = export_limit(fmt)
        staff = request.user.is_authenticated and request.user.is_staff
        if not staff and fmt == "csv":
            return None
        rows = queryset.order_by()[: limit + 1].count()
        if rows <= limit:
            return None
        if not staff:
            csv_query = request.GET.copy()
            csv_query["format"] = "csv"
            return _json(
                request,
                {"detail": _("超过 %(limit)s 行的 XLSX 无法在线生成，请改用 CSV（同样的筛选，加 ?format=csv）：%(url)s")
                 % {"limit": f"{limit:,}", "url": request.build_absolute_uri(f"{request.path}?{csv_query.urlencode()}")}},
                status.HTTP_400_BAD_REQUEST,
            )
        try:
            job = self._start_export_job(request, fmt, limit, rows)
        except JobLimitReached as refusal:
            response = _json(request, {"detail": refusal.messages[0]}, status.HTTP_429_TOO_MANY_REQUESTS)
            response["Retry-After"] = "60"
            return response
        return _json(
            request,
            {
                "detail": _("导出较大，已转为后台任务；完成后在“我的后台任务”页面下载。"),
                "job": job.pk,
                "status_url": request.build_absolute_uri(reverse("admin:jobs_job_status", args=[job.pk])),
                "jobs_page": request.build_absolute_uri(reverse("admin:jobs_job_changelist")),
            },
            status.HTTP_202_ACCEPTED,
        )

    def _start_export_job(self, request, fmt: str, limit: int, rows: int) -> Job:
        return job_start(
            kind=EXPORT_KIND,
            title=_("导出 %(name)s（%(format)s，超过 %(limit)s 行）") % {
                "name": self.export_basename, "format": fmt.upper(), "limit": f"{limit:,}"},
            user=request.user,
            params={
                "path": request.path, "query": request.GET.urlencode(), "host": request.get_host(),
                "secure": request.is_secure(), "language": translation.get_language(), "rows_at_least": rows,
            },
        )


def _filename(response) -> str:
    match = re.search(r'filename="([^"]+)"', response.get("Content-Disposition", ""))
    return match.group(1) if match else "export"


def run_export(job: Job, progress: Progress) -> JobOutcome:
    """Replay the export request as the person who started it; write the streamed file aside, whole."""
    params = job.params
    request = RequestFactory().get(params["path"], QueryDict(params["query"]), HTTP_HOST=params["host"],
                                   secure=params.get("secure", False))
    request.user = job.started_by
    setattr(request, REPLAY_ATTRIBUTE, True)
    message = _("已写 %(done)s / %(total)s 行")

    def report(done: int) -> None:
        total = getattr(request, "jobs_export_total", None) or int(params.get("rows_at_least") or 0)
        progress.rows(done, max(total, done, 1), message)

    token = export_progress.set(report)
    descriptor, name = tempfile.mkstemp(prefix="job-export-")
    try:
        with os.fdopen(descriptor, "wb") as handle, translation.override(
            params.get("language") or settings.LANGUAGE_CODE
        ):
            match = resolve(params["path"])
            response = match.func(request, *match.args, **match.kwargs)
            if response.status_code != 200:
                raise ValueError(_("导出失败（%(code)s）：%(body)s") % {
                    "code": response.status_code, "body": getattr(response, "data", "")})
            try:
                for chunk in response.streaming_content:
                    handle.write(chunk)
            finally:
                response.close()
    except BaseException:
        os.unlink(name)
        raise
    finally:
        export_progress.reset(token)
    return JobOutcome(path=Path(name), filename=_filename(response), summary={"bytes": os.path.getsize(name)})


register_job_kind(EXPORT_KIND, run_export)
