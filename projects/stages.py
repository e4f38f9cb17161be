"""
The project lifecycle in one table.

Every rule about stages lives here: which fields a stage requires, which moves between stages
are allowed, and which permission a move needs. The model's ``clean()``, the database check
constraints, the admin, the API and the importers all read this table; nothing else
restates it.
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    NEGOTIATING = "negotiating", _("在谈")
    SIGNED = "signed", _("已签约")
    REGISTERED = "registered", _("已注册落户")
    STARTED = "started", _("已开工")
    IN_PRODUCTION = "in_production", _("已投产")
    ON_HOLD = "on_hold", _("暂缓")
    TERMINATED = "terminated", _("终止")


# The main path, in order. On hold and terminated are off the path.
MAIN_PATH: tuple[str, ...] = (
    Stage.NEGOTIATING,
    Stage.SIGNED,
    Stage.REGISTERED,
    Stage.STARTED,
    Stage.IN_PRODUCTION,
)

# The date field that records when a project reached a stage, in lifecycle order.
STAGE_DATE_FIELDS: dict[str, str] = {
    Stage.SIGNED: "signed_on",
    Stage.REGISTERED: "registered_on",
    Stage.STARTED: "started_on",
    Stage.IN_PRODUCTION: "production_on",
}

# Permission (app_label.codename) needed to move a project into a stage, beyond change_project.
REVIEWER_PERMISSION = "projects.change_project_final_stage"


@dataclass(frozen=True)
class StageRule:
    stage: str
    required_fields: tuple[str, ...] = ()
    allowed_next: tuple[str, ...] = ()
    permission: str | None = None
    notes: tuple[str, ...] = field(default=())


STAGE_RULES: dict[str, StageRule] = {
    rule.stage: rule
    for rule in (
        StageRule(
            Stage.NEGOTIATING,
            required_fields=(),
            allowed_next=(Stage.SIGNED, Stage.ON_HOLD, Stage.TERMINATED),
        ),
        StageRule(
            Stage.SIGNED,
            required_fields=("investors", "signed_on"),
            allowed_next=(Stage.REGISTERED, Stage.STARTED, Stage.ON_HOLD, Stage.TERMINATED),
        ),
        StageRule(
            Stage.REGISTERED,
            required_fields=("investors", "registered_on"),
            allowed_next=(Stage.STARTED, Stage.ON_HOLD, Stage.TERMINATED),
        ),
        StageRule(
            Stage.STARTED,
            required_fields=("investors", "started_on"),
            allowed_next=(Stage.IN_PRODUCTION, Stage.ON_HOLD, Stage.TERMINATED),
        ),
        StageRule(
            Stage.IN_PRODUCTION,
            required_fields=("investors", "production_on"),
            allowed_next=(Stage.ON_HOLD, Stage.TERMINATED),
            permission=REVIEWER_PERMISSION,
        ),
        StageRule(
            Stage.ON_HOLD,
            required_fields=(),
            allowed_next=(Stage.NEGOTIATING, Stage.SIGNED, Stage.REGISTERED, Stage.STARTED, Stage.TERMINATED),
        ),
        StageRule(
            Stage.TERMINATED,
            required_fields=(),
            allowed_next=(),
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
    return STAGE_RULES[stage].permission


def date_field_for(stage: str) -> str | None:
    return STAGE_DATE_FIELDS.get(stage)
