"""Staff accounts: who holds which role.

A role (``accounts.roles.Role``) is a group; holding one is what makes a person staff. Django's
admin lets only ``is_staff`` accounts sign in, and a person put into 招商专员 without the staff flag
used to be told their password was wrong. ``user_roles_apply`` is the one place that turns role
membership into staff status; the user admin calls it after every save of a user's groups.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.db.models import QuerySet

from .roles import ROLE_PERMISSIONS, Role

ROLE_NAMES: frozenset[str] = frozenset(str(role) for role in Role)


def user_role_names(*, user: AbstractUser) -> set[str]:
    """The staff roles ``user`` holds (names of role groups)."""
    return set(user.groups.filter(name__in=ROLE_NAMES).values_list("name", flat=True))


def user_roles_apply(*, user: AbstractUser) -> bool:
    """Make an active account that holds a staff role a staff account; True when it changed.

    Staff status is never taken away here: a superuser or a staff account without a role keeps it.
    """
    if user.is_staff or not user_role_names(user=user):
        return False
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return True


# What an officer or a viewer may hold: a group or account with anything beyond it is privileged.
ORDINARY_PERMISSIONS: frozenset[str] = ROLE_PERMISSIONS[Role.OFFICER] | ROLE_PERMISSIONS[Role.VIEWER]


def privileged_group_ids() -> set[int]:
    """The groups carrying the reviewer's or administrator's role, or any permission beyond an officer's."""
    ids = set(Group.objects.filter(name__in=[str(Role.REVIEWER), str(Role.ADMINISTRATOR)]).values_list("pk", flat=True))
    for pk, app_label, codename in Group.objects.filter(permissions__isnull=False).values_list(
        "pk", "permissions__content_type__app_label", "permissions__codename"
    ):
        if f"{app_label}.{codename}" not in ORDINARY_PERMISSIONS:
            ids.add(pk)
    return ids


def user_is_privileged(*, user: AbstractUser) -> bool:
    """A superuser, or an account holding a privileged group or a permission beyond an officer's."""
    if user.is_superuser:
        return True
    if user.pk is None:
        return False
    if user.groups.filter(pk__in=privileged_group_ids()).exists():
        return True
    direct = user.user_permissions.values_list("content_type__app_label", "codename")
    return any(f"{app_label}.{codename}" not in ORDINARY_PERMISSIONS for app_label, codename in direct)


# What runs after an account's username changed, for records elsewhere that show it (the projects'
# stored CSV lines name a project's officer by it). Each app registers its callable ``(*, user)`` from
# its ``AppConfig.ready()``; accounts names no app above it.
_USERNAME_CHANGED: list[Callable[..., object]] = []


def register_username_changed(callback: Callable[..., object]) -> None:
    if callback not in _USERNAME_CHANGED:
        _USERNAME_CHANGED.append(callback)


def user_username_changed(*, user: AbstractUser) -> None:
    """Tell every registered app that ``user``'s username changed."""
    for callback in _USERNAME_CHANGED:
        callback(user=user)


def officer_choices() -> QuerySet:
    """Who may be a project's 招商专员: every active staff account, by name."""
    return get_user_model().objects.filter(is_active=True, is_staff=True).order_by("last_name", "first_name", "username")
