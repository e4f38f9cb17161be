"""
Duplicate signing (重复签约): the same project announced again at a later conference.

When a project is saved with a signing conference, earlier-conference projects that share an
investor with it and have a similar name (one contains the other, or difflib similarity ≥
``NAME_SIMILARITY``) or a similar amount (total investment within ``AMOUNT_TOLERANCE``) are flagged
for a reviewer. A confirmed flag takes the later project out of headline totals
(``yardsticks.counted_projects``); a dismissed one is never raised again for the same pair.
"""

import difflib
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import DuplicateFlag, DuplicateStatus, Project

NAME_SIMILARITY = 0.6
AMOUNT_TOLERANCE = Decimal("0.05")


def _core(name: str) -> str:
    """The name without the words every project name carries."""
    for word in ("项目", "有限公司", "集团"):
        name = name.replace(word, "")
    return name.strip()


def names_similar(first: str, second: str) -> bool:
    a, b = _core(first), _core(second)
    if not a or not b:
        return False
    return a in b or b in a or difflib.SequenceMatcher(None, a, b).ratio() >= NAME_SIMILARITY


def amounts_similar(first: Decimal | None, second: Decimal | None) -> bool:
    if first is None or second is None or not first or not second:
        return False
    return abs(first - second) <= AMOUNT_TOLERANCE * max(first, second)


def duplicate_candidates(project: Project) -> list[tuple[Project, str]]:
    """Earlier-conference projects sharing an investor with ``project`` and similar to it, with why."""
    if project.signing_event_id is None:
        return []
    held_on = project.signing_event.held_on
    investor_ids = list(project.investors.values_list("pk", flat=True))
    if not investor_ids:
        return []
    earlier = (
        Project.objects.filter(investors__in=investor_ids, signing_event__held_on__lt=held_on)
        .exclude(pk=project.pk)
        .distinct()
    )
    found = []
    for other in earlier:
        reasons = []
        if names_similar(project.name, other.name):
            reasons.append(_("名称相近"))
        if amounts_similar(project.total_investment, other.total_investment):
            reasons.append(_("投资额相近"))
        if reasons:
            found.append((other, _("同一投资方，") + _("、").join(reasons)))
    return found


@transaction.atomic
def flag_possible_duplicates(*, project: Project) -> list[DuplicateFlag]:
    """Raise a pending flag for each new candidate pair; existing flags (any status) are kept as they are."""
    flags = []
    known = set(DuplicateFlag.objects.filter(project=project).values_list("original_id", flat=True))
    # The reason is stored with the flag: in the office's language, whoever's screen raised it.
    with translation.override(settings.LANGUAGE_CODE):
        candidates = duplicate_candidates(project)
    for original, reason in candidates:
        if original.pk in known:
            continue
        flag = DuplicateFlag(project=project, original=original, reason=reason[:300])
        flag.full_clean()
        flag.save()
        flags.append(flag)
    return flags


@transaction.atomic
def duplicate_review(
    *, flag: DuplicateFlag, user: AbstractBaseUser | None, confirm: bool, note: str = ""
) -> DuplicateFlag:
    """A reviewer's verdict: confirmed (the later project counts no more) or dismissed."""
    if user is not None and not user.has_perm("projects.change_duplicateflag"):
        raise ValidationError(_("您没有复核疑似重复签约的权限。"))
    flag.status = DuplicateStatus.CONFIRMED if confirm else DuplicateStatus.DISMISSED
    flag.reviewed_by = user if user is not None and user.is_authenticated else None
    flag.reviewed_at = timezone.now()
    flag.review_note = note
    flag.full_clean()
    flag.save()
    return flag
