"""The 任务 page: my jobs with a live progress bar, cancel, and a download only for the one who started it.

``JobAdmin`` takes the model's changelist place in the admin (so 任务 appears in the admin's menu)
and answers it with its own page; its extra URLs (``get_urls``, each through
``admin_site.admin_view``) are the status JSON the page's static script polls, the download and the
cancel. Every staff user sees only the jobs they started; a file is served only to its starter
(another staff user gets 403) and only until it expires (410).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseGone, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .exports import ADMIN_EXPORT_KIND
from .imports import IMPORT_KIND
from .models import Job
from .services import job_cancel, jobs_recover, max_per_user

JOBS_LISTED = 100


#: The admin page that follows a job of these kinds (``jobs.admin_handoff``), per record type.
PAGES = {IMPORT_KIND: "import_job", ADMIN_EXPORT_KIND: "export_job"}


def job_page_url(job: Job) -> str:
    """The import or export page that started ``job`` (its preview, 确认导入, download), or ''."""
    page, label = PAGES.get(job.kind), job.params.get("model", "")
    if not page or "." not in label:
        return ""
    try:
        return reverse("admin:{}_{}_{}".format(*label.split(".", 1), page), args=[job.pk])
    except NoReverseMatch:
        return ""


def job_status(job: Job) -> dict:
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "progress": job.progress,
        "message": job.message,
        "error": job.error,
        "finished": job.finished,
        "download_url": reverse("admin:jobs_job_download", args=[job.pk]) if job.downloadable else "",
    }


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_template = "admin/jobs/job_list.html"

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None) -> bool:
        if not (request.user.is_active and request.user.is_staff):
            return False
        return obj is None or obj.started_by_id == request.user.pk

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:job_id>/status.json", view(self.status_view), name="jobs_job_status"),
            path("<int:job_id>/download/", view(self.download_view), name="jobs_job_download"),
            path("<int:job_id>/cancel/", view(require_POST(self.cancel_view)), name="jobs_job_cancel"),
            path("", view(self.changelist_view), name="jobs_job_changelist"),
        ]

    def own_job(self, request, job_id: int) -> Job:
        job = Job.objects.filter(pk=job_id).first()
        if job is None:
            raise Http404(_("没有这个任务。"))
        if job.started_by_id != request.user.pk:
            raise PermissionDenied(_("这个任务不是您发起的。"))
        return job

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        jobs_recover()  # a job whose worker died shows as requeued or failed, not as running forever
        jobs = list(Job.objects.started_by(request.user).order_by("-created_at", "-id")[:JOBS_LISTED])
        unfinished = sum(not job.finished for job in jobs)
        context = {
            "unfinished": unfinished,
            "max_per_user": max_per_user(),
            "at_limit": unfinished >= max_per_user(),
            **self.admin_site.each_context(request),
            "title": _("我的后台任务"),
            "opts": self.opts,
            "jobs": jobs,
            "rows": [(job, job_status(job), job_page_url(job)) for job in jobs],
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.list_template, context)

    def status_view(self, request, job_id: int):
        return JsonResponse(job_status(self.own_job(request, job_id)))

    def download_view(self, request, job_id: int):
        job = self.own_job(request, job_id)
        if job.file_expired:
            return HttpResponseGone(_("文件已过期，请重新发起导出。"), content_type="text/plain; charset=utf-8")
        if not job.downloadable:
            raise Http404(_("这个任务没有可下载的文件。"))
        handle = job.result_file.open("rb")
        return FileResponse(handle, as_attachment=True, filename=job.result_name or job.result_file.name)

    def cancel_view(self, request, job_id: int):
        job = job_cancel(job=self.own_job(request, job_id), user=request.user)
        self.message_user(request, _("已请求取消“%(title)s”。") % {"title": job.title}, messages.INFO)
        back = request.POST.get("next", "")
        if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                    require_https=request.is_secure()):
            return redirect(back)  # the page that started the job (an import or export page)
        return redirect("admin:jobs_job_changelist")
