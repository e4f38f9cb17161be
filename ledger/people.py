"""People as people write them: one display name for a staff account, wherever a person is shown.

A Chinese name is 姓 then 名 with no space (王芳); any other name is in Western order with a space
(Anna Schmidt); an account without a name shows its user name. ``display_name`` is the one rule;
``display_name_sql`` is the same rule as a database expression, for queries that sort or export by
name; ``str(user)`` gives the display name too (``LedgerConfig.ready`` installs it), so pickers,
history tables and admin lists follow without each naming the rule.
"""

from __future__ import annotations

import re

from django.db import models
from django.db.models.functions import Concat, Trim

# CJK Unified Ideographs (and extension A, compatibility ideographs): a name written in Chinese.
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# The same test in SQL: a name containing one of these characters (LIKE-free, portable via regex lookups).
_CJK_PATTERN = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"


def display_name(user: object | None) -> str:
    """姓名 in Chinese order for a Chinese name, "First Last" otherwise, else the user name ("" for None)."""
    if user is None:
        return ""
    first = (getattr(user, "first_name", "") or "").strip()
    last = (getattr(user, "last_name", "") or "").strip()
    if _CJK.search(first + last):
        return f"{last}{first}"
    name = " ".join(part for part in (first, last) if part)
    return name or user.get_username()


def display_name_sql(prefix: str = "") -> models.Expression:
    """``display_name`` as an expression over the user fields at ``prefix`` (e.g. "officer__")."""
    first, last, username = (models.F(f"{prefix}{name}") for name in ("first_name", "last_name", "username"))
    chinese = models.Q(**{f"{prefix}first_name__regex": _CJK_PATTERN}) | models.Q(
        **{f"{prefix}last_name__regex": _CJK_PATTERN})
    western = Trim(Concat(first, models.Value(" "), last, output_field=models.CharField()))
    return models.Case(
        models.When(models.Q(**{f"{prefix}first_name": ""}, **{f"{prefix}last_name": ""}), then=username),
        models.When(chinese, then=Concat(Trim(last), Trim(first), output_field=models.CharField())),
        default=western, output_field=models.CharField(),
    )


def _user_str(user: object) -> str:
    return display_name(user)


def install_display_name(user_model: type[models.Model]) -> None:
    """Make ``str(user)`` (and the short name the admin header greets with) the display name."""
    user_model.__str__ = _user_str
    user_model.get_short_name = _user_str
