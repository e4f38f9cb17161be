"""
Writes to the project ledger. Admin, API, importers and the seed loader all come through here,
so every rule (stage table, constraints, milestones) is applied the same way everywhere.
"""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
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
        project.full_clean(exclude=["version"])
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
    milestone.full_clean()
    milestone.save()
    public_pages_changed()
    return milestone
