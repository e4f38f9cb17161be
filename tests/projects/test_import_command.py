"""``manage.py import_ledger``: preview, commit, per-row messages and a progress bar."""

import io

import pytest
from django.core.management import CommandError, call_command

from projects.models import Project
from tests.factories import EnterpriseFactory, SectorFactory

pytestmark = pytest.mark.django_db

HEADER = "项目编号,项目名称,投资方,产业领域,项目阶段,签约日期,总投资（万元）\n"


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_ledger", "projects", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_preview_writes_nothing_then_commit_imports_with_a_progress_bar(tmp_path):
    SectorFactory(name="氢能")
    EnterpriseFactory(name="甲公司")
    path = tmp_path / "项目.csv"
    path.write_text("\ufeff" + HEADER + "QS-1,一号项目,甲公司,氢能,已签约,2026-02-10,100\nQS-2,二号项目,,氢能,在谈,,\n",
                    encoding="utf-8")

    out, err = run(path)
    assert "新增 2" in out and "未写入" in out
    assert "2/2" in err  # the progress bar reached the last row
    assert not Project.objects.exists()

    out, _err = run(path, "--commit")
    assert "新增 2" in out
    assert sorted(Project.objects.values_list("code", flat=True)) == ["QS-1", "QS-2"]
    assert Project.objects.get(code="QS-1").milestones.get().stage == "signed"

    out, _err = run(path, "--commit")
    assert "未变 2" in out and Project.objects.count() == 2


def test_a_bad_row_is_named_and_nothing_is_written(tmp_path):
    SectorFactory(name="氢能")
    path = tmp_path / "项目.csv"
    path.write_text(HEADER + "QS-1,一号项目,,氢能,在谈,,100\nQS-2,二号项目,,氢能,已签约,2026-02-10,\n",
                    encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_ledger", "projects", str(path), "--commit", stdout=out, stderr=io.StringIO())
    assert "第 3 行 [投资方]" in out.getvalue() and "必须填写投资方" in out.getvalue()
    assert not Project.objects.exists()
