"""Users and groups in the office's language: a permission reads "可以添加 招商大使", not "Can add 招商大使".

Django stores the default permissions' names in English ("Can add %s") when it creates them; the
admin's group and user pages show them through :class:`PermissionChoiceField` instead.
"""

import re

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext as _

from .users import privileged_group_ids

_DEFAULT = re.compile(r"^Can (add|change|delete|view) (.+)$")


def permission_label(permission: Permission) -> str:
    """"招商项目库 | 招商项目 | 可以添加 招商项目" (the app, the model, what the permission allows)."""
    match = _DEFAULT.match(permission.name)
    if match:
        verbs = {"add": _("可以添加"), "change": _("可以修改"), "delete": _("可以删除"), "view": _("可以查看")}
        name = f"{verbs[match[1]]} {match[2]}"
    else:
        name = _(permission.name)
    model = permission.content_type.model_class()
    if model is None:
        return name
    return f"{model._meta.app_config.verbose_name} | {model._meta.verbose_name} | {name}"


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


class ChinesePermissionsMixin:
    """For a user or group ModelAdmin: the permissions' choices read in Chinese."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["form_class"] = PermissionChoiceField
            kwargs.setdefault("queryset", Permission.objects.select_related("content_type"))
        return super().formfield_for_manytomany(db_field, request=request, **kwargs)


class LedgerGroupAdmin(ChinesePermissionsMixin, GroupAdmin):
    """Only superusers give a group permissions or change a privileged group (``accounts.users``):
    for the 管理员 role the permissions are read-only and the reviewer's and administrator's groups
    cannot be changed or deleted."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly.append("permissions")
        return readonly

    def _may_change(self, request, obj) -> bool:
        return obj is None or request.user.is_superuser or obj.pk not in privileged_group_ids()

    def has_change_permission(self, request, obj=None):
        return self._may_change(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_change(request, obj) and super().has_delete_permission(request, obj)


# The user admin (accounts/admin_users.py) takes ChinesePermissionsMixin too.
admin.site.unregister(Group)
admin.site.register(Group, LedgerGroupAdmin)
