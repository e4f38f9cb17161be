"""
Writes to the project ledger. Admin, API, importers and the seed loader all come through here,
so every rule (stage table, constraints, milestones) is applied the same way everywhere.
"""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from qingshan.cache import public_pages_changed

from . import stages
from .models import DatePrecision, Enterprise, Project, ProjectMilestone
from .slugs import unique_slug


def ensure_slug(instance: models.Model, *, source: str | None = None) -> None:
    """Give a record without a slug a unique pinyin slug of its name."""
    if not instance.slug:
        max_length = instance._meta.get_field("slug").max_length
        instance.slug = unique_slug(
            type(instance), source or str(instance.name), exclude_pk=instance.pk, max_length=max_length
        )


def full_clean_fast(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    """``full_clean()`` without re-running the CHECK constraints through the ORM.

    The model's ``clean()`` restates every CHECK constraint as a message and the database enforces
    them; asking Django to validate them as well costs one query per constraint (over twenty for a
    project), which made a 5,000-row import take minutes. Unique constraints are still checked.
    """
    instance.full_clean(exclude=exclude, validate_constraints=False)
    errors: dict[str, list] = {}
    for constraint in instance._meta.constraints:
        if not isinstance(constraint, models.UniqueConstraint):
            continue
        try:
            _validate_unique_constraint(instance, constraint, exclude=set(exclude or ()))
        except ValidationError as exc:
            key = constraint.fields[0] if len(constraint.fields) == 1 else NON_FIELD_ERRORS
            errors.setdefault(key, []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)


def _condition_fields(condition: models.Q) -> set[str]:
    names: set[str] = set()
    for child in condition.children:
        if isinstance(child, models.Q):
            names |= _condition_fields(child)
        else:
            names.add(child[0].split("__")[0])
    return names


def _validate_unique_constraint(instance: models.Model, constraint: models.UniqueConstraint, *, exclude: set) -> None:
    """One plain query for a unique constraint whose condition only reads its own fields
    (``code`` unique unless empty); Django's general path otherwise."""
    fields = constraint.fields
    condition = constraint.condition
    if not fields or constraint.expressions or (condition is not None and not isinstance(condition, models.Q)) or (
        condition is not None and not _condition_fields(condition) <= set(fields)
    ):
        constraint.validate(type(instance), instance, exclude=exclude)
        return
    if set(fields) & exclude:
        return
    lookup = {name: getattr(instance, instance._meta.get_field(name).attname) for name in fields}
    others = type(instance)._default_manager.filter(**lookup).exclude(pk=instance.pk)
    if condition is not None:
        others = others.filter(condition)  # the same values, so the instance meets the condition too.
    if others.exists():
        raise ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code)


def project_stage_errors(
    *, project: Project, investors: Iterable[Enterprise] | None, old_stage: str | None
) -> dict[str, list[str]]:
    """What the stage table refuses about this project, keyed by field, in Chinese."""
    errors: dict[str, list[str]] = {}
    if not stages.is_transition_allowed(old_stage, project.stage):
        errors.setdefault("stage", []).append(
            _("项目阶段不能从“%(old)s”直接变为“%(new)s”。")
            % {"old": stages.Stage(old_stage).label, "new": project.get_stage_display()}
        )
    if "investors" in stages.required_fields(project.stage):
        has_investors = bool(list(investors)) if investors is not None else (
            project.pk is not None and project.investors.exists()
        )
        if not has_investors:
            errors.setdefault("investors", []).append(
                _("项目阶段为“%(stage)s”时必须填写投资方。") % {"stage": project.get_stage_display()}
            )
    return errors


def user_may_set_stage(*, user: AbstractBaseUser | None, stage: str) -> bool:
    permission = stages.permission_for(stage)
    return permission is None or user is None or user.has_perm(permission)


@transaction.atomic
def project_save(
    *,
    project: Project,
    user: AbstractBaseUser | None = None,
    investors: Iterable[Enterprise] | None = None,
    institutes: Iterable | None = None,
    milestone_note: str = "",
) -> Project:
    """Validate and save a project; a change of stage appends a milestone.

    ``investors``/``institutes`` replace the many-to-many sets when given. ``user`` None means a
    system write (seed loader, data migration): the role check is skipped, the stage table is not.
    """
    old_stage = None
    if project.pk is not None:
        old_stage = Project.objects.filter(pk=project.pk).values_list("stage", flat=True).first()
    if investors is not None:
        investors = list(investors)
    errors = project_stage_errors(project=project, investors=investors, old_stage=old_stage)
    if old_stage != project.stage and not user_may_set_stage(user=user, stage=project.stage):
        raise PermissionDenied(_("您没有权限将项目设为“%(stage)s”。") % {"stage": project.get_stage_display()})
    ensure_slug(project)
    try:
        full_clean_fast(project, exclude=["version"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    project.save()
    if investors is not None:
        project.investors.set(investors)
    if institutes is not None:
        project.institutes.set(institutes)
    if old_stage is None:
        # A new record may enter the ledger part-way along: log each dated stage it has passed.
        reached = stages.MAIN_PATH[: stages.MAIN_PATH.index(project.stage) + 1] if (
            project.stage in stages.MAIN_PATH
        ) else ()
        for stage in reached:
            date_field = stages.date_field_for(stage)
            if stage != project.stage and date_field and getattr(project, date_field):
                milestone_record(project=project, stage=stage, user=user)
    if old_stage != project.stage:
        milestone_record(project=project, stage=project.stage, user=user, note=milestone_note)
    if project.signing_event_id is not None:
        from .duplicates import flag_possible_duplicates

        flag_possible_duplicates(project=project)
    public_pages_changed()
    return project


def milestone_record(
    *, project: Project, stage: str, user: AbstractBaseUser | None = None, note: str = ""
) -> ProjectMilestone:
    """Append a milestone for ``stage``, dated by the project's date field for that stage.

    Stages without a date field (在谈, 暂缓, 终止) carry no date; the record's own timestamp says
    when it was logged.
    """
    date_field = stages.date_field_for(stage)
    date: datetime.date | None = getattr(project, date_field) if date_field else None
    precision = getattr(project, f"{date_field}_precision") if date_field else DatePrecision.DAY
    milestone = ProjectMilestone(
        project=project,
        stage=stage,
        date=date,
        date_precision=precision,
        note=note,
        recorded_by=user if user is not None and user.is_authenticated else None,
    )
    # Its one CHECK (stage) is the field's choices; the project and user are already saved records.
    milestone.full_clean(exclude=["project", "recorded_by"], validate_constraints=False)
    milestone.save()
    public_pages_changed()
    return milestone


@transaction.atomic
def enterprise_save(
    *, enterprise: Enterprise, user: AbstractBaseUser | None = None, honours: Iterable | None = None
) -> Enterprise:
    """Validate and save an enterprise (slug from its name when empty); ``honours`` replaces the set when given."""
    ensure_slug(enterprise)
    enterprise.full_clean(exclude=["version"])
    enterprise.save()
    if honours is not None:
        enterprise.honours.set(honours)
    return enterprise
