"""The import writes in batches (``services.ProjectImport``) what ``project_save`` writes row by row."""

import datetime
from decimal import Decimal

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from projects.models import DuplicateFlag, Project, ProjectMilestone
from projects.resources import ProjectResource
from projects.services import project_save, projects_import
from projects.stages import Stage
from tests.factories import (
    EnterpriseFactory,
    ProjectFactory,
    SectorFactory,
    SigningEventFactory,
    SuperUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HEADERS = ["项目编号", "项目名称", "投资方", "产业领域", "签约活动", "项目阶段", "签约日期", "注册落户日期", "开工日期",
           "总投资（万元）", "到位资金（万元）", "招商专员"]


class RowByRowResource(ProjectResource):
    """The import as it was: ``project_save`` for each row, inside the row's own step."""

    def save_record(self, instance, row, *, is_create: bool) -> None:
        from ledger.importing import pending_many

        project_save(project=instance, user=self.user, investors=pending_many(instance, "investors"))

    def write_records(self, result) -> None:
        pass


@pytest.fixture
def ledger():
    SectorFactory(name="光电子信息")
    EnterpriseFactory(name="甲科技有限公司")
    EnterpriseFactory(name="乙材料有限公司")
    earlier = SigningEventFactory(name="2025招商大会", held_on=datetime.date(2025, 3, 1))
    SigningEventFactory(name="2026招商大会", held_on=datetime.date(2026, 2, 10))
    UserFactory(username="zhuanyuan")
    investor = EnterpriseFactory(name="丙集团有限公司")
    # Already in the ledger: an earlier-conference project the file's later one duplicates,
    # a project the file moves on a stage, and a project holding the slug the file's names want.
    ProjectFactory(code="QS-OLD-1", name="丙集团光谷总部项目", signing_event=earlier, investors=[investor],
                   total_investment=Decimal("50000"), slug="bing-ji-tuan-guang-gu-zong-bu-xiang-mu")
    ProjectFactory(code="QS-OLD-2", name="老项目", stage=Stage.SIGNED, signed_on=datetime.date(2025, 5, 1),
                   investors=[investor], slug="lao-xiang-mu")
    ProjectFactory(code="", name="同名项目", slug="tong-ming-xiang-mu", investors=[investor])


def sheet() -> tablib.Dataset:
    data = tablib.Dataset(headers=HEADERS)
    for row in [
        ["QS-1", "新材料项目", "甲科技有限公司", "光电子信息", "", "在谈", "", "", "", "800", "", ""],
        ["QS-2", "光谷研发中心", "甲科技有限公司；乙材料有限公司", "光电子信息", "2025招商大会", "已开工", "2025-03-01",
         "2025-04-01", "2025年6月", "1.2亿", "", "zhuanyuan"],
        ["QS-3", "丙集团光谷总部", "丙集团有限公司", "", "2026招商大会", "已签约", "2026-02-10", "", "", "51000", "", ""],
        ["QS-OLD-2", "老项目", "丙集团有限公司", "", "", "已注册落户", "2025-05-01", "2025-09-01", "", "", "", ""],
        ["QS-4", "同名项目", "乙材料有限公司", "", "", "在谈", "", "", "", "", "", ""],
        ["QS-5", "同名项目", "乙材料有限公司", "", "", "在谈", "", "", "", "", "", ""],
        ["QS-6", "光谷研发中心二期", "甲科技有限公司", "", "2026招商大会", "已签约", "2026-02-10", "", "", "12000", "", ""],
    ]:
        data.append(row)
    return data


def ledger_state() -> dict:
    """Every row the import writes, keyed by project code rather than by database id."""
    code = {p.pk: p.code or p.name for p in Project.objects.all()}
    skip = {"id", "created_at", "updated_at", "published_at"}
    projects = {
        p["code"] or p["name"]: {k: v for k, v in p.items() if k not in skip}
        for p in Project.objects.values()
    }
    investors = {code[p.pk]: sorted(i.name for i in p.investors.all()) for p in Project.objects.all()}
    milestones = sorted((
        (code[m.project_id], m.stage, m.date, m.date_precision, m.note, m.recorded_by_id)
        for m in ProjectMilestone.objects.all()
    ), key=repr)
    history = sorted((
        (code[h.id], h.history_type, h.history_user_id, h.version, h.stage, h.slug, str(h.total_investment),
         tuple(sorted(link.enterprise_id for link in h.investors.all())))
        for h in Project.history.all()
    ), key=repr)
    milestone_history = sorted((
        (code[h.project_id], h.stage, h.history_type, h.history_user_id) for h in ProjectMilestone.history.all()
    ), key=repr)
    flags = sorted((code[f.project_id], code[f.original_id], f.reason, f.status) for f in DuplicateFlag.objects.all())
    return {"projects": projects, "investors": investors, "milestones": milestones, "history": history,
            "milestone_history": milestone_history, "flags": flags}


@pytest.mark.parametrize("with_user", [False, True])
def test_the_batch_writes_exactly_what_project_save_writes_row_by_row(ledger, with_user):
    user = SuperUserFactory(username="importer") if with_user else None
    with transaction.atomic():
        result = RowByRowResource().import_data(sheet(), dry_run=False, user=user)
        assert not result.has_errors() and not result.has_validation_errors()
        row_by_row = ledger_state()
        transaction.set_rollback(True)
    assert not Project.objects.filter(code="QS-1").exists()

    result = ProjectResource().import_data(sheet(), dry_run=False, user=user)
    assert not result.has_errors() and not result.has_validation_errors()
    batch = ledger_state()

    assert batch == row_by_row
    # And the rows say what the office expects, so the comparison compares something.
    assert batch["projects"]["QS-4"]["slug"] == "tong-ming-xiang-mu-2"
    assert batch["projects"]["QS-5"]["slug"] == "tong-ming-xiang-mu-3"
    assert [m[1] for m in batch["milestones"] if m[0] == "QS-2"] == ["registered", "signed", "started"]
    assert ("QS-OLD-2", "registered") in {m[:2] for m in batch["milestones"]}
    assert {(f[0], f[1]) for f in batch["flags"]} == {("QS-3", "QS-OLD-1"), ("QS-6", "QS-2")}
    assert len([h for h in batch["history"] if h[0] == "QS-2"]) == 1
    assert [h[-1] for h in batch["history"] if h[0] == "QS-2"][0] and len(
        [h for h in batch["history"] if h[0] == "QS-2"][0][-1]) == 2


def test_the_batch_service_refuses_a_code_twice_and_a_taken_code_row_by_row(ledger):
    first = Project(code="QS-9", name="一号", stage=Stage.NEGOTIATING)
    second = Project(code="QS-9", name="二号", stage=Stage.NEGOTIATING)
    taken = Project(code="QS-OLD-1", name="三号", stage=Stage.NEGOTIATING)
    fine = Project(code="QS-10", name="四号", stage=Stage.NEGOTIATING)
    with pytest.raises(ValidationError) as refused:
        projects_import(rows=[(first, []), (second, []), (taken, []), (fine, [])])
    errors = refused.value.message_dict
    assert sorted(errors) == ["1", "2"]
    assert any("项目编号" in message for message in errors["1"])
    assert not Project.objects.filter(code__in=["QS-9", "QS-10"]).exists()

    saved = projects_import(rows=[(first, []), (fine, [])])
    assert [p.code for p in saved] == ["QS-9", "QS-10"]
    assert Project.objects.get(code="QS-10").history.count() == 1


def test_an_english_ui_user_imports_a_file_with_the_chinese_headers(ledger):
    with translation.override("en"):
        result = ProjectResource().import_data(sheet(), dry_run=False)
        assert not result.has_errors() and not result.has_validation_errors(), [
            r.error_dict for r in result.invalid_rows] + [e.error for e in result.base_errors]
        bad = tablib.Dataset(headers=["项目编号", "项目名称", "项目阶段"])
        bad.append(["QS-X", "坏阶段", "快签了"])
        errors = ProjectResource().import_data(bad, dry_run=True).invalid_rows[0].error_dict
    assert Project.objects.get(code="QS-2").stage == Stage.STARTED
    # Keyed by the file's own header; the message in the user's language.
    assert list(errors) == ["项目阶段"]
    assert "is not a valid" in errors["项目阶段"][0]
