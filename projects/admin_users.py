"""The user admin: Django's, with role membership turning an account into a staff account."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext as _

from ledger import writes

from .users import user_roles_apply

User = get_user_model()


class StaffUserAdmin(UserAdmin):
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if user_roles_apply(user=form.instance):
            messages.info(
                request,
                _("%(user)s 属于工作人员角色，已自动开启“工作人员状态”，可以登录管理后台。") % {"user": form.instance},
            )


    def get_deleted_objects(self, objs, request):
        """Refuse to delete an account while ledger records name it (as 招商专员, as who recorded a
        milestone): the delete would change them without a history entry. Deactivate it instead."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        for obj in objs:
            protected = [*protected, *(f"{r._meta.verbose_name}: {r}" for r in writes.records_using(obj))]
        return deleted, model_count, perms_needed, protected

    def delete_model(self, request, obj):
        writes.record_delete(record=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            writes.record_delete(record=obj, user=request.user)


admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)
