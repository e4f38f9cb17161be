"""The user admin: Django's, with role membership turning an account into a staff account."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext as _

from ledger.admin import DeleteThroughDoorMixin

from .admin_auth import ChinesePermissionsMixin
from .users import user_roles_apply

User = get_user_model()


class StaffUserAdmin(ChinesePermissionsMixin, DeleteThroughDoorMixin, UserAdmin):
    """Permissions read in Chinese (``admin_auth``). An account named by ledger records (as 招商专员, as who recorded a milestone) cannot be deleted:
    deactivate it instead (``DeleteThroughDoorMixin``)."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if user_roles_apply(user=form.instance):
            messages.info(
                request,
                _("%(user)s 属于工作人员角色，已自动开启“工作人员状态”，可以登录管理后台。") % {"user": form.instance},
            )


admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)
