"""
The project lifecycle in one table.

Every rule about stages lives here: which fields a stage requires, which moves between stages
are allowed, and which role may make each move. The model's ``clean()``, the database check
constraints, the admin, the API and the importers all read this table; nothing else
restates it.

Roles are the staff groups (``accounts.roles.Role``, created by a data migration from ``accounts.roles``). A role stands
for a permission here, so a superuser, or anybody granted the permission, may do what the role
may do.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


class Stage(models.TextChoices):
    NEGOTIATING = "negotiating", _("在谈")
    SIGNED = "signed", _("已签约")
    REGISTERED = "registered", _("已注册落户")
    STARTED = "started", _("已开工")
    COMPLETED = "completed", _("已竣工")
    IN_PRODUCTION = "in_production", _("已投产")
    ON_HOLD = "on_hold", _("暂缓")
    TERMINATED = "terminated", _("终止")


# The main path, in order. On hold and terminated are off the path.
MAIN_PATH: tuple[str, ...] = (
    Stage.NEGOTIATING,
    Stage.SIGNED,
    Stage.REGISTERED,
    Stage.STARTED,
    Stage.COMPLETED,
    Stage.IN_PRODUCTION,
)

# The date field that records when a project reached a stage, in lifecycle order.
STAGE_DATE_FIELDS: dict[str, str] = {
    Stage.SIGNED: "signed_on",
    Stage.REGISTERED: "registered_on",
    Stage.STARTED: "started_on",
    Stage.COMPLETED: "completed_on",
    Stage.IN_PRODUCTION: "production_on",
}

# The planned date of each stage of the main path after 在谈 (the plan, ``projects.plans``); each has
# a ``<field>_precision`` beside it, as the milestone dates do.
PLANNED_DATE_FIELDS: dict[str, str] = {stage: f"planned_{name}" for stage, name in STAGE_DATE_FIELDS.items()}

# Permission (app_label.codename) needed to move a project into a stage, beyond change_project.
REVIEWER_PERMISSION = "projects.change_project_final_stage"
OFFICER_PERMISSION = "projects.change_project"


# The permission that stands for a role when it makes a stage move.
ROLE_PERMISSIONS: dict[str, str] = {
    Role.OFFICER: OFFICER_PERMISSION,
    Role.REVIEWER: REVIEWER_PERMISSION,
}

OFFICER, REVIEWER = Role.OFFICER, Role.REVIEWER


@dataclass(frozen=True)
class StageRule:
    """One stage: what it requires, where it may go next and who may take it there.

    ``allowed_next`` maps each allowed next stage to the role that may make that move.
    ``permission`` is what a new record needs to enter the ledger directly at this stage.
    """

    stage: str
    required_fields: tuple[str, ...] = ()
    allowed_next: Mapping[str, str] = field(default_factory=dict)
    permission: str | None = None
    notes: tuple[str, ...] = field(default=())


STAGE_RULES: dict[str, StageRule] = {
    rule.stage: rule
    for rule in (
        StageRule(
            Stage.NEGOTIATING,
            required_fields=(),
            allowed_next={Stage.SIGNED: OFFICER, Stage.ON_HOLD: OFFICER, Stage.TERMINATED: REVIEWER},
        ),
        StageRule(
            Stage.SIGNED,
            required_fields=("investors", "signed_on"),
            allowed_next={
                Stage.REGISTERED: OFFICER, Stage.STARTED: OFFICER, Stage.ON_HOLD: OFFICER, Stage.TERMINATED: REVIEWER,
            },
        ),
        StageRule(
            Stage.REGISTERED,
            required_fields=("investors", "registered_on"),
            allowed_next={Stage.STARTED: OFFICER, Stage.ON_HOLD: OFFICER, Stage.TERMINATED: REVIEWER},
        ),
        StageRule(
            Stage.STARTED,
            required_fields=("investors", "started_on"),
            allowed_next={
                Stage.COMPLETED: OFFICER, Stage.IN_PRODUCTION: REVIEWER, Stage.ON_HOLD: OFFICER,
                Stage.TERMINATED: REVIEWER,
            },
        ),
        # 竣工 (construction finished and accepted) is a dated fact the officer records with its
        # evidence; going on into production is the reviewer's, as from 已开工.
        StageRule(
            Stage.COMPLETED,
            required_fields=("investors", "completed_on"),
            allowed_next={Stage.IN_PRODUCTION: REVIEWER, Stage.ON_HOLD: OFFICER, Stage.TERMINATED: REVIEWER},
        ),
        StageRule(
            Stage.IN_PRODUCTION,
            required_fields=("investors", "production_on"),
            allowed_next={Stage.ON_HOLD: REVIEWER, Stage.TERMINATED: REVIEWER},
            permission=REVIEWER_PERMISSION,
        ),
        StageRule(
            Stage.ON_HOLD,
            required_fields=(),
            allowed_next={
                Stage.NEGOTIATING: OFFICER, Stage.SIGNED: OFFICER, Stage.REGISTERED: OFFICER,
                Stage.STARTED: OFFICER, Stage.COMPLETED: OFFICER, Stage.TERMINATED: REVIEWER,
            },
        ),
        StageRule(
            Stage.TERMINATED,
            required_fields=(),
            allowed_next={},
            permission=REVIEWER_PERMISSION,
        ),
    )
}


def is_transition_allowed(old: str | None, new: str) -> bool:
    """A new record may start at any stage (the ledger often learns of projects late)."""
    if old is None or old == new:
        return True
    return new in STAGE_RULES[old].allowed_next


def required_fields(stage: str) -> tuple[str, ...]:
    return STAGE_RULES[stage].required_fields


def permission_for(stage: str) -> str | None:
    """The permission a new record needs to enter the ledger directly at ``stage``."""
    return STAGE_RULES[stage].permission


def role_for_transition(old: str | None, new: str) -> str | None:
    """The role that may make the move, None when the move is not allowed at all."""
    if old is None or old == new:
        return Role.REVIEWER if permission_for(new) == REVIEWER_PERMISSION else Role.OFFICER
    return STAGE_RULES[old].allowed_next.get(new)


def permission_for_transition(old: str | None, new: str) -> str | None:
    """The permission the move needs (None: not allowed, see ``is_transition_allowed``)."""
    role = role_for_transition(old, new)
    return ROLE_PERMISSIONS[role] if role else None


def transition_table() -> list[tuple[str, str, str]]:
    """Every allowed move as (from, to, role), for the admin and the documentation."""
    return [(rule.stage, new, role) for rule in STAGE_RULES.values() for new, role in rule.allowed_next.items()]


def date_field_for(stage: str) -> str | None:
    return STAGE_DATE_FIELDS.get(stage)


def reached_condition(stage: str) -> models.Q:
    """Projects that have reached ``stage`` of the main path.

    A project has reached a stage when its current stage is that one or a later one, or when it
    carries the date of that stage or of any later one (stages may be skipped, e.g. 已签约 → 已开工,
    and a project put on hold keeps the dates it reached). So the funnel never widens downwards.
    """
    index = MAIN_PATH.index(stage)
    if index == 0:
        return models.Q(pk__isnull=False)  # every project was negotiated first, whatever became of it.
    condition = models.Q(stage__in=MAIN_PATH[index:])
    for later in MAIN_PATH[index:]:
        date_field = STAGE_DATE_FIELDS.get(later)
        if date_field:
            condition |= models.Q(**{f"{date_field}__isnull": False})
    return condition


def transition_markdown() -> str:
    """The stage moves as the Markdown table in docs/workflow.md (a test holds the doc to it).

    One row per stage and role; the move to 终止, open to the reviewer from every stage that has
    moves, is one row "any".
    """
    rules = [rule for rule in STAGE_RULES.values() if rule.allowed_next]
    everywhere = {
        new for new in Stage.values
        if all(rule.allowed_next.get(new) == REVIEWER for rule in rules if rule.stage != new)
    }
    lines = ["| From | To | Role |", "| --- | --- | --- |"]
    with translation.override("zh-hans"):
        for rule in rules:
            for role in (OFFICER, REVIEWER):
                targets = [Stage(new).label for new, who in rule.allowed_next.items()
                           if who == role and new not in everywhere]
                if targets:
                    lines.append(f"| {Stage(rule.stage).label} | {', '.join(str(t) for t in targets)} | {role} |")
        for new in everywhere:
            lines.append(f"| any | {Stage(new).label} | {REVIEWER} |")
    return "\n".join(lines) + "\n"
