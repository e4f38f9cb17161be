"""Review of possible duplicate signings: a reviewer confirms or dismisses each flag."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ledger.admin_refusals import RefusalFormAdminMixin

from .duplicates import duplicate_review
from .models import DuplicateFlag, DuplicateStatus


@admin.register(DuplicateFlag)
class DuplicateFlagAdmin(RefusalFormAdminMixin, admin.ModelAdmin):
    list_display = ("project", "project_event", "original", "original_event", "reason", "status", "reviewed_by",
                    "reviewed_at")
    list_filter = ("status",)
    list_select_related = ("project__signing_event", "original__signing_event", "reviewed_by")
    search_fields = ("project__name", "original__name", "project__code", "original__code")
    readonly_fields = ("project", "original", "reason", "status", "reviewed_by", "reviewed_at", "created_at")
    fields = (*readonly_fields, "review_note")
    actions = ("confirm", "dismiss")

    def has_add_permission(self, request):
        return False  # raised by the system when a project is announced again at a later conference.

    @admin.display(description=_("签约活动"))
    def project_event(self, obj):
        return obj.project.signing_event or "—"

    @admin.display(description=_("先前签约活动"))
    def original_event(self, obj):
        return obj.original.signing_event or "—"

    def _review(self, request, queryset, *, confirm: bool):
        done = 0
        for flag in queryset:
            try:
                duplicate_review(flag=flag, user=request.user, confirm=confirm, note=flag.review_note)
            except ValidationError as exc:
                self.message_user(request, "；".join(exc.messages), messages.ERROR)
                return
            done += 1
        self.message_user(request, ngettext("已复核 %(count)d 条。", "已复核 %(count)d 条。", done) % {"count": done})

    @admin.action(description=_("确认重复（后签约项目不再计入总数）"), permissions=["change"])
    def confirm(self, request, queryset):
        self._review(request, queryset, confirm=True)

    @admin.action(description=_("不是重复"), permissions=["change"])
    def dismiss(self, request, queryset):
        self._review(request, queryset, confirm=False)

    def save_model(self, request, obj, form, change):
        """Only the note is editable here; the verdict goes through the actions (and the service)."""
        if obj.status != DuplicateStatus.PENDING:
            duplicate_review(flag=obj, user=request.user, confirm=obj.status == DuplicateStatus.CONFIRMED,
                             note=obj.review_note)
        else:
            obj.full_clean()
            obj.save()
