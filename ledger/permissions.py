"""Permission names and who may see what: the one place a permission string is built."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import models


def perm(model: type[models.Model] | models.Model, action: str) -> str:
    """``app_label.<action>_<model>``: Django's add/change/delete/view, and ours (publish, archive)."""
    opts = model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


def user_may(user: AbstractBaseUser | None, model: type[models.Model] | models.Model, action: str) -> bool:
    """Whether ``user`` may do ``action`` to ``model``'s records; None is a system write (always)."""
    if user is None:
        return True
    return bool(user.is_active and user.has_perm(perm(model, action)))


def require(user: AbstractBaseUser | None, model: type[models.Model] | models.Model, action: str, message: str) -> None:
    """Refuse with ``message`` (``PermissionDenied``) unless ``user`` may do ``action``."""
    if not user_may(user, model, action):
        raise PermissionDenied(message)


def can_see_private(request, model: type[models.Model]) -> bool:
    """Staff with the model's view permission see its unpublished records and staff-only fields.

    The API's answers and the filters' choices of related records (a staff member may filter the
    project list by an unpublished zone; the public may not even learn that its slug exists).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return False
    return user.has_perm(perm(model, "view"))


def shown(record: models.Model | None, *, private: bool = False) -> models.Model | None:
    """A related record as its reader may see it: itself when published (or for staff who may see
    private records, or when it has no publication state), None otherwise. The one rule by which
    pages, the API and exports hide an unpublished investor, zone, event or institute."""
    if record is None or private or getattr(record, "is_published", True):
        return record
    return None


def visible(model: type[models.Model], *, private: bool) -> models.QuerySet:
    """Every record of ``model`` for staff who may see private ones, the published ones otherwise."""
    manager = model._default_manager
    return manager.all() if private else manager.public()
