"""Staff accounts: who holds which role.

A role (``projects.stages.Role``) is a group; holding one is what makes a person staff. Django's
admin lets only ``is_staff`` accounts sign in, and a person put into 招商专员 without the staff flag
used to be told their password was wrong. ``user_roles_apply`` is the one place that turns role
membership into staff status; the user admin calls it after every save of a user's groups.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db.models import QuerySet

from .stages import Role

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


def officer_choices() -> QuerySet:
    """Who may be a project's 招商专员: every active staff account, by name."""
    return get_user_model().objects.filter(is_active=True, is_staff=True).order_by("last_name", "first_name", "username")
