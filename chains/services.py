"""
Writes to industrial chains and their links, through the write door (``ledger.writes``) like every
ledger record: the permission, the row lock and version check, validation, one history entry, a
pending revision instead of a live change when a non-reviewer edits a published chain or link.

``ChainRules`` adds what a chain must hold: at least one sector of the tree, and no enterprise both
链主 and 链核 of the same chain.
"""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from ledger.writes import RecordWrite, WriteRules, record_save, register_rules
from projects.models import Enterprise, Project

from .models import Chain, ChainNode


def _ids(values: Iterable) -> set:
    return {getattr(value, "pk", value) for value in values}


class ChainRules(WriteRules):
    def validate(self, write: RecordWrite) -> dict[str, list[str]]:
        chain = write.record
        errors: dict[str, list[str]] = {}
        sectors = write.m2m.get("sectors")
        if (sectors is not None or write.is_new) and not sectors:
            errors["sectors"] = [_("请至少选择一个所属产业领域。")]
        roles = {}
        for name in ("leaders", "cores"):
            if name in write.m2m:
                roles[name] = _ids(write.m2m[name])
            else:
                roles[name] = set() if write.is_new else set(getattr(chain, name).values_list("pk", flat=True))
        both = roles["leaders"] & roles["cores"]
        if both:
            names = "、".join(Enterprise.objects.filter(pk__in=both).order_by("name").values_list("name", flat=True))
            errors["cores"] = [_("同一企业在同一产业链中不能既是链主又是链核：%(names)s。") % {"names": names}]
        return errors


register_rules(Chain, ChainRules())


def chain_save(
    *, chain: Chain, user: AbstractBaseUser | None = None, expected_version: int | None = None,
    sectors: Iterable | None = None, leaders: Iterable | None = None, cores: Iterable | None = None,
    reason: str = "",
) -> Chain:
    """Create or change a chain; a set left as None is kept as it is."""
    m2m = {"sectors": sectors, "leaders": leaders, "cores": cores}
    return record_save(record=chain, user=user, expected_version=expected_version, reason=reason,
                       m2m={name: values for name, values in m2m.items() if values is not None})


def node_save(
    *, node: ChainNode, user: AbstractBaseUser | None = None, expected_version: int | None = None,
    enterprises: Iterable | None = None, projects: Iterable | None = None, reason: str = "",
) -> ChainNode:
    """Create or change a link of a chain; a set left as None is kept as it is."""
    m2m = {"enterprises": enterprises, "projects": projects}
    return record_save(record=node, user=user, expected_version=expected_version, reason=reason,
                       m2m={name: values for name, values in m2m.items() if values is not None})


@transaction.atomic
def node_attach(
    *, node: ChainNode, user: AbstractBaseUser | None = None, expected_version: int | None = None,
    enterprises: Iterable[Enterprise] = (), projects: Iterable[Project] = (), reason: str = "",
) -> ChainNode:
    """Attach enterprises and projects to a link, keeping what it holds (补链: a missing link filled)."""
    m2m: dict[str, list[Model | int]] = {}
    if enterprises:
        m2m["enterprises"] = sorted(_ids(node.enterprises.all()) | _ids(enterprises))
    if projects:
        m2m["projects"] = sorted(_ids(node.projects.all()) | _ids(projects))
    return record_save(record=node, user=user, expected_version=expected_version, reason=reason or _("挂接企业或项目"),
                       m2m=m2m)
