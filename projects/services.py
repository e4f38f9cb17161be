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
from .history import describe_changes, format_changes, has_history, save_many_with_history, save_with_history
from .models import DatePrecision, Enterprise, Project, ProjectMilestone
from .slugs import slug_from_name, unique_slug
from .sorting import name_sort_key


class StaleVersionError(ValidationError):
    """Somebody saved the record after this writer loaded it: the write is refused, not merged.

    A ``ValidationError``, so the admin shows it on the form and the API answers 400 (409 where
    the API maps it). ``changes`` lists what the other writer changed, field by field.
    """

    def __init__(self, *, record: models.Model, loaded_version: int, current_version: int):
        self.record = record
        self.loaded_version = loaded_version
        self.current_version = current_version
        self.changes, editors = _changes_since(record, loaded_version)
        message = _(
            "保存失败：此记录在您打开后已被%(editors)s修改（您打开的是第 %(loaded)s 版，当前为第 %(current)s 版），"
            "您的修改未保存。对方的改动：%(changes)s。请重新打开此记录，在最新版本上修改。"
        ) % {
            "editors": editors or _("他人"),
            "loaded": loaded_version,
            "current": current_version,
            "changes": format_changes(self.changes) or _("（无字段变化）"),
        }
        super().__init__(message, code="stale")


def _changes_since(record: models.Model, loaded_version: int):
    """What changed between the version a writer loaded and the stored one, and by whom."""
    if not has_history(type(record)):
        return [], ""
    rows = list(
        type(record).history.filter(**{record._meta.pk.attname: record.pk})
        .select_related("history_user").order_by("history_date", "history_id")
    )
    loaded = [row for row in rows if row.version <= loaded_version]
    if not loaded or not rows:
        return [], ""
    base, latest = loaded[-1], rows[-1]
    editors = sorted({
        str(row.history_user.get_full_name() or row.history_user.get_username())
        for row in rows if row.version > loaded_version and row.history_user is not None
    })
    return describe_changes(base, latest), "、".join(editors)


# Review, publication and archive state: changed only by the services in ``projects.workflow``.
WORKFLOW_FIELDS: tuple[str, ...] = (
    "is_published", "published_at", "review_status", "review_comment", "archived_at", "archive_reason",
)


def _field_names(model: type[models.Model]) -> set[str]:
    return {f.name for f in model._meta.concrete_fields}


def publish_permission(model: type[models.Model] | models.Model) -> str:
    """``app_label.publish_<model>``: the reviewer's permission to publish and unpublish."""
    opts = model._meta
    return f"{opts.app_label}.publish_{opts.model_name}"


def lock_version(*, record: models.Model, expected_version: int | None, keep_workflow: bool = True) -> None:
    """Optimistic locking: lock the stored row, refuse a stale write, move ``record.version`` on.

    ``expected_version`` is the version the writer loaded (the admin form and the API carry it);
    None means a system write that does not take part in the check (seed loader, imports).
    Every write through a service bumps the version, so a later stale write is always caught.

    With ``keep_workflow`` (every write by a person) an edit never changes the workflow state:
    the review, publication and archive fields keep their stored values, so an edit form, a
    revert or an API write cannot publish a record; only ``projects.workflow`` changes them.
    System writes (seed loader, imports: no user) may set them as given.
    """
    if record.pk is None:
        if "version" in _field_names(type(record)):
            record.version = 1
        return
    stored = locked_versions(type(record), [record.pk], extra=()).get(record.pk)
    apply_locked_version(record=record, stored=stored, expected_version=expected_version, keep_workflow=keep_workflow)


def locked_versions(model: type[models.Model], pks: Iterable, *, extra: Iterable[str] = ()) -> dict:
    """Lock the rows ``pks`` (one query) and return, per pk, what ``apply_locked_version`` needs
    (version and workflow fields) and the ``extra`` columns."""
    names = _field_names(model)
    columns = (["version"] if "version" in names else []) + [n for n in WORKFLOW_FIELDS if n in names]
    # No ordering: a default ordering over a nullable join cannot be locked on PostgreSQL.
    rows = model._default_manager.select_for_update().filter(pk__in=list(pks)).order_by()
    return {row["pk"]: row for row in rows.values(*columns, *extra, "pk")}


def apply_locked_version(
    *, record: models.Model, stored: dict | None, expected_version: int | None, keep_workflow: bool
) -> None:
    """``lock_version`` once the stored row is read (None: it is gone)."""
    if stored is None:
        raise ValidationError(_("该记录已不存在，可能已被删除。"), code="gone")
    names = _field_names(type(record))
    kept = [name for name in WORKFLOW_FIELDS if name in names] if keep_workflow else []
    for name in kept:
        setattr(record, name, stored[name])
    if "version" not in names:
        return
    current = stored["version"]
    if expected_version is not None and int(expected_version) != current:
        raise StaleVersionError(record=record, loaded_version=int(expected_version), current_version=current)
    record.version = current + 1


def require_write_permission(*, record: models.Model, user: AbstractBaseUser | None) -> None:
    """A user (None: a system write) needs the add or change permission for the record's model."""
    if user is None:
        return
    opts = record._meta
    action = "add" if record.pk is None else "change"
    if not user.is_active or not user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
        raise PermissionDenied(
            _("您没有权限%(action)s%(model)s。")
            % {"action": _("新增") if action == "add" else _("修改"), "model": opts.verbose_name}
        )


def start_as_draft(*, record: models.Model, user: AbstractBaseUser | None) -> None:
    """A new record entered by someone who may not publish starts as an unpublished draft."""
    if record.pk is not None or user is None or user.has_perm(publish_permission(record)):
        return
    names = _field_names(type(record))
    if "is_published" in names:
        record.is_published = False
    if "published_at" in names:
        record.published_at = None
    if "review_status" in names:
        record.review_status = "draft"


def attribute(record: models.Model, *, user: AbstractBaseUser | None, reason: str = "") -> None:
    """Say who makes the next write and why; the change history records both."""
    if user is not None and user.is_authenticated:
        record._history_user = user
    if reason:
        record._change_reason = reason


@transaction.atomic
def record_save(
    *,
    record: models.Model,
    user: AbstractBaseUser | None = None,
    expected_version: int | None = None,
    m2m: dict[str, Iterable] | None = None,
    reason: str = "",
) -> models.Model:
    """Validate and save any ledger record with optimistic locking and one history entry.

    For the records without a stage table (enterprises, events, zones, institutes, ambassadors,
    cohorts, leads). ``m2m`` maps many-to-many field names to their new sets.
    """
    if record.pk is not None and record._state.adding:
        record._state.adding = False  # e.g. a historical version being reverted
    require_write_permission(record=record, user=user)
    lock_version(record=record, expected_version=expected_version, keep_workflow=user is not None)
    start_as_draft(record=record, user=user)
    if hasattr(record, "slug") and hasattr(record, "name"):
        ensure_slug(record)
    exclude = ["version"] if hasattr(record, "version") else None
    record.full_clean(exclude=exclude)
    attribute(record, user=user, reason=reason)
    save_with_history(record, m2m={name: list(values) for name, values in (m2m or {}).items()})
    public_pages_changed()
    return record


def ensure_slug(instance: models.Model, *, source: str | None = None, lookups: "BatchLookups | None" = None) -> None:
    """Give a record without a slug a unique pinyin slug of its name."""
    if not instance.slug:
        max_length = instance._meta.get_field("slug").max_length
        if lookups is not None:
            instance.slug = lookups.unique_slug(str(source or instance.name), max_length=max_length)
            return
        instance.slug = unique_slug(
            type(instance), source or str(instance.name), exclude_pk=instance.pk, max_length=max_length
        )


class BatchLookups:
    """The database questions of many writes of one model, answered from what was read once.

    Single-field unique checks (a unique field, or a ``UniqueConstraint`` on one field whose condition
    compares that field with constants): ``prefetch`` reads which of many values are taken in one
    query, and each validated record claims its value, so two records of the same batch cannot take
    the same one. A value not prefetched is read when asked. Slugs are handed out as ``unique_slug``
    does, counting the ones this batch already gave. Related records attached to an instance were
    read in the batch's own transaction, so their existence is not asked again.
    """

    def __init__(self, model: type[models.Model]):
        self.model = model
        self._holders: dict[str, dict] = {}  # field -> value -> set of pks (or ids of new instances)
        self._claimed: dict[tuple[str, object], object] = {}  # (field, holder) -> value it holds
        self._slugs_given: set[str] = set()
        self._slug_prefix_taken: dict[str, set[str]] = {}

    # -- unique values ------------------------------------------------------------------------
    def prefetch(self, field: str, values: Iterable) -> None:
        holders = self._holders.setdefault(field, {})
        wanted = list({value for value in values if value not in holders})
        condition = self._condition(field)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            for value in chunk:
                holders.setdefault(value, set())
            rows = self.model._default_manager.filter(**{f"{field}__in": chunk})
            if condition is not None:
                rows = rows.filter(condition)
            for value, pk in rows.order_by().values_list(field, "pk"):
                holders[value].add(pk)
                self._claimed[(field, pk)] = value

    def _condition(self, field: str) -> models.Q | None:
        for constraint in self.model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint) and tuple(constraint.fields) == (field,):
                return constraint.condition
        return None

    def _holders_of(self, field: str, value) -> set:
        if value not in self._holders.get(field, {}):
            self.prefetch(field, [value])
        return self._holders[field][value]

    def unique_checks(self) -> list[tuple[str, models.Q | None, str]] | None:
        """(field, condition, message) for every unique check of the model, None when one of them is
        beyond what a batch answers (several fields, expressions, a condition on other fields)."""
        if not hasattr(self, "_unique_checks"):
            self._unique_checks = self._read_unique_checks()
        return self._unique_checks

    def _read_unique_checks(self) -> list[tuple[str, models.Q | None, str]] | None:
        checks = []
        unique_checks, _date_checks = self.model()._get_unique_checks(include_meta_constraints=False)
        for _model, names in unique_checks:
            if len(names) != 1 or names[0] == self.model._meta.pk.name:
                if len(names) != 1:
                    return None
                continue
            checks.append((names[0], None, self.model().unique_error_message(self.model, names).messages[0]))
        for constraint in self.model._meta.constraints:
            if not isinstance(constraint, models.UniqueConstraint):
                continue
            if len(constraint.fields) != 1 or constraint.expressions or not _simple_condition(
                constraint.condition, constraint.fields[0]
            ):
                return None
            checks.append((constraint.fields[0], constraint.condition, constraint.get_violation_error_message()))
        return checks

    def taken(self, instance: models.Model, field: str) -> bool:
        """Whether another record (stored, or earlier in the batch) holds ``instance``'s value of ``field``."""
        holder = instance.pk if instance.pk is not None else id(instance)
        return bool(self._holders_of(field, getattr(instance, field)) - {holder})

    def check_unique(self, instance: models.Model, *, exclude: set[str]) -> dict[str, list[str]]:
        """The unique errors of ``instance`` (by field), and its claim on its values when there are none."""
        checks = self.unique_checks()
        if checks is None:  # pragma: no cover - every ledger model's checks are single-field
            raise ValueError(f"BatchLookups cannot check {self.model.__name__}")
        errors: dict[str, list[str]] = {}
        holder = instance.pk if instance.pk is not None else id(instance)
        claims = []
        for field, condition, message in checks:
            if field in exclude:
                continue
            value = getattr(instance, field)
            if condition is not None and not _condition_holds(condition, field, value):
                continue
            others = self._holders_of(field, value) - {holder}
            if others:
                errors.setdefault(field, []).append(message)
            else:
                claims.append((field, value))
        if not errors:
            for field, value in claims:
                previous = self._claimed.get((field, holder))
                if previous is not None and previous != value:
                    self._holders[field].get(previous, set()).discard(holder)
                self._holders[field][value].add(holder)
                self._claimed[(field, holder)] = value
        return errors

    # -- slugs --------------------------------------------------------------------------------
    def prefetch_slugs(self, names: Iterable[str], *, max_length: int) -> None:
        """Read at once whether the slugs of many names are taken (new records' names)."""
        self.prefetch("slug", [self._slug_base(name, max_length) for name in names if name])

    def _slug_base(self, name: str, max_length: int) -> str:
        cache = self.__dict__.setdefault("_slug_bases", {})
        if (name, max_length) not in cache:
            cache[name, max_length] = slug_from_name(name, max_length=max_length - 4)
        return cache[name, max_length]

    def unique_slug(self, name: str, *, max_length: int) -> str:
        """``slugs.unique_slug`` for a record of this batch: also avoids slugs the batch gave."""
        base = self._slug_base(name, max_length)
        if base not in self._slug_prefix_taken and base not in self._slugs_given and not self._holders_of(
            "slug", base
        ):
            taken: set[str] = set()  # the base is free: nothing else about the prefix matters.
        else:
            taken = self._slug_prefix_taken.get(base)
            if taken is None:
                taken = set(self.model._default_manager.filter(slug__startswith=base).values_list("slug", flat=True))
                self._slug_prefix_taken[base] = taken
        candidate, n = base, 1
        while candidate in taken or candidate in self._slugs_given:
            n += 1
            candidate = f"{base}-{n}"
        self._slugs_given.add(candidate)
        return candidate


def _simple_condition(condition, field: str) -> bool:
    """A condition ``_condition_holds`` can evaluate: exact comparisons of ``field`` with constants."""
    if condition is None:
        return True
    if not isinstance(condition, models.Q):
        return False
    for child in condition.children:
        if isinstance(child, models.Q):
            if not _simple_condition(child, field):
                return False
        elif child[0] not in (field, f"{field}__exact") or isinstance(child[1], (models.F, models.Expression)):
            return False
    return True


def _condition_holds(condition: models.Q, field: str, value) -> bool:
    results = [
        _condition_holds(child, field, value) if isinstance(child, models.Q) else value == child[1]
        for child in condition.children
    ]
    held = all(results) if condition.connector == models.Q.AND else any(results)
    return not held if condition.negated else held


def full_clean_fast(
    instance: models.Model, *, exclude: list[str] | None = None, lookups: BatchLookups | None = None
) -> None:
    """``full_clean()`` without re-running the CHECK constraints through the ORM.

    The model's ``clean()`` restates every CHECK constraint as a message and the database enforces
    them; asking Django to validate them as well costs one query per constraint (over twenty for a
    project), which made a 5,000-row import take minutes. Unique constraints are still checked.

    With ``lookups`` (a batch of writes) the unique checks are answered from the batch's reads, and
    a foreign key whose record is attached (read in the batch's transaction) is not looked up again.
    """
    if lookups is not None:
        trusted = [
            field.name for field in instance._meta.concrete_fields
            if field.many_to_one and field.is_cached(instance) and getattr(instance, field.name) is not None
            and not getattr(instance, field.name)._state.adding
        ]
        errors: dict[str, list] = {}
        instance.__dict__["_batch_lookups"] = lookups  # for a clean() that asks about other records
        try:
            instance.full_clean(exclude=[*(exclude or ()), *trusted], validate_unique=False,
                                validate_constraints=False)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        finally:
            del instance.__dict__["_batch_lookups"]
        for field, messages in lookups.check_unique(instance, exclude={*(exclude or ()), *errors}).items():
            errors.setdefault(field, []).extend(messages)
        if errors:
            raise ValidationError(errors)
        return
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


def user_may_set_stage(*, user: AbstractBaseUser | None, stage: str, old_stage: str | None = None) -> bool:
    """Whether ``user`` may move a project from ``old_stage`` (None: a new record) to ``stage``.

    The role each move needs is in the stage table; None means a system write.
    """
    if user is None:
        return True
    permission = stages.permission_for_transition(old_stage, stage)
    return permission is None or user.has_perm(permission)


@transaction.atomic
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
    """Validate and save a project; a change of stage appends a milestone.

    ``investors``/``institutes`` replace the many-to-many sets when given. ``user`` None means a
    system write (seed loader, data migration): the role check is skipped, the stage table is not.
    ``expected_version`` is the version the writer loaded: a stale one is refused
    (``StaleVersionError``). The save leaves exactly one history entry, many-to-many included.
    ``projects_import`` applies the same rules to many projects at once.
    """
    require_write_permission(record=project, user=user)
    old_stage = None
    if project.pk is not None:
        project._state.adding = False  # e.g. a historical version being reverted
        lock_version(record=project, expected_version=expected_version, keep_workflow=user is not None)
        old_stage = Project.objects.filter(pk=project.pk).values_list("stage", flat=True).first()
    else:
        project.version = 1
        start_as_draft(record=project, user=user)
    if investors is not None:
        investors = list(investors)
    project_validate(project=project, user=user, investors=investors, old_stage=old_stage)
    milestones = project_milestones(project=project, old_stage=old_stage, user=user, note=milestone_note)
    attribute(project, user=user, reason=reason)
    m2m: dict[str, list] = {}
    if investors is not None:
        m2m["investors"] = investors
    if institutes is not None:
        m2m["institutes"] = list(institutes)
    save_with_history(project, m2m=m2m)
    for milestone in milestones:
        milestone.project = project
        milestone.save()
    if project.signing_event_id is not None:
        from .duplicates import flag_possible_duplicates

        flag_possible_duplicates(project=project)
    public_pages_changed()
    return project


def project_validate(
    *,
    project: Project,
    user: AbstractBaseUser | None,
    investors: list[Enterprise] | None,
    old_stage: str | None,
    lookups: "BatchLookups | None" = None,
) -> None:
    """Everything ``project_save`` checks before writing: the stage table, the role a stage move
    needs, the fields and the unique constraints. Gives the project its slug.

    ``lookups`` (a batch of writes): answer the database questions from what the batch read once.
    """
    errors = project_stage_errors(project=project, investors=investors, old_stage=old_stage)
    if old_stage != project.stage and not user_may_set_stage(user=user, stage=project.stage, old_stage=old_stage):
        raise PermissionDenied(_("您没有权限将项目设为“%(stage)s”。") % {"stage": project.get_stage_display()})
    ensure_slug(project, lookups=lookups)
    project.name_sort = name_sort_key(project.name)
    try:
        full_clean_fast(project, exclude=["version"], lookups=lookups)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


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
    attribute(milestone, user=user)
    return milestone


def milestone_record(
    *, project: Project, stage: str, user: AbstractBaseUser | None = None, note: str = ""
) -> ProjectMilestone:
    """Append a milestone for ``stage`` (see ``milestone_build``)."""
    milestone = milestone_build(project=project, stage=stage, user=user, note=note)
    milestone.save()
    public_pages_changed()
    return milestone


class ProjectImport:
    """Many projects saved under exactly ``project_save``'s rules, in a few queries (spreadsheet import).

    ``add`` validates one project at once (so each bad row gets its own messages) against what the
    batch read once: the stored versions and stages (locked), taken slugs and codes. ``write``
    then saves them all: updates one by one, new projects, investor links, milestones and history
    entries in bulk, then the duplicate-signing check per project with a signing conference and one
    public-cache bump. Same result as ``project_save`` row after row: the same fields, milestones,
    one history entry per project (investors included) and per milestone, the same flags.
    Call it inside a transaction; ``write`` only after every ``add`` succeeded.
    """

    def __init__(self, *, user: AbstractBaseUser | None, existing: Iterable[Project] = (),
                 codes: Iterable[str] = (), names: Iterable[str] = ()):
        self.user = user
        existing = [project for project in existing if project.pk is not None]
        self._stored = locked_versions(Project, [p.pk for p in existing], extra=("stage",))
        self.lookups = BatchLookups(Project)
        self.lookups.prefetch("code", [code for code in codes if code])
        self.lookups.prefetch("slug", [p.slug for p in existing if p.slug])
        self.lookups.prefetch_slugs(names, max_length=Project._meta.get_field("slug").max_length)
        self._items: list[tuple[Project, list[Enterprise] | None, list[ProjectMilestone]]] = []

    def add(self, *, project: Project, investors: Iterable[Enterprise] | None = None) -> None:
        """Validate ``project`` and queue it; raises ``ValidationError`` / ``PermissionDenied`` as
        ``project_save`` does."""
        user = self.user
        require_write_permission(record=project, user=user)
        old_stage = None
        if project.pk is not None:
            project._state.adding = False
            stored = self._stored.get(project.pk)
            if stored is None:  # not announced to the batch: lock it now
                stored = locked_versions(Project, [project.pk], extra=("stage",)).get(project.pk)
            apply_locked_version(record=project, stored=stored, expected_version=None,
                                 keep_workflow=user is not None)
            old_stage = stored["stage"]
        else:
            project.version = 1
            start_as_draft(record=project, user=user)
        if investors is not None:
            investors = list(investors)
        project_validate(project=project, user=user, investors=investors, old_stage=old_stage, lookups=self.lookups)
        milestones = project_milestones(project=project, old_stage=old_stage, user=user)
        attribute(project, user=user)
        self._items.append((project, investors, milestones))

    def __len__(self) -> int:
        return len(self._items)

    def write(self) -> list[Project]:
        projects = [project for project, _investors, _milestones in self._items]
        m2m = {id(project): {"investors": investors} for project, investors, _m in self._items if investors is not None}
        with transaction.atomic():
            save_many_with_history(projects, m2m=m2m)
            milestones = []
            for project, _investors, project_milestones_ in self._items:
                for milestone in project_milestones_:
                    milestone.project = project
                    milestones.append(milestone)
            save_many_with_history(milestones)
            flagged = [project for project in projects if project.signing_event_id is not None]
            if flagged:
                from .duplicates import flag_possible_duplicates

                for project in flagged:
                    flag_possible_duplicates(project=project)
            if projects:
                public_pages_changed()
        return projects


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
