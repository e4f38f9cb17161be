"""The user admin: Django's, with role membership turning an account into a staff account."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext as _

from ledger.admin import DeleteThroughDoorMixin

from .admin_auth import ChinesePermissionsMixin
from .users import privileged_group_ids, user_is_privileged, user_roles_apply, user_username_changed

User = get_user_model()


class StaffUserAdmin(ChinesePermissionsMixin, DeleteThroughDoorMixin, UserAdmin):
    """Permissions read in Chinese (``admin_auth``). An account named by ledger records (as 招商专员, as who recorded a milestone) cannot be deleted:
    deactivate it instead (``DeleteThroughDoorMixin``).

    Separation of duties (``accounts.users``): only a superuser grants superuser or staff status,
    permissions, or a privileged group (the reviewer's and administrator's roles); the 管理员 role sees
    those fields read-only and may only give the officer's and viewer's groups; nobody changes their
    own groups or permissions; a privileged account is changed by superusers only (its password
    too). Read-only fields are not in the form, so a crafted POST of them is ignored; a crafted
    privileged group is not a valid choice."""

    ESCALATION_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "is_staff", "user_permissions"]
            if obj is not None and user_is_privileged(user=obj):
                readonly.append("groups")
        if obj is not None and obj.pk == request.user.pk:
            readonly += self.ESCALATION_FIELDS
        return list(dict.fromkeys(readonly))

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "groups" and request is not None and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.exclude(pk__in=privileged_group_ids())
        return super().formfield_for_manytomany(db_field, request=request, **kwargs)

    def _may_change(self, request, obj) -> bool:
        return obj is None or request.user.is_superuser or obj.pk == request.user.pk or not user_is_privileged(user=obj)

    def has_change_permission(self, request, obj=None):
        return self._may_change(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_change(request, obj) and obj != request.user and super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and "username" in form.changed_data:  # e.g. the staff CSV names a project's officer by it
            user_username_changed(user=form.instance)
        if user_roles_apply(user=form.instance):
            messages.info(
                request,
                _("%(user)s 属于工作人员角色，已自动开启“工作人员状态”，可以登录管理后台。") % {"user": form.instance},
            )


admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)
