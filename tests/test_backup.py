"""The backup drill: dump the seed data with pg_dump, restore it into an empty database, lose nothing."""

import datetime
import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from desk import services as desk_services
from projects.models import Project, ProjectMilestone
from tests.factories import (
    ChainFactory,
    ChainNodeFactory,
    EnterpriseFactory,
    FundsEntryFactory,
    LeadFactory,
    ProjectFactory,
    ProjectMilestoneFactory,
    ProjectYearFiguresFactory,
    ResearchInstituteFactory,
    StaffUserFactory,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DRILL = BASE_DIR / "bench" / "backup_drill.sh"

def connection_url(dbname: str) -> str:
    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{dbname}"


def table_rows(url: str, table: str, pk: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(f'SELECT * FROM "{table}" ORDER BY "{pk}"').fetchall()


def desk_records(project: Project) -> None:
    """One of each desk record (a 督办 item with a follow-up, a visit with its task, an evidence PDF)."""
    today = datetime.date.today()
    drill = StaffUserFactory(username="drill")
    item = desk_services.supervision_create(project=project, obstacle="备份演练问题", responsible_unit="区发改局",
                                            deadline=today, user=None)
    desk_services.supervision_follow_up(item=item, date=today, note="备份演练跟进", user=None)
    visit = desk_services.interaction_log(project=project, occurred_on=today, summary="备份演练走访",
                                          next_step="备份演练任务", staff=[drill], user=None)
    desk_services.task_create(title="备份演练任务", assignee=drill, user=None)
    desk_services.evidence_attach(project=project, interaction=visit, title="备份演练材料", user=None,
                                  upload=SimpleUploadedFile("drill.pdf", b"%PDF-1.4\n%%EOF\n"))


@pytest.mark.django_db(transaction=True)
def test_pg_dump_and_restore_bring_back_every_record_and_history_entry(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump/pg_restore work on PostgreSQL only; this test runs in CI on PostgreSQL.")
    call_command("load_seed", verbosity=0)
    # Records the seed has few of, so every table that can hold a row holds one.
    ProjectMilestoneFactory(note="备份演练")
    LeadFactory()
    FundsEntryFactory()  # the funds ledger and its history
    ProjectYearFiguresFactory()  # a year's output and tax (亩均) and its history
    # A chain's 链主/链核 and a link's attached records: the seed attaches none (it invents no facts).
    ChainNodeFactory(chain=ChainFactory(leaders=[EnterpriseFactory()], cores=[EnterpriseFactory()]),
                     enterprises=[EnterpriseFactory()], projects=[ProjectFactory()])
    ProjectFactory().institutes.add(ResearchInstituteFactory())  # the history of a project's institutes
    desk_records(Project.objects.order_by("pk").first())  # the desk's records and their history
    models = [model for model in apps.get_models() if model._meta.managed and not model._meta.proxy]
    source_db = connection.settings_dict["NAME"]
    drill_db = f"{source_db}_drill"
    source_counts = {model._meta.db_table: model.objects.count() for model in models}
    assert Project.objects.count() >= 16  # the conference's projects are in the seed
    history_models = [m for m in models if m.__name__.startswith("Historical")] + [ProjectMilestone]
    for model in history_models:
        assert source_counts[model._meta.db_table] > 0, f"{model.__name__} has no entries to lose"

    env = {**os.environ, "BACKUP_DIR": str(tmp_path), "DRILL_DB": drill_db, "KEEP_DRILL": "1"}
    result = subprocess.run(
        [str(DRILL), connection_url(source_db)], env=env, capture_output=True, text=True, timeout=300
    )
    try:
        assert result.returncode == 0, result.stdout + result.stderr
        assert "every table identical after restore" in result.stdout
        assert list(tmp_path.glob(f"{source_db}-*.dump")), "the dump file is kept as the backup"
        # Independently of the script: every model's rows, field for field, in the restored database.
        for model in models:
            table, pk = model._meta.db_table, model._meta.pk.column
            restored = table_rows(connection_url(drill_db), table, pk)
            assert len(restored) == source_counts[table], table
            assert restored == table_rows(connection_url(source_db), table, pk), table
        # The restored sequences continue where the source stopped: new records get fresh ids.
        with psycopg.connect(connection_url(drill_db)) as conn:
            next_id = conn.execute("SELECT nextval(pg_get_serial_sequence('projects_project', 'id'))").fetchone()[0]
        assert next_id > Project.objects.order_by("-pk").values_list("pk", flat=True).first()
    finally:
        with psycopg.connect(connection_url("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{drill_db}"')


def test_the_drill_fails_loudly_without_a_postgresql_url():
    result = subprocess.run([str(DRILL), "sqlite:///var/db.sqlite3"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "usage" in result.stderr
