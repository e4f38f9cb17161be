"""
The staff workflow in the back office, as one mixin every ledger ModelAdmin includes.

- Review and publishing as admin actions (bulk too): submit, publish, unpublish, return with a
  reason; projects are archived with a reason instead of deleted, and restored. Each action calls
  the service in ``projects.workflow`` once per record, so every record gets its own history
  entry, and the changelist tells a reviewer how many records wait for review.
- The publication, review and archive fields are read-only in every form: only the actions
  change them.
- Change history (django-simple-history): the 历史 page lists every version with who, when, why
  and a field-by-field diff; a chosen version can be reverted (as an ordinary, checked edit).
- Optimistic locking: the change form carries the version it loaded; saving over a newer version
  is refused with a message naming who changed what.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import Case, IntegerField, Model, QuerySet, Value, When
from django.forms.models import construct_instance
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import SIMPLE_HISTORY_REVERSE_ATTR_NAME

from . import workflow, writes
from .admin_conflicts import reapply_onto_current, stale_notice
from .admin_history import ReadableHistoryAdmin
from .admin_refusals import REFUSALS, RefusalFormAdminMixin, refusal_messages
from .forms import SlugFromNameForm
from .models import ReviewStatus, Revision, RevisionAction, RevisionStatus
from .permissions import perm
from .preview import preview_url
from .revisions import apply_revision, pending_ids, pending_revisions, revision_diff
from .workflow import history_m2m

WORKFLOW_READONLY = writes.WORKFLOW_FIELDS


def _has_field(model: type[Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


class DoorFormMixin(forms.Form):
    """A model form that validates through the write door (``ledger.writes.record_prepare``).

    Instead of Django's model validation the form prepares the write: permission, row lock and
    version check, defaults, the model's and the domain's rules, once; their refusals appear next
    to the fields. The admin then commits that same write (``prepared_write``). The form carries
    the version it was opened on (``loaded_version``), so saving over a newer one is refused.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # Set on the form class the admin builds for each request.
    current_user = None
    change_reason = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared_write: writes.RecordWrite | None = None
        if "version" not in {f.name for f in self._meta.model._meta.concrete_fields}:
            del self.fields["loaded_version"]
        elif self.instance.pk is not None and not self.is_bound:
            if getattr(self.instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None) is None:
                self.initial["loaded_version"] = self.instance.version
            else:  # an old version shown to revert to: the stored version is the one to check against
                stored = type(self.instance)._default_manager.filter(pk=self.instance.pk)
                self.initial["loaded_version"] = stored.values_list("version", flat=True).first()

    def _post_clean(self):
        opts = self._meta
        exclude = self._get_validation_exclusions()
        try:
            self.instance = construct_instance(self, self.instance, opts.fields, opts.exclude)
        except ValidationError as exc:
            self._update_errors(exc)
            return
        if self._errors:
            return  # the fields' own errors first; the door would only repeat them
        expected = None
        if self.instance.pk is not None and "loaded_version" in self.fields:
            expected = self.cleaned_data.get("loaded_version")
            if expected is None:
                self.add_error(None, _("此表单缺少版本号，无法确认您修改的是最新版本。请重新打开此记录后再修改。"))
                return
        m2m = {
            f.name: self.cleaned_data[f.name] for f in self.instance._meta.many_to_many if f.name in self.cleaned_data
        }
        try:
            self.prepared_write = writes.record_prepare(
                record=self.instance, user=self.current_user, expected_version=expected, m2m=m2m,
                reason=self.change_reason, options=self.write_options(), exclude=exclude,
            )
        except writes.StaleVersionError as exc:
            self.add_error(None, stale_notice(exc))
            reapply_onto_current(self, exc)  # keep the person's input, on the newest version
        except ValidationError as exc:
            self._update_errors(exc)
        except PermissionDenied as exc:
            field = getattr(exc, "field", None)
            self.add_error(field if field in self.fields else None, str(exc))

    def write_options(self) -> dict:
        """What the domain's rules take from this form (e.g. a project's milestone note)."""
        form_options = getattr(super(), "write_options", None)
        return form_options() if form_options is not None else {}


class ListEditDoorFormMixin(DoorFormMixin):
    """A changelist row (``list_editable``) through the door: only a changed row is prepared (the
    others are not saved), and without the version check (the list carries no version per row)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("loaded_version", None)

    def _post_clean(self):
        if self.has_changed():
            super()._post_clean()


_DOOR_FORMS: dict[tuple[type, type], type] = {}


def door_form_class(form_class: type[forms.ModelForm]) -> type[forms.ModelForm]:
    """``form_class`` validating through the door."""
    if issubclass(form_class, DoorFormMixin):
        return form_class
    return _DOOR_FORMS.setdefault(
        (form_class, DoorFormMixin), type(f"Door{form_class.__name__}", (DoorFormMixin, form_class), {})
    )


def door_form(form_class: type[forms.ModelForm], *, user, reason: str = "") -> type[forms.ModelForm]:
    """``form_class`` validating through the door for ``user`` (a class per request, as Django builds)."""
    base = door_form_class(form_class)
    return type(base.__name__, (base,), {"current_user": user, "change_reason": reason})


def reverting_form(form_class: type[forms.ModelForm], m2m: dict[str, list]) -> type[forms.ModelForm]:
    """The admin form of a history version, showing that version's many-to-many sets as its initial values."""

    def __init__(self, *args, **kwargs):
        form_class.__init__(self, *args, **kwargs)
        for name, ids in m2m.items():
            if name in self.fields:
                self.initial[name] = ids

    return type(f"Reverting{form_class.__name__}", (form_class,), {"__init__": __init__})


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("原因"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)


class ArchivedFilter(admin.SimpleListFilter):
    """Archived projects are out of the working list unless asked for."""

    title = gettext_lazy("归档状态")
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("no", _("在库项目")), ("yes", _("已归档")), ("all", _("全部"))]

    def choices(self, changelist):
        value = self.value() or "no"
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or "no"
        if value == "yes":
            return queryset.filter(archived_at__isnull=False)
        if value == "all":
            return queryset
        return queryset.filter(archived_at__isnull=True)


class PendingRevisionFilter(admin.SimpleListFilter):
    """待审修订: published records with a change waiting for a reviewer."""

    title = gettext_lazy("待审修订")
    parameter_name = "pending_revision"

    def lookups(self, request, model_admin):
        return [("yes", _("有待审修订")), ("no", _("无待审修订"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=pending_ids(queryset.model))
        if self.value() == "no":
            return queryset.exclude(pk__in=pending_ids(queryset.model))
        return queryset


class DeleteThroughDoorMixin:
    """Deletes go through the door (``writes.record_delete``: permission, lock, one history entry),
    and Django's confirmation page also lists the records that use the one being deleted through a
    many-to-many set or an optional link, which Django would empty silently: the delete is refused
    while they do."""

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        for obj in objs:
            protected = [*protected, *(f"{r._meta.verbose_name}: {r}" for r in writes.records_using(obj))]
        return deleted, model_count, perms_needed, protected

    def delete_model(self, request, obj):
        request._held_delete = writes.record_delete(record=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        held = [obj for obj in queryset if writes.record_delete(record=obj, user=request.user) is not None]
        if held:
            self.message_user(request, _(
                "%(count)d 条已公开的%(model)s的删除已提交审核，审核员通过后才会删除：%(names)s。"
            ) % {"count": len(held), "model": self.opts.verbose_name, "names": "、".join(str(o) for o in held)},
                messages.WARNING)

    def response_delete(self, request, obj_display, obj_id):
        held = getattr(request, "_held_delete", None)
        if held is None:
            return super().response_delete(request, obj_display, obj_id)
        self.message_user(request, _(
            "“%(name)s”已公开：删除已保存为待审修订，审核员通过后才会删除。"
        ) % {"name": obj_display}, messages.SUCCESS)
        return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                                            args=[obj_id]))


class WorkflowAdminMixin(RefusalFormAdminMixin, DeleteThroughDoorMixin, ReadableHistoryAdmin):
    """Review, publishing, archiving, history and optimistic locking for a ledger ModelAdmin.

    Put it after ``SlugAdminMixin`` and before ``admin.ModelAdmin`` in the bases.
    """

    actions = [
        "submit_selected",
        "publish_selected",
        "unpublish_selected",
        "return_selected",
        "archive_selected",
        "restore_selected",
    ]
    reason_template = "admin/workflow_reason.html"

    # --- capabilities of the model -----------------------------------------------------------
    @property
    def _reviewed(self) -> bool:
        return _has_field(self.model, "review_status")

    @property
    def _governed(self) -> bool:
        """A model the public sees (``writes.register_governed``): its public records' changes wait for review."""
        return writes.governance_for(self.model) is not None

    @property
    def _publishable(self) -> bool:
        return _has_field(self.model, "is_published")

    @property
    def _versioned(self) -> bool:
        return _has_field(self.model, "version")

    @property
    def _archivable(self) -> bool:
        return _has_field(self.model, "archived_at")

    # --- permissions ---------------------------------------------------------------------------
    def has_publish_permission(self, request) -> bool:
        return self._publishable and request.user.has_perm(perm(self.model, "publish"))

    def has_archive_permission(self, request) -> bool:
        return self._archivable and request.user.has_perm(perm(self.model, "archive"))

    def has_delete_permission(self, request, obj=None):
        if self._archivable:
            return False  # projects are archived with a reason, never deleted
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        unsupported = set()
        if not self._reviewed:
            unsupported |= {"submit_selected", "return_selected"}
        if not self._publishable:
            unsupported |= {"publish_selected", "unpublish_selected"}
        if not self._archivable:
            unsupported |= {"archive_selected", "restore_selected"}
        for name in unsupported:
            actions.pop(name, None)
        return actions

    # --- pending revisions (``ledger.revisions``) ----------------------------------------------
    def get_object(self, request, object_id, from_field=None):
        """A writer who has a pending revision of the record edits on top of it (their form shows it)."""
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and writes.is_public(obj) and not getattr(request, "_revert_m2m", None):
            mine = pending_revisions(obj).filter(author_id=request.user.pk, action=RevisionAction.CHANGE).first()
            if mine is not None:
                request._revert_m2m = apply_revision(obj, mine) or None
                request._own_revision = mine
        return obj

    def _revision_context(self, request, obj) -> dict:
        if obj is None or not self._governed:
            return {}
        revisions = list(pending_revisions(obj))
        returned = Revision.objects.filter(
            content_type__app_label=self.opts.app_label, content_type__model=self.opts.model_name,
            object_id=obj.pk, author_id=request.user.pk, status=RevisionStatus.RETURNED,
        ).order_by("-decided_at").first()
        if returned is not None and any(r.created_at > returned.created_at for r in revisions
                                        if r.author_id == request.user.pk):
            returned = None  # already redone
        return {
            "pending_revisions": [(revision, revision_diff(revision, obj), preview_url(obj, revision=revision))
                                  for revision in revisions],
            "own_revision": getattr(request, "_own_revision", None),
            "returned_revision": returned,
            "may_review": writes.user_may_publish(request.user, self.model),
            "returned_record": obj if getattr(obj, "review_status", None) == ReviewStatus.RETURNED else None,
        }

    def get_view_on_site_url(self, obj=None):
        """在站点上查看: the public page of a published record, the staff preview of a draft."""
        if obj is not None and self._publishable and not obj.is_published:
            return preview_url(obj) or super().get_view_on_site_url(obj)
        return super().get_view_on_site_url(obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if isinstance(response, TemplateResponse) and response.context_data is not None:
            response.context_data.update(self._revision_context(request, response.context_data.get("original")))
        return response

    def response_change(self, request, obj):
        revision = getattr(obj, "_held_revision", False)
        if revision is False:
            return super().response_change(request, obj)
        if revision is None:
            self.message_user(request, _("没有修改任何内容。"), messages.INFO)
        else:
            self.message_user(request, _(
                "“%(name)s”已发布：您的修改已保存为待审修订，审核员通过后才会在公开网站上显示。"
            ) % {"name": obj}, messages.SUCCESS)
        return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                                            args=[obj.pk]))

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("<path:object_id>/revision/<int:revision_id>/<str:decision>/",
                 self.admin_site.admin_view(self.revision_decide_view), name=f"{info[0]}_{info[1]}_revision"),
            *super().get_urls(),
        ]

    def revision_decide_view(self, request, object_id, revision_id, decision):
        """Approve (``approve``) or return (``return``, with a reason) a pending revision: POST only."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if decision not in ("approve", "return") or not writes.user_may_publish(request.user, self.model):
            raise PermissionDenied
        try:
            obj_pk = self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404(_("没有找到该记录。")) from None
        revision = Revision.objects.filter(
            pk=revision_id, object_id=obj_pk,
            content_type__app_label=self.opts.app_label, content_type__model=self.opts.model_name,
        ).first()
        if revision is None:
            raise Http404(_("没有找到该修订。"))
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj_pk])
        try:
            if decision == "approve":
                record = workflow.revision_approve(revision=revision, user=request.user)
                if revision.action == RevisionAction.DELETE:
                    self.message_user(request, _("已通过删除，“%(name)s”已删除。") % {"name": record}, messages.SUCCESS)
                    return HttpResponseRedirect(reverse(
                        f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))
                self.message_user(request, _("已通过修订，“%(name)s”的公开内容已更新。") % {"name": record},
                                  messages.SUCCESS)
            else:
                workflow.revision_return(revision=revision, user=request.user, reason=request.POST.get("reason", ""))
                self.message_user(request, _("已退回修订，公开内容保持不变。"), messages.SUCCESS)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, workflow._messages(exc), messages.ERROR)
        return HttpResponseRedirect(change_url)

    # --- forms ---------------------------------------------------------------------------------
    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        readonly += [name for name in WORKFLOW_READONLY if _has_field(self.model, name) and name not in readonly]
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(name, dict(options)) for name, options in super().get_fieldsets(request, obj)]
        if obj is not None and self._versioned and fieldsets:
            present = {f for _name, options in fieldsets for f in forms_flatten(options.get("fields", ()))}
            if "loaded_version" not in present:
                first_name, first = fieldsets[0]
                fieldsets[0] = (first_name, {**first, "fields": (*first.get("fields", ()), "loaded_version")})
        if obj is not None and self._archivable and obj.archived_at is not None:
            fieldsets.insert(0, (_("已归档"), {"fields": ("archived_at", "archive_reason")}))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs.setdefault("form", door_form_class(self.form))
        form = super().get_form(request, obj, change=change, **kwargs)
        revert_m2m = getattr(request, "_revert_m2m", None)
        if revert_m2m:
            form = reverting_form(form, revert_m2m)
        return door_form(form, user=request.user, reason=getattr(request, "_change_reason", ""))

    def get_changelist_form(self, request, **kwargs):
        form = super().get_changelist_form(request, **kwargs)
        return type(form.__name__, (ListEditDoorFormMixin, form), {"current_user": request.user})

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            yield type(formset.__name__, (formset,), {"form": door_form(formset.form, user=request.user)}), inline

    def save_form(self, request, form, change):
        obj = super().save_form(request, form, change)
        form.save_m2m = lambda: None  # the door writes the many-to-many sets with the record
        return obj

    def save_model(self, request, obj, form, change):
        """Commit the write the form prepared at the door (permission, lock, validation done once)."""
        write = getattr(form, "prepared_write", None)
        if write is None or write.record is not obj:
            raise RuntimeError("An admin form of a ledger record must validate through the write door.")
        write.commit()

    def save_related(self, request, form, formsets, change):
        # The many-to-many sets were written by the door with the record; only inlines remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        """Each inline row through the door: one checked write (one history entry) per changed row."""
        formset.save(commit=False)  # sets the parent on new rows; writes nothing
        for inline_form in formset.deleted_forms:
            if inline_form.instance.pk is not None:
                writes.record_delete(record=inline_form.instance, user=request.user)
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms or not inline_form.has_changed():
                continue
            write = getattr(inline_form, "prepared_write", None)
            if write is not None:
                write.commit()
            else:
                writes.record_save(record=inline_form.instance, user=request.user)

    def history_view(self, request, object_id, extra_context=None):
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404(_("没有找到该记录。")) from None
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Show (and revert to) a version. In one transaction, like Django's own change view: the
        door locks the row while it validates."""
        def view(*args):
            with transaction.atomic(using=router.db_for_write(self.model)):
                return self._history_form_view(*args)

        return self.refusals_on_form(view, request, object_id, version_id, extra_context)

    def _history_form_view(self, request, object_id, version_id, extra_context):
        try:
            self.model._meta.pk.to_python(unquote(object_id))
            history = self.model.history.filter(pk=int(version_id)).first()
        except (ValidationError, ValueError):
            raise Http404(_("没有找到该记录。")) from None
        if history is not None:
            # The form shows (and a revert restores) the version's tracked many-to-many sets too,
            # e.g. a project's investors, not the current ones: as ``workflow.revert_to_version`` does.
            request._revert_m2m = history_m2m(history)
            if request.method == "POST":
                request._change_reason = workflow.revert_reason(history)
        return super().history_form_view(request, object_id, version_id, extra_context)

    # --- changelist ----------------------------------------------------------------------------
    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if self._archivable:
            filters.insert(0, ArchivedFilter)
        if self._governed:
            filters.insert(0, PendingRevisionFilter)
        return filters

    def get_ordering(self, request):
        ordering = list(super().get_ordering(request) or self.model._meta.ordering or ())
        if self._reviewed and not self.has_publish_permission(request):
            # What was returned to its officer comes first in their list.
            returned_first = Case(When(review_status=ReviewStatus.RETURNED, then=Value(0)), default=Value(1),
                                  output_field=IntegerField())
            return [returned_first.asc(), *ordering]
        return ordering

    def get_list_display(self, request):
        display = list(super().get_list_display(request))
        if self._reviewed and "workflow_state" not in display:
            display.append("workflow_state")
        return display

    @admin.display(description=gettext_lazy("审核与发布"), ordering="review_status")
    def workflow_state(self, obj):
        if getattr(obj, "archived_at", None) is not None:
            return _("已归档")
        if obj.is_published:
            return _("已发布")
        return obj.get_review_status_display()

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and "_save" in request.POST and self.list_editable:
            return self._list_edit_view(request, extra_context)
        if request.method == "GET" and self._governed and writes.user_may_publish(request.user, self.model):
            pending = pending_ids(self.model).count()
            if pending and request.GET.get(PendingRevisionFilter.parameter_name) != "yes":
                url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
                self.message_user(
                    request,
                    format_html('{} <a href="{}?{}=yes">{}</a>',
                                _("有 %(count)d 条已发布%(model)s的修订等待审核（待审修订）。")
                                % {"count": pending, "model": self.opts.verbose_name},
                                url, PendingRevisionFilter.parameter_name, _("查看待审修订")),
                    messages.INFO,
                )
        if request.method == "GET" and self._reviewed and self.has_publish_permission(request):
            waiting = self.model._default_manager.filter(review_status=ReviewStatus.SUBMITTED)
            if self._archivable:
                waiting = waiting.filter(archived_at__isnull=True)
            count = waiting.count()
            if count and request.GET.get("review_status__exact") != ReviewStatus.SUBMITTED:
                url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
                self.message_user(
                    request,
                    format_html(
                        '{} <a href="{}?review_status__exact={}">{}</a>',
                        _("有 %(count)d 条%(model)s等待审核。") % {"count": count, "model": self.opts.verbose_name},
                        url, ReviewStatus.SUBMITTED, _("查看待审核"),
                    ),
                    messages.INFO,
                )
        return super().changelist_view(request, extra_context)

    def _list_edit_view(self, request, extra_context):
        """Saving the changelist's editable columns: the rows' forms prepare their writes at the door
        (row locks: in one transaction with the writes); a refusal met while writing undoes them all."""
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().changelist_view(request, extra_context)
        except REFUSALS as exc:
            text = "；".join(m for errors in refusal_messages(exc).values() for m in errors)
            self.message_user(request, _("未保存任何修改：%(reason)s") % {"reason": text}, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    # --- actions -------------------------------------------------------------------------------
    def _report(self, request, result: workflow.BulkResult, done_message: str) -> None:
        if result.done:
            self.message_user(request, done_message % {"count": len(result.done)}, messages.SUCCESS)
        for record, reason in result.refused[:20]:
            self.message_user(request, _("“%(name)s”未处理：%(reason)s") % {"name": record, "reason": reason},
                              messages.WARNING)
        if len(result.refused) > 20:
            self.message_user(request, _("另有 %(count)d 条未处理。") % {"count": len(result.refused) - 20},
                              messages.WARNING)

    def _ask_reason(self, request, queryset: QuerySet, *, action: str, title: str, required: bool):
        """The intermediate page of an action that needs a reason; None once the reason is given."""
        form = ReasonForm(request.POST if "confirm" in request.POST else None)
        form.fields["reason"].required = required
        if "confirm" in request.POST and form.is_valid():
            return None, form.cleaned_data["reason"]
        return self._confirmation(request, queryset, self.reason_template, action=action, title=title, form=form), ""

    def _confirmation(self, request, queryset: QuerySet, template: str, *, action: str, title: str, **extra):
        """An action's intermediate page (``admin/action_confirmation.html`` and the pages extending it)."""
        context = {
            **self.admin_site.each_context(request), "title": title, "opts": self.opts, "queryset": queryset,
            "action": action, "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"), **extra,
        }
        return TemplateResponse(request, template, context)

    @admin.action(description=gettext_lazy("提交审核"), permissions=["change"])
    def submit_selected(self, request, queryset):
        result = workflow.submit_many(records=queryset, user=request.user)
        self._report(request, result, _("已提交审核 %(count)d 条。"))

    @admin.action(description=gettext_lazy("发布"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        """Publish; when a record's public page would show unpublished related records, the reviewer
        first sees them listed and confirms publishing them together."""
        together = request.POST.get("together") == "yes"
        if not together:
            blocked = [(record, workflow.unpublished_related(record)) for record in queryset
                       if not getattr(record, "is_published", False)]
            blocked = [(record, [(r._meta.verbose_name, r) for r in missing]) for record, missing in blocked if missing]
            if blocked:
                return self._confirmation(request, queryset, "admin/publish_together.html", action="publish_selected",
                                          title=_("一并发布关联记录？"), blocked=blocked)
        result = workflow.publish_many(records=queryset, user=request.user, together=together)
        self._report(request, result, _("已发布 %(count)d 条。"))
        return None

    def _with_reason(self, request, queryset, *, action: str, title: str, required: bool, service, done: str,
                     records_kwarg: str = "records"):
        """An action that first asks for a reason (the intermediate page), then runs ``service``."""
        response, reason = self._ask_reason(request, queryset, action=action, title=title, required=required)
        if response is not None:
            return response
        result = service(**{records_kwarg: queryset}, user=request.user, reason=reason)
        self._report(request, result, done)
        return None

    @admin.action(description=gettext_lazy("撤回发布"), permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        return self._with_reason(request, queryset, action="unpublish_selected", title=_("撤回发布"), required=False,
                                 service=workflow.unpublish_many, done=_("已撤回发布 %(count)d 条。"))

    @admin.action(description=gettext_lazy("退回修改"), permissions=["publish"])
    def return_selected(self, request, queryset):
        return self._with_reason(request, queryset, action="return_selected", title=_("退回修改（请填写退回原因）"),
                                 required=True, service=workflow.return_many, done=_("已退回 %(count)d 条。"))

    @admin.action(description=gettext_lazy("归档（代替删除）"), permissions=["archive"])
    def archive_selected(self, request, queryset):
        return self._with_reason(request, queryset, action="archive_selected", title=_("归档项目（请填写归档原因）"),
                                 required=True, service=workflow.archive_many, done=_("已归档 %(count)d 个项目。"),
                                 records_kwarg="projects")

    @admin.action(description=gettext_lazy("恢复归档项目"), permissions=["archive"])
    def restore_selected(self, request, queryset):
        result = workflow.restore_many(projects=queryset, user=request.user)
        self._report(request, result, _("已恢复 %(count)d 个项目（恢复为未发布的草稿）。"))


def forms_flatten(fields) -> list[str]:
    flat: list[str] = []
    for field in fields:
        if isinstance(field, (list, tuple)):
            flat.extend(field)
        else:
            flat.append(field)
    return flat


# --- Building blocks every record admin shares (the projects' and the ambassadors') ------------------

TIMESTAMP_FIELDS = ("created_at", "updated_at")
PUBLISHABLE_READONLY = ("version", "published_at", *TIMESTAMP_FIELDS)


def publishing_fieldset(*extra: str) -> tuple:
    return (
        gettext_lazy("发布与审核"),
        {"fields": ("is_published", "review_status", "review_comment", *extra), "classes": ("collapse",)},
    )


def record_fieldset(*fields: str) -> tuple:
    return (gettext_lazy("记录信息"), {"fields": fields, "classes": ("collapse",)})


class SlugAdminMixin:
    """Slug optional in the form: the write door gives a blank slug the pinyin of the name."""

    form = SlugFromNameForm
