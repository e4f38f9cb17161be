"""Writes of saved filters: each person manages only their own."""

from urllib.parse import parse_qsl, urlencode

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import NAME_MAX_LENGTH, QUERY_MAX_LENGTH, SavedFilter

#: Changelist parameters that are not a filter: the page, the admin's error flag, the popup markers.
NOT_FILTERS = {"p", "e", "_popup", "_to_field", "o"}


def filter_query(query: str) -> str:
    """The filter part of a changelist query string (the page number and the like dropped)."""
    return urlencode([(key, value) for key, value in parse_qsl(query, keep_blank_values=True)
                      if key not in NOT_FILTERS])


@transaction.atomic
def saved_filter_save(*, user: AbstractBaseUser, changelist: str, name: str, query: str) -> SavedFilter:
    """Save the filter ``query`` under ``name`` (the same name again replaces it)."""
    name = name.strip()
    query = filter_query(query)
    if not name:
        raise ValidationError({"name": _("请给这个筛选起个名字。")})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError({"name": _("名称最多 %(limit)d 个字。") % {"limit": NAME_MAX_LENGTH}})
    if not query:
        raise ValidationError({"query": _("当前没有任何筛选条件可保存。")})
    if len(query) > QUERY_MAX_LENGTH:
        raise ValidationError({"query": _("筛选条件太长，无法保存。")})
    saved, _created = SavedFilter.objects.update_or_create(
        user=user, changelist=changelist, name=name, defaults={"query": query}
    )
    return saved


@transaction.atomic
def saved_filter_delete(*, user: AbstractBaseUser, saved_filter_id: int) -> bool:
    """Delete one of the person's own saved filters; False if they have none with that id."""
    deleted, _rows = SavedFilter.objects.filter(user=user, pk=saved_filter_id).delete()
    return bool(deleted)
