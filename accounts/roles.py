"""
The staff roles and exactly the permissions each needs. One definition, applied by the data
migration ``projects.0003_staff_roles`` (and by ``sync_roles`` in tests); a later change to this
file ships with a new data migration that calls ``sync_roles`` again.

- 招商专员 (officer): adds and edits projects, enterprises, leads, milestones, funds entries and the
  yearly output/tax figures; reads the rest;
  cannot publish, archive or move a project to 已投产/终止.
- 审核员 (reviewer): all an officer may, plus publish/unpublish/return every publishable record, confirm or dismiss duplicate-signing flags,
  delete a funds entry or a year's figures recorded by mistake,
  the final stages (已投产, 终止) and archiving/restoring projects.
- 只读 (viewer): reads every ledger record and its history in the admin, changes nothing. Export
  (the admin's and the API's) is a read: it needs the view permissions a viewer holds.
- 管理员 (administrator): users and groups, the reference data (sectors, honour tags, zones,
  institutes, cohorts; also signing events and ambassadors, which frame the ledger the same way)
  and unlocking locked-out accounts; reads the ledger.

Who may make which stage move is in ``projects.stages`` (the stage table); this module only says
which group holds which permission.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The staff roles. The value is the name of the group that carries the role's permissions."""

    OFFICER = "招商专员", _("招商专员")
    REVIEWER = "审核员", _("审核员")
    VIEWER = "只读", _("只读")
    ADMINISTRATOR = "管理员", _("管理员")


# (app_label, model_name) of every ledger model.
LEDGER_MODELS: tuple[tuple[str, str], ...] = (
    ("projects", "sector"),
    ("projects", "honour"),
    ("projects", "enterprise"),
    ("projects", "signingevent"),
    ("projects", "renewalzone"),
    ("projects", "researchinstitute"),
    ("projects", "project"),
    ("projects", "projectmilestone"),
    ("projects", "fundsentry"),
    ("projects", "projectyearfigures"),
    ("ambassadors", "cohort"),
    ("ambassadors", "ambassador"),
    ("ambassadors", "lead"),
    ("chains", "chain"),
    ("chains", "chainnode"),
    ("figures", "announcedfigure"),
)
# The records with a review workflow and a publish_<model> permission.
PUBLISHABLE_MODELS: tuple[tuple[str, str], ...] = (
    ("projects", "enterprise"),
    ("projects", "signingevent"),
    ("projects", "renewalzone"),
    ("projects", "researchinstitute"),
    ("projects", "project"),
    ("ambassadors", "cohort"),
    ("ambassadors", "ambassador"),
    ("ambassadors", "lead"),
    ("chains", "chain"),
    ("chains", "chainnode"),
    ("figures", "announcedfigure"),
)
OFFICER_MODELS: tuple[tuple[str, str], ...] = (
    ("projects", "project"),
    ("projects", "projectmilestone"),
    ("projects", "fundsentry"),
    ("projects", "projectyearfigures"),
    ("projects", "enterprise"),
    ("ambassadors", "lead"),
    # 产业链图谱 (the chains app; named by label only): officers attach enterprises and projects to links.
    ("chains", "chain"),
    ("chains", "chainnode"),
)
REFERENCE_MODELS: tuple[tuple[str, str], ...] = (
    ("projects", "sector"),
    ("projects", "honour"),
    ("projects", "renewalzone"),
    ("projects", "researchinstitute"),
    ("projects", "signingevent"),
    ("ambassadors", "cohort"),
    ("ambassadors", "ambassador"),
    ("chains", "chain"),
    ("chains", "chainnode"),
    # The office's announced figures (figures app): administrators enter them, reviewers publish them.
    ("figures", "announcedfigure"),
)


def _perms(actions: tuple[str, ...], models: tuple[tuple[str, str], ...]) -> set[str]:
    return {f"{app}.{action}_{model}" for app, model in models for action in actions}


# Flags of possible duplicate signings: everyone reads them, reviewers confirm or dismiss them.
DUPLICATE_FLAG = ("projects", "duplicateflag")
# 投资意向 from the public form: every role reads them, officers and reviewers follow them up.
INVESTMENT_INTEREST = ("projects", "investmentinterest")

# The officer's desk (issue 15, the desk app): officers and reviewers keep 督办 items, visits, tasks
# and evidence files; every role reads them. (Named by label only: projects imports no desk module.)
DESK_MODELS: tuple[tuple[str, str], ...] = (
    ("desk", "supervisionitem"),
    ("desk", "supervisionfollowup"),
    ("desk", "interaction"),
    ("desk", "task"),
    ("desk", "evidencedocument"),
)

_VIEW_LEDGER = _perms(("view",), (*LEDGER_MODELS, DUPLICATE_FLAG, INVESTMENT_INTEREST, *DESK_MODELS))
_OFFICER = (_VIEW_LEDGER | _perms(("add", "change"), (*OFFICER_MODELS, *DESK_MODELS))
            | _perms(("change",), (INVESTMENT_INTEREST,)))

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.OFFICER: frozenset(_OFFICER),
    Role.REVIEWER: frozenset(
        _OFFICER
        | _perms(("publish",), PUBLISHABLE_MODELS)
        | {"projects.change_project_final_stage", "projects.archive_project", "projects.change_duplicateflag"}
        # A funds entry or a year's figures recorded by mistake is removed by a reviewer (history kept).
        | _perms(("delete",), (("projects", "fundsentry"), ("projects", "projectyearfigures")))
    ),
    Role.VIEWER: frozenset(_VIEW_LEDGER),
    Role.ADMINISTRATOR: frozenset(
        _VIEW_LEDGER
        | _perms(("add", "change", "delete", "view"), REFERENCE_MODELS)
        | _perms(("add", "change", "delete", "view"), (("auth", "user"), ("auth", "group")))
        | {"auth.view_permission", "axes.view_accessattempt", "axes.delete_accessattempt"}
    ),
}


def sync_roles(apps=global_apps, using: str = "default") -> None:
    """Create the four groups and give each exactly its permissions (idempotent).

    Permissions must exist already (the migration creates them first). A permission named here
    that does not exist is a programming error and stops the migration.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    by_name = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.using(using).values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role, names in ROLE_PERMISSIONS.items():
        # A model added after this migration state (an older migration calling sync_roles) has no
        # permissions yet; the later migration that adds it calls sync_roles again.
        names = {name for name in names if name in by_name or _model_exists(apps, name)}
        missing = sorted(names - by_name.keys())
        if missing:
            raise LookupError(f"Permissions missing for role {role}: {missing}")
        group, _ = Group.objects.using(using).get_or_create(name=str(role))
        group.permissions.set([by_name[name] for name in names])


def _model_exists(apps, permission: str) -> bool:
    """Whether the model of a default permission (``app.view_model``) exists in ``apps``."""
    app_label, codename = permission.split(".", 1)
    model_name = codename.split("_", 1)[1]
    try:
        apps.get_model(app_label, model_name)
    except LookupError:
        return False
    return True
