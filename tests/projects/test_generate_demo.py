"""The demo-data generator, run small: deterministic, valid, visibly synthetic, and harmless to real records."""

from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from ambassadors.models import Ambassador, Lead, LeadStatus
from projects.export_cells import export_cells_differences, export_cells_rebuild
from projects.management.commands.generate_demo import BULK_MODELS, MARK, Command
from projects.models import Enterprise, FundsEntry, Project, ProjectMilestone, RenewalZone, Sector, SigningEvent
from projects.services import project_stage_errors
from projects.sorting import name_sort_key
from projects.stages import MAIN_PATH, STAGE_DATE_FIELDS, Stage
from tests.factories import EnterpriseFactory, ProjectFactory, SectorFactory

pytestmark = pytest.mark.django_db

N = 500


def generate(seed: int = 1, **options) -> None:
    call_command("generate_demo", projects=N, seed=seed, verbosity=0, **options)


def snapshot() -> list[tuple]:
    """Everything a reader would see of the demo projects, without database ids or timestamps."""
    investors: dict[str, list[str]] = {}
    for slug, enterprise_name in Project.investors.through.objects.filter(
        project__slug__startswith="demo-"
    ).values_list("project__slug", "enterprise__name"):
        investors.setdefault(slug, []).append(enterprise_name)
    milestones = Counter(
        ProjectMilestone.objects.filter(project__slug__startswith="demo-").values_list("project__slug", flat=True)
    )
    rows = Project.objects.filter(slug__startswith="demo-").order_by("slug").values_list(
        "slug", "code", "name", "stage", "signed_on", "registered_on", "started_on", "completed_on", "production_on",
        "total_investment", "funds_in_place", "is_published", "sector__slug", "zone__name", "signing_event__name",
    )
    return [(*row, sorted(investors.get(row[0], [])), milestones[row[0]]) for row in rows]


def test_same_seed_gives_the_same_data_and_another_seed_does_not():
    generate(seed=7)
    first = snapshot()
    generate(seed=7, replace=True)
    assert snapshot() == first
    generate(seed=8, replace=True)
    assert snapshot() != first
    assert len(first) == N


def test_a_second_run_without_replace_is_refused():
    generate()
    with pytest.raises(CommandError):
        generate()
    assert Project.objects.count() == N


def test_every_record_is_marked_as_generated():
    generate()
    for model in (Project, Enterprise, RenewalZone, SigningEvent, Ambassador):
        assert model.objects.exists()
        assert not model.objects.exclude(name__startswith=MARK).exists(), model
        assert not model.objects.exclude(slug__startswith="demo-").exists(), model
    assert not Lead.objects.exclude(target_name__startswith=MARK).exists()
    assert not Project.objects.exclude(code__startswith="DEMO-").exists()


def test_generated_projects_obey_the_model_rules_and_the_stage_table():
    generate()
    projects = Project.objects.prefetch_related("investors", "milestones")
    stages = Counter()
    for project in projects:
        # The database checked its constraints on insert; clean() restates them as the office's rules.
        project.full_clean(exclude=["version"], validate_unique=False, validate_constraints=False)
        stages[project.stage] += 1
        investors = list(project.investors.all())
        assert project_stage_errors(project=project, investors=investors, old_stage=None) == {}, project.slug
        dated = {m.stage: m.date for m in project.milestones.all() if m.date}
        for stage, field in STAGE_DATE_FIELDS.items():
            assert dated.get(stage) == getattr(project, field), project.slug
        if project.funds_in_place is not None:
            assert project.funds_in_place <= project.total_investment
    # The funds in place is the funds ledger's sum, though the load wrote both around the door.
    sums = dict(FundsEntry.objects.values("project_id").annotate(total=Sum("amount")).values_list("project_id", "total"))
    assert sums and {p.pk: p.funds_in_place for p in projects if p.funds_in_place is not None} == sums
    # A realistic spread: every stage occurs, the main path dominates, amounts vary widely.
    assert set(stages) == set(Stage.values)
    assert sum(stages[s] for s in MAIN_PATH) > 0.8 * N
    amounts = sorted(p.total_investment for p in projects if p.total_investment is not None)
    assert amounts[-1] > 50 * amounts[len(amounts) // 10]
    assert Project.objects.filter(is_published=False).exists()
    signed_leads = Lead.objects.filter(status=LeadStatus.SIGNED)
    assert signed_leads.exists() and not signed_leads.filter(project__isnull=True).exists()


def test_real_records_are_reused_never_changed_and_survive_replace():
    sector = SectorFactory(name="钢铁", slug="gang-tie")
    enterprise = EnterpriseFactory(name="海亮集团有限公司", slug="hai-liang")
    project = ProjectFactory(name="海亮集团产业合作项目", slug="hai-liang-project", sector=sector, investors=[enterprise])
    before = (
        list(Sector.objects.values_list("pk", "name", "slug", "parent_id", "updated_at")),
        list(Project.objects.values_list("pk", "name", "stage", "updated_at")),
        list(Enterprise.objects.values_list("pk", "name", "updated_at")),
    )
    generate()
    generate(seed=2, replace=True)
    assert list(Sector.objects.values_list("pk", "name", "slug", "parent_id", "updated_at")) == before[0]
    assert Project.objects.exclude(slug__startswith="demo-").count() == 1
    assert list(Project.objects.filter(pk=project.pk).values_list("pk", "name", "stage", "updated_at")) == before[1]
    assert list(Enterprise.objects.filter(pk=enterprise.pk).values_list("pk", "name", "updated_at")) == before[2]
    assert list(project.investors.all()) == [enterprise]
    # The existing sector tree is reused rather than a demo one created beside it.
    assert Project.objects.filter(slug__startswith="demo-", sector=sector).exists()
    assert not Sector.objects.filter(slug__startswith="demo-").exists()


def test_each_project_stores_the_sort_key_the_write_door_would_store():
    # Names come from a pool whose pinyin keys are computed once each; a re-save must not reorder them.
    generate()
    for name, name_sort in Project.objects.filter(slug__startswith="demo-").values_list("name", "name_sort"):
        assert name_sort == name_sort_key(name), name


def test_progress_bars_name_each_table_with_its_rate(capsys):
    call_command("generate_demo", projects=N, seed=1, verbosity=1)
    err = capsys.readouterr().err
    for label in ("projects", "investor links", "milestones", "enterprises", "honours", "leads"):
        assert f"{label}: 100%" in err, label
    assert "rows/s" in err


def _schema(tables: list[str]) -> tuple[list, list]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY indexdef", [tables])
        indexes = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated FROM pg_constraint"
            " WHERE conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [tables],
        )
        constraints = cursor.fetchall()
    return indexes, constraints


@pytest.mark.skipif(connection.vendor != "postgresql", reason="indexes are dropped and rebuilt on PostgreSQL only")
def test_indexes_and_foreign_keys_dropped_for_the_load_are_all_back_and_checked():
    tables = [model._meta.db_table for model in BULK_MODELS]
    before = _schema(tables)
    assert any("gin_trgm_ops" in index for index in before[0])
    generate()
    assert _schema(tables) == before
    # The rebuilt foreign keys are enforced: a milestone of a missing project is refused.
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "INSERT INTO projects_projectmilestone (project_id, stage, note, created_at, updated_at)"
            " VALUES (-1, 'signed', '', now(), now())"
        )


def test_values_with_copy_special_characters_are_stored_exactly():
    # The rows go in as COPY text on PostgreSQL: a tab, newline, carriage return or backslash in a
    # value must be escaped, never split the row or vanish.
    command = Command()
    command.now, command.batch_size, command.show_progress = timezone.now(), 2, False
    names = ["【演示】制表\t符\t", "【演示】换行\n与回车\r", "【演示】反斜杠\\N", "【演示】\\\\N"]
    table = command.table(Enterprise, ("name", "slug", "description"))
    rows = ((name, f"demo-special-{i}", name * 2) for i, name in enumerate(names))
    assert command.stream(table, rows, "enterprises") == len(names)
    stored = list(Enterprise.objects.filter(slug__startswith="demo-special-").order_by("slug").values_list(
        "name", "description", "review_status", "is_published", "version"))
    assert stored == [(name, name * 2, "draft", False, 1) for name in names]  # defaults for the other fields


def test_a_large_run_in_small_batches_gives_the_same_data_as_one_batch():
    # Batches are only how the rows travel: the data is the same whatever --batch-size.
    generate(seed=5, batch_size=10_000)
    first = snapshot()
    generate(seed=5, batch_size=7, replace=True)
    assert snapshot() == first


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the export's stored cells are PostgreSQL only")
def test_every_demo_project_has_its_export_cells_as_a_fresh_rebuild_computes_them():
    generate()
    cells = "SELECT project_id, investor_slugs, investor_slugs_all, milestones FROM projects_projectexportcells"
    with connection.cursor() as cursor:
        cursor.execute(cells + " ORDER BY project_id")
        stored = cursor.fetchall()
        assert len(stored) == Project.objects.count()
        assert all(row[3] for row in stored)  # every generated project has milestones
        cursor.execute("DELETE FROM projects_projectexportcells")
    export_cells_rebuild()
    with connection.cursor() as cursor:
        cursor.execute(cells + " ORDER BY project_id")
        assert cursor.fetchall() == stored


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the export's stored cells are PostgreSQL only")
def test_a_stored_cell_other_than_the_exports_own_sql_is_found():
    # generate_demo computes its projects' cells as it makes them and checks a sample with this.
    generate()
    demo = Project.objects.filter(slug__startswith="demo-")
    assert export_cells_differences(projects=demo, missing=True) == []
    project = demo.filter(investors__isnull=False).first()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE projects_projectexportcells SET investor_slugs_all = 'x' WHERE project_id = %s",
                       [project.pk])
    assert export_cells_differences(projects=demo, missing=True) == [(project.pk, ["investor_slugs_all"])]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM projects_projectexportcells WHERE project_id = %s", [project.pk])
    assert export_cells_differences(projects=demo, missing=True) == [(project.pk, ["(missing)"])]
    assert export_cells_differences(projects=demo) == []
