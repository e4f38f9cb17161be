"""
The project ledger's rules at the write door (``ledger.writes``) and its named writes.

``ProjectRules`` adds the stage table to every write of a project, whoever makes it: the allowed
moves, the fields a stage requires, the role a move needs; a change of stage appends a milestone
and a project with a signing conference is checked for a duplicate signing. ``project_save``,
``projects_import`` and ``enterprise_save`` are the named entry points; each goes through the door.
"""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jobs.services import job_start
from ledger.cache import public_pages_changed
from ledger.writes import (
    BatchLookups,
    FieldPermissionDenied,
    RecordWrite,
    WriteRules,
    batch_commit,
    follow_on_save,
    record_prepare,
    record_save,
    records_lock,
    register_rules,
)

from . import stages
from .duplicates import flag_possible_duplicates
from .export_cells import export_cells_refresh_listing, export_cells_refresh_projects, stores_export_lines
from .jobs import REFRESH_EXPORT_LINES_KIND
from .land import WARNING_FIELDS, signing_warnings
from .models import (
    DatePrecision,
    Enterprise,
    Project,
    ProjectMilestone,
    RenewalZone,
    ResearchInstitute,
    Sector,
    SigningEvent,
)
from .sorting import name_sort_key


class ProjectRules(WriteRules):
    """The stage table at the door: checked on every write of a project, milestones after it."""

    locked_fields = ("stage", "funds_in_place", *WARNING_FIELDS)

    def validate(self, write: RecordWrite) -> dict[str, list[str]]:
        project = write.record
        project.name_sort = name_sort_key(project.name)  # the pinyin key 名称 sorts by (projects.sorting)
        # The sum of the funds ledger, as stored under the row lock: never a value a form loaded earlier.
        project.funds_in_place = write.stored["funds_in_place"] if write.stored is not None else None
        warnings = signing_warnings(project=project, stored=write.stored)
        if warnings:  # not refused: shown by the admin, recorded in the history entry's reason
            write.extra["warnings"] = warnings
            write.reason = "；".join([*filter(None, [write.reason]), *warnings])
        old_stage = write.stored["stage"] if write.stored is not None else None
        errors = project_stage_errors(project=project, investors=write.m2m.get("investors"), old_stage=old_stage)
        if old_stage != project.stage and not user_may_set_stage(
            user=write.user, stage=project.stage, old_stage=old_stage
        ):
            raise FieldPermissionDenied(
                _("您没有权限将项目设为“%(stage)s”。") % {"stage": project.get_stage_display()}, field="stage"
            )
        write.extra["milestones"] = project_milestones(
            project=project, old_stage=old_stage, user=write.user, note=write.options.get("milestone_note", "")
        )
        return errors

    def after_save(self, write: RecordWrite) -> None:
        project = write.record
        milestones = write.extra.get("milestones", ())
        for milestone in milestones:
            milestone.project = project
        follow_on_save(milestones, user=write.user)
        if project.signing_event_id is not None:
            flag_possible_duplicates(project=project)
        export_cells_refresh_projects(project_ids=[project.pk])

    def after_batch(self, writes: list[RecordWrite]) -> None:
        milestones = []
        for write in writes:
            for milestone in write.extra.get("milestones", ()):
                milestone.project = write.record
                milestones.append(milestone)
        follow_on_save(milestones, user=writes[0].user, together=True)
        for write in writes:
            if write.record.signing_event_id is not None:
                flag_possible_duplicates(project=write.record)
        export_cells_refresh_projects(project_ids=[write.record.pk for write in writes])

    def after_state_change(self, record: Project, changed: list[str]) -> None:
        # Publication, review and archive fields are in the project's stored CSV lines.
        export_cells_refresh_projects(project_ids=[record.pk])

    def publish_errors(self, record: Project) -> dict[str, list[str]]:
        return project_stage_errors(project=record, investors=None, old_stage=record.stage)


class ListedRecordRules(WriteRules):
    """An enterprise or institute a project lists: its slug, name (the order) and whether it is
    published (the public cell) are in those projects' stored export cells. The database forgets them
    on any change of the record; the door computes them again in one statement for all of them.
    (A delete needs no step: the door refuses to delete a record a project still lists.)"""

    def after_save(self, write: RecordWrite) -> None:
        if not write.is_new:  # a new one is listed by no project yet; the database forgot the others
            export_cells_refresh_listing(record=write.record)

    def after_state_change(self, record, changed: list[str]) -> None:
        export_cells_refresh_listing(record=record)


def export_lines_refill_queue() -> None:
    """Queue the job that computes again the stored export lines the database forgot (its triggers,
    see projects/migrations/0020_export_cells_forgotten_by_triggers.py), for a change that reaches
    many projects at once; the export computes those projects live meanwhile."""
    job_start(kind=REFRESH_EXPORT_LINES_KIND, title=_("重新计算项目导出行"), user=None)


def export_lines_refill_officer(*, user) -> None:
    """An account was renamed: the staff CSV names a project's officer, so the database forgot the
    stored lines of the projects it follows (registered with ``accounts.users`` in ``ready()``)."""
    if stores_export_lines() and Project.objects.filter(officer=user).exists():
        export_lines_refill_queue()


class ShownParentRules(WriteRules):
    """A sector, signing conference or zone: its slug (and, if it has one, whether it is published) is
    in the stored CSV line of every project that points to it. The database forgets those lines on any
    change of the record; the door queues their new computation.
    (A delete needs no step: a record a project points to is protected from deletion.)"""

    def __init__(self, *, relation: str):
        self.relation = relation

    def _refill(self, record) -> None:
        if stores_export_lines() and Project.objects.filter(**{self.relation: record.pk}).exists():
            export_lines_refill_queue()

    def after_save(self, write: RecordWrite) -> None:
        if not write.is_new:
            self._refill(write.record)

    def after_state_change(self, record, changed: list[str]) -> None:
        self._refill(record)


class MilestoneRules(WriteRules):
    """A milestone written at the door (the timeline, a revert) or deleted is in its project's stored
    export cells. (A milestone of a published project is on its public page: a change or delete by
    someone who may not publish projects waits for review, ``projects.governance``.)"""

    def after_save(self, write: RecordWrite) -> None:
        export_cells_refresh_projects(project_ids=[write.record.project_id])

    def after_delete(self, record: ProjectMilestone) -> None:
        export_cells_refresh_projects(project_ids=[record.project_id])


register_rules(Project, ProjectRules())
register_rules(ProjectMilestone, MilestoneRules())
register_rules(Enterprise, ListedRecordRules())
register_rules(ResearchInstitute, ListedRecordRules())
register_rules(Sector, ShownParentRules(relation="sector"))
register_rules(SigningEvent, ShownParentRules(relation="signing_event"))
register_rules(RenewalZone, ShownParentRules(relation="zone"))


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


def user_may_set_stage(*, user: AbstractBaseUser | None, stage: str, old_stage: str | None = None) -> bool:
    """Whether ``user`` may move a project from ``old_stage`` (None: a new record) to ``stage``.

    The role each move needs is in the stage table; None means a system write.
    """
    if user is None:
        return True
    permission = stages.permission_for_transition(old_stage, stage)
    return permission is None or user.has_perm(permission)


def project_save(
    *,
    project: Project,
    user: AbstractBaseUser | None = None,
    investors: Iterable[Enterprise] | None = None,
    institutes: Iterable | None = None,
    milestone_note: str = "",
    expected_version: int | None = None,
    reason: str = "",
) -> Project:
    """Validate and save a project through the door; a change of stage appends a milestone.

    ``investors``/``institutes`` replace the many-to-many sets when given. ``user`` None means a
    system write (seed loader, data migration): the role check is skipped, the stage table is not.
    ``expected_version`` is the version the writer loaded: a stale one is refused
    (``StaleVersionError``). The save leaves exactly one history entry, many-to-many included.
    ``projects_import`` applies the same rules to many projects at once.
    """
    return record_save(
        record=project, user=user, expected_version=expected_version, reason=reason,
        m2m={"investors": investors, "institutes": institutes}, options={"milestone_note": milestone_note},
    )


def project_milestones(
    *, project: Project, old_stage: str | None, user: AbstractBaseUser | None, note: str = ""
) -> list[ProjectMilestone]:
    """The milestones a save of ``project`` appends (validated, not saved).

    A new record may enter the ledger part-way along: each dated stage it has passed is logged,
    then the stage it is in. A change of stage logs the new stage.
    """
    milestones = []
    if old_stage is None:
        reached = stages.MAIN_PATH[: stages.MAIN_PATH.index(project.stage) + 1] if (
            project.stage in stages.MAIN_PATH
        ) else ()
        for stage in reached:
            date_field = stages.date_field_for(stage)
            if stage != project.stage and date_field and getattr(project, date_field):
                milestones.append(milestone_build(project=project, stage=stage, user=user))
    if old_stage != project.stage:
        milestones.append(milestone_build(project=project, stage=project.stage, user=user, note=note))
    return milestones


def milestone_build(
    *, project: Project, stage: str, user: AbstractBaseUser | None = None, note: str = ""
) -> ProjectMilestone:
    """A validated, unsaved milestone for ``stage``, dated by the project's date field for that stage.

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
    return milestone


def milestone_record(
    *, project: Project, stage: str, user: AbstractBaseUser | None = None, note: str = ""
) -> ProjectMilestone:
    """Append a milestone for ``stage`` (see ``milestone_build``)."""
    milestone = milestone_build(project=project, stage=stage, user=user, note=note)
    with transaction.atomic():
        follow_on_save([milestone], user=user)
        export_cells_refresh_projects(project_ids=[project.pk])
    public_pages_changed()
    return milestone


class ProjectImport:
    """Many projects saved under exactly ``project_save``'s rules, in a few queries (spreadsheet import).

    ``add`` prepares one project at the door at once (so each bad row gets its own messages)
    against what the batch read once: the stored versions and stages (locked), taken slugs and
    codes. ``write`` then saves them all: updates one by one, new projects, investor links,
    milestones and history entries in bulk, then the duplicate-signing check per project with a
    signing conference and one public-data bump. Same result as ``project_save`` row after row.
    Call it inside a transaction; ``write`` only after every ``add`` succeeded.
    """

    def __init__(self, *, user: AbstractBaseUser | None, existing: Iterable[Project] = (),
                 codes: Iterable[str] = (), names: Iterable[str] = ()):
        self.user = user
        existing = [project for project in existing if project.pk is not None]
        self._stored = records_lock(Project, [p.pk for p in existing])
        self.lookups = BatchLookups(Project)
        self.lookups.prefetch("code", [code for code in codes if code])
        self.lookups.prefetch("slug", [p.slug for p in existing if p.slug])
        self.lookups.prefetch_slugs(names, max_length=Project._meta.get_field("slug").max_length)
        self._writes: list[RecordWrite] = []

    def add(self, *, project: Project, investors: Iterable[Enterprise] | None = None) -> None:
        """Prepare ``project`` at the door and queue it; raises ``ValidationError`` /
        ``PermissionDenied`` as ``project_save`` does."""
        stored = None
        if project.pk is not None:
            stored = self._stored.get(project.pk)
            if stored is None:  # not announced to the batch: lock it now
                stored = records_lock(Project, [project.pk]).get(project.pk)
        write = record_prepare(
            record=project, user=self.user, m2m={"investors": investors}, lookups=self.lookups, stored=stored,
            merge_pending=True,  # a row is read from the live record: an officer's pending changes stay
        )
        self._writes.append(write)

    def __len__(self) -> int:
        return len(self._writes)

    def write(self) -> list[Project]:
        with transaction.atomic():
            return batch_commit(self._writes)


def projects_import(
    *, rows: Iterable[tuple[Project, Iterable[Enterprise] | None]], user: AbstractBaseUser | None = None
) -> list[Project]:
    """Save many ``(project, investors)`` at once under ``project_save``'s rules, all or nothing.

    Raises ``ValidationError`` mapping each refused row's position (from 0) to its errors.
    """
    rows = list(rows)
    with transaction.atomic():
        batch = ProjectImport(
            user=user, existing=[project for project, _ in rows], codes=[project.code for project, _ in rows],
            names=[project.name for project, _ in rows if not project.slug],
        )
        errors: dict[str, list] = {}
        for number, (project, investors) in enumerate(rows):
            try:
                batch.add(project=project, investors=investors)
            except (ValidationError, PermissionDenied) as exc:
                errors[str(number)] = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        if errors:
            raise ValidationError(errors)
        return batch.write()


def enterprise_save(
    *,
    enterprise: Enterprise,
    user: AbstractBaseUser | None = None,
    honours: Iterable | None = None,
    expected_version: int | None = None,
    reason: str = "",
) -> Enterprise:
    """Validate and save an enterprise through the door (slug from its name when empty);
    ``honours`` replaces the set when given."""
    return record_save(
        record=enterprise, user=user, expected_version=expected_version, reason=reason, m2m={"honours": honours},
    )
