"""The desk in the admin: 督办 items, visits, tasks, evidence files, notifications; the staff-only
file view, the bell, the bulk edit of projects and the printable project sheet."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ledger.admin_history import ReadableHistoryAdmin
from ledger.admin_refusals import RefusalFormAdminMixin
from projects.models import Project

from . import selectors, services, timeline
from .forms import (
    EvidenceUploadForm,
    InteractionForm,
    PreferenceForm,
    ProjectBulkEditForm,
    ProjectEvidenceForm,
    ProjectTaskForm,
    ProjectVisitForm,
    SupervisionItemForm,
    TaskForm,
)
from .models import (
    EmailMode,
    EvidenceDocument,
    Interaction,
    Notification,
    NotificationPreference,
    SupervisionFollowUp,
    SupervisionItem,
    SupervisionStatus,
    Task,
)


def _refuse(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    messages.error(request, text)


class DeskModelAdmin(RefusalFormAdminMixin, ReadableHistoryAdmin):
    """Desk records are kept, not deleted (history and evidence stay). The forms hold the records'
    rules; what a service refuses only as it writes comes back on the form, nothing written
    (``ledger.admin_refusals``). The 历史 page lists every entry the services wrote (a 督办 item's
    escalations among them); a version is shown, never restored (a desk record changes only
    through its services)."""

    def has_delete_permission(self, request, obj=None):
        return False

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class FollowUpInline(admin.StackedInline):
    """Stacked, not a table: each field of the new entry has its own label (a table's empty row has
    only column headers, which name no input)."""

    model = SupervisionFollowUp
    fields = ("date", "note", "author")
    readonly_fields = ("author",)
    extra = 1

    def has_change_permission(self, request, obj=None):
        return False  # a follow-up is a dated log entry: added, never rewritten

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SupervisionItem)
class SupervisionItemAdmin(DeskModelAdmin):
    form = SupervisionItemForm
    list_display = ("obstacle_short", "project", "responsible_unit", "deadline", "level", "status", "owner")
    list_filter = ("status", "level", "responsible_unit")
    list_select_related = ("project", "owner")
    search_fields = ("obstacle", "responsible_unit", "responsible_person", "project__name")
    autocomplete_fields = ("project",)
    readonly_fields = ("level", "escalated_at", "resolved_at")
    inlines = [FollowUpInline]

    def get_urls(self):
        return [path("project-sheet/<int:pk>/", self.admin_site.admin_view(project_sheet_view),
                     name="desk_project_sheet"),
                path("project/<int:pk>/", self.admin_site.admin_view(project_page_view), name="desk_project_page"),
                *super().get_urls()]

    def history_view(self, request, object_id, extra_context=None):
        """The item's history (created, in progress, each escalation, resolved) and its follow-ups."""
        follow_ups = SupervisionFollowUp.objects.none()
        if str(object_id).isdigit():
            follow_ups = (SupervisionFollowUp.objects.filter(item_id=int(object_id)).select_related("author")
                          .order_by("-date", "-id"))
        return super().history_view(request, object_id, {**(extra_context or {}), "follow_ups": follow_ups})

    @admin.display(description=gettext_lazy("问题描述"))
    def obstacle_short(self, obj):
        return obj.obstacle[:40]

    def save_model(self, request, obj, form, change):
        """A new item through ``supervision_create``; an edit as typed, except that resolving waits for
        ``save_related``: the follow-ups typed in the same form are logged before the item is closed."""
        if not change:
            created = services.supervision_create(
                project=obj.project, obstacle=obj.obstacle, responsible_unit=obj.responsible_unit,
                responsible_person=obj.responsible_person, owner=obj.owner, deadline=obj.deadline, user=request.user)
            obj.pk = created.pk
            form.instance = created
            return
        stored = SupervisionItem.objects.get(pk=obj.pk)
        if obj.status == SupervisionStatus.RESOLVED and stored.status != SupervisionStatus.RESOLVED:
            obj.status, obj.resolution = stored.status, stored.resolution
        services.desk_record_save(record=obj, user=request.user, reason=_("修改督办事项"))

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change)
        wanted = form.cleaned_data.get("status")
        item = SupervisionItem.objects.get(pk=form.instance.pk)
        if wanted == SupervisionStatus.RESOLVED and item.status != SupervisionStatus.RESOLVED:
            services.supervision_resolve(item=item, resolution=form.cleaned_data.get("resolution") or "",
                                         user=request.user)
        elif not change and wanted == SupervisionStatus.IN_PROGRESS and item.status == SupervisionStatus.OPEN:
            item.status = SupervisionStatus.IN_PROGRESS
            services.desk_record_save(record=item, user=request.user, reason=_("开始推进"))

    def save_formset(self, request, form, formset, change):
        """New follow-ups through the service (the admin's change message reads what was added)."""
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for entry_form in formset.forms:
            if entry_form.has_changed() and not entry_form.instance.pk and entry_form.cleaned_data.get("note"):
                formset.new_objects.append(services.supervision_follow_up(
                    item=form.instance, date=entry_form.cleaned_data["date"], note=entry_form.cleaned_data["note"],
                    user=request.user))


@admin.register(Interaction)
class InteractionAdmin(DeskModelAdmin):
    form = InteractionForm
    list_display = ("occurred_on", "kind", "project", "recorded_by", "next_step", "next_step_due")
    list_filter = ("kind",)
    list_select_related = ("project", "recorded_by")
    search_fields = ("summary", "enterprise_participants", "project__name")
    autocomplete_fields = ("project",)
    date_hierarchy = None

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = services.interaction_log(
                project=data["project"], occurred_on=data["occurred_on"], kind=data["kind"],
                summary=data["summary"], staff=data.get("staff") or [], user=request.user,
                enterprise_participants=data.get("enterprise_participants", ""),
                next_step=data.get("next_step", ""), next_step_due=data.get("next_step_due"))
            obj.pk = created.pk
            form.instance = created
            if created.next_step:
                messages.info(request, _("已为您创建任务：%(title)s") % {"title": created.next_step})
            return
        services.desk_record_save(record=obj, user=request.user, reason=_("修改走访对接记录"),
                                  m2m={"staff": data.get("staff") or []})

    def save_related(self, request, form, formsets, change):
        """The service wrote the participants with the record (one history entry)."""


@admin.register(Task)
class TaskAdmin(DeskModelAdmin):
    form = TaskForm
    list_display = ("title", "assignee", "due_on", "project", "done_at")
    list_filter = ("done_at",)
    list_select_related = ("assignee", "project")
    search_fields = ("title", "project__name")
    autocomplete_fields = ("project", "lead", "supervision_item")
    actions = ["mark_done", "mark_undone"]

    def save_model(self, request, obj, form, change):
        if not change:
            created = services.task_create(
                title=obj.title, assignee=obj.assignee, due_on=obj.due_on, project=obj.project, lead=obj.lead,
                supervision_item=obj.supervision_item, user=request.user)
            obj.pk = created.pk
            form.instance = created
            return
        services.desk_record_save(record=obj, user=request.user, reason=_("修改任务"))

    def _set_done(self, request, queryset, done: bool):
        changed = 0
        for task in queryset:
            try:
                services.task_set_done(task=task, done=done, user=request.user)
                changed += 1
            except (ValidationError, PermissionDenied) as exc:
                _refuse(request, exc)
        self.message_user(request, ngettext("已更新 %(count)d 项任务。", "已更新 %(count)d 项任务。", changed)
                          % {"count": changed})

    @admin.action(description=gettext_lazy("标记为已完成"), permissions=["change"])
    def mark_done(self, request, queryset):
        self._set_done(request, queryset, True)

    @admin.action(description=gettext_lazy("标记为未完成"), permissions=["change"])
    def mark_undone(self, request, queryset):
        self._set_done(request, queryset, False)


@admin.register(EvidenceDocument)
class EvidenceDocumentAdmin(DeskModelAdmin):
    list_display = ("title", "kind", "project", "milestone", "file_kind", "file_size", "uploaded_by", "created_at")
    list_filter = ("kind",)
    list_select_related = ("project", "milestone", "uploaded_by")
    search_fields = ("title", "original_name", "project__name")
    autocomplete_fields = ("project", "funds_entry")
    readonly_fields = ("download_link", "original_name", "file_kind", "file_size", "uploaded_by", "created_at")
    fields = ("project", "milestone", "interaction", "funds_entry", "kind", "title", "download_link", "original_name",
              "file_kind", "file_size", "uploaded_by", "created_at")

    @admin.display(description=gettext_lazy("文件类型"), ordering="extension")
    def file_kind(self, obj):
        return timeline.file_kind(obj.extension)

    @admin.display(description=gettext_lazy("文件大小"), ordering="size")
    def file_size(self, obj):
        return timeline.file_size(obj.size)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = EvidenceUploadForm
            kwargs["fields"] = ("project", "milestone", "interaction", "funds_entry", "kind", "title", "upload")
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("project", "milestone", "interaction", "funds_entry", "kind", "title", "upload")
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else (*self.readonly_fields, "project", "milestone", "interaction", "funds_entry")

    @admin.display(description=gettext_lazy("下载"))
    def download_link(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:desk_evidencedocument_download", args=[obj.pk]),
                           obj.original_name)

    def save_model(self, request, obj, form, change):
        if change:
            services.desk_record_save(record=obj, user=request.user, reason=_("修改佐证材料"))
            return
        data = form.cleaned_data
        created = services.evidence_attach(
            project=data["project"], upload=data["upload"], title=data.get("title") or "", kind=data["kind"],
            milestone=data.get("milestone"), interaction=data.get("interaction"), funds_entry=data.get("funds_entry"),
            user=request.user)
        obj.pk = created.pk
        form.instance = created

    def get_urls(self):
        return [path("<int:pk>/download/", self.admin_site.admin_view(self.download_view),
                     name="desk_evidencedocument_download"), *super().get_urls()]

    def download_view(self, request: HttpRequest, pk: int) -> FileResponse:
        """The only way to a stored evidence file: staff with the view permission, as an attachment."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        document = get_object_or_404(EvidenceDocument, pk=pk)
        try:
            handle = document.file.open("rb")
        except (FileNotFoundError, OSError) as exc:
            raise Http404(_("文件不存在。")) from exc
        response = FileResponse(handle, as_attachment=True, filename=document.original_name,
                                content_type=document.content_type)
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Each person sees their own notices only; every staff member has a bell."""

    list_display = ("created_at", "kind", "message", "read_at")
    list_filter = ("kind",)
    actions = ["mark_read"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(recipient=request.user)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff and (obj is None or obj.recipient_id == request.user.pk)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=gettext_lazy("标记为已读"))
    def mark_read(self, request, queryset):
        count = services.notifications_mark_read(user=request.user, ids=queryset.values_list("pk", flat=True))
        self.message_user(request, _("已将 %(count)d 条通知标记为已读。") % {"count": count})

    def get_urls(self):
        return [
            path("bell/", self.admin_site.admin_view(self.bell_view), name="desk_notification_bell"),
            path("read-all/", self.admin_site.admin_view(self.read_all_view), name="desk_notification_read_all"),
            path("preferences/", self.admin_site.admin_view(self.preferences_view),
                 name="desk_notification_preferences"),
            *super().get_urls(),
        ]

    def bell_view(self, request: HttpRequest) -> JsonResponse:
        """The bell's count and latest notices (static/desk/bell.js asks for it)."""
        latest = selectors.latest_notifications(user=request.user)
        return JsonResponse({
            "unread": selectors.unread_count(user=request.user),
            "items": [{"message": n.message, "url": n.url, "unread": n.read_at is None,
                       "created": n.created_at.isoformat()} for n in latest],
            "list_url": reverse("admin:desk_notification_changelist"),
        })

    def read_all_view(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return HttpResponse(status=405)
        services.notifications_mark_read(user=request.user)
        return redirect("admin:desk_notification_changelist")

    def preferences_view(self, request: HttpRequest) -> HttpResponse:
        """Each person's own choice of mail: one per notice, a daily digest, or none."""
        current = NotificationPreference.objects.filter(user=request.user).values_list("email_mode", flat=True).first()
        form = PreferenceForm(request.POST or None, initial={"email_mode": current or EmailMode.IMMEDIATE})
        if request.method == "POST" and form.is_valid():
            services.preference_set(user=request.user, email_mode=form.cleaned_data["email_mode"])
            messages.success(request, _("通知偏好已保存。"))
            return redirect("admin:desk_notification_changelist")
        context = {**self.admin_site.each_context(request), "form": form, "title": _("通知偏好"),
                   "opts": self.model._meta}
        return TemplateResponse(request, "admin/desk/preferences.html", context)


# -- the project admin gains the bulk edit and the printable sheet ---------------------------------
@admin.action(description=gettext_lazy("批量设置招商专员、产业领域、片区或责任单位"), permissions=["change"])
def bulk_edit_projects(modeladmin, request, queryset):
    """Like Django's delete action: an intermediate page says what will change, then it is done."""
    projects = list(queryset.order_by("pk"))
    form = ProjectBulkEditForm(request.POST if request.POST.get("confirm") else None)
    if request.POST.get("confirm") and form.is_valid():
        with transaction.atomic():
            result = services.projects_bulk_edit(projects=projects, changes=form.changes(), user=request.user)
        if result.done:
            modeladmin.message_user(request, _("已修改 %(count)d 个项目（每个项目一条修改记录）。")
                                    % {"count": len(result.done)}, messages.SUCCESS)
        if result.held:
            modeladmin.message_user(request, _("%(count)d 个已发布项目的修改已保存为待审修订，审核通过后生效。")
                                    % {"count": len(result.held)}, messages.WARNING)
        for project, reason in result.refused:
            modeladmin.message_user(request, _("“%(name)s”未修改：%(reason)s") % {"name": project, "reason": reason},
                                    messages.ERROR)
        return None
    context = {
        **modeladmin.admin_site.each_context(request), "title": _("批量修改项目"), "form": form,
        "projects": projects, "opts": modeladmin.model._meta, "action_checkbox_name": ACTION_CHECKBOX_NAME,
        "action": "bulk_edit_projects",
    }
    return TemplateResponse(request, "admin/desk/bulk_edit.html", context)


PAGE_FORMS = {"visit": ProjectVisitForm, "task": ProjectTaskForm, "evidence": ProjectEvidenceForm}


def project_page_view(request: HttpRequest, pk: int) -> HttpResponse:
    """项目工作页: the project's timeline, its stage checklist and the quick actions (log a visit, add a
    task, attach a file), each written by its service and back to this page (staff with the view
    permission; each write checks its own)."""
    if not request.user.has_perm("projects.view_project"):
        raise PermissionDenied
    project = get_object_or_404(timeline.page_projects(), pk=pk)
    forms = {"visit": ProjectVisitForm(prefix="visit", initial={"occurred_on": timezone.localdate(),
                                                                "staff": [request.user.pk]}),
             "task": ProjectTaskForm(prefix="task", initial={"assignee": request.user.pk}),
             "evidence": ProjectEvidenceForm(prefix="evidence", project=project)}
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action in PAGE_FORMS:
        extra = {"project": project} if action == "evidence" else {}
        form = PAGE_FORMS[action](request.POST, request.FILES, prefix=action, **extra)
        forms[action] = form
        if form.is_valid():
            try:
                done = _page_write(action, form, project=project, user=request.user)
            except ValidationError as exc:
                for name, errors in _error_dict(exc).items():
                    form.add_error(name if name in form.fields else None, errors)
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or _("您没有权限执行此操作。"))
            else:
                messages.success(request, done)
                return redirect(f"{reverse('admin:desk_project_page', args=[project.pk])}#timeline")
    page = timeline.project_page(project=project, kind=request.GET.get("kind", ""))
    context = {**admin.site.each_context(request), "page": page, "project": page.project,
               "title": _("项目工作页：%(name)s") % {"name": page.project.name}, "forms": forms, "open_form": action,
               "kinds": timeline.EntryKind.choices, "opts": Project._meta}
    return TemplateResponse(request, "admin/desk/project_page.html", context, status=400 if action else 200)


def _error_dict(exc: ValidationError) -> dict:
    return exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}


def _page_write(action: str, form, *, project: Project, user) -> str:
    data = form.cleaned_data
    if action == "visit":
        visit = services.interaction_log(
            project=project, occurred_on=data["occurred_on"], summary=data["summary"], user=user, kind=data["kind"],
            staff=data.get("staff") or [], enterprise_participants=data.get("enterprise_participants") or "",
            next_step=data.get("next_step") or "", next_step_due=data.get("next_step_due"))
        return _("已登记%(kind)s：%(date)s") % {"kind": visit.get_kind_display(), "date": visit.occurred_on.isoformat()}
    if action == "task":
        task = services.task_create(title=data["title"], assignee=data["assignee"], due_on=data.get("due_on"),
                                    project=project, user=user)
        return _("已新建任务：%(title)s") % {"title": task.title}
    document = services.evidence_attach(project=project, upload=data["upload"], title=data.get("title") or "",
                                        kind=data["kind"], milestone=data.get("milestone"), user=user)
    return _("已上传佐证材料：%(title)s") % {"title": document.title}


def project_sheet_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable sheet of one project (internal fields included): staff with the view permission."""
    if not request.user.has_perm("projects.view_project"):
        raise PermissionDenied
    project = get_object_or_404(Project.objects.select_related("sector", "zone", "officer"), pk=pk)
    context = {**admin.site.each_context(request), "project": project, "title": _("项目情况表"),
               **selectors.project_sheet(project=project)}
    return TemplateResponse(request, "admin/desk/project_sheet.html", context)


# The project changelist offers the bulk edit (the desk sits above projects; projects names no desk module).
_project_admin = admin.site._registry[Project]
_project_admin.actions = [*_project_admin.actions, bulk_edit_projects]
