"""An import row does not silently replace the importing officer's pending revision: the imported
fields are merged into it and the earlier pending changes stay (through the admin's real import)."""

import io

import pytest
import tablib

from accounts.roles import Role
from ledger import workflow
from ledger.models import Revision, RevisionStatus
from ledger.revisions import pending_revisions
from ledger.writes import record_save
from projects.models import Project
from tests.factories import EnterpriseFactory, ProjectFactory, SectorFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/projects/project/import/"
HEADERS = ("项目编号", "项目名称", "投资方", "产业领域", "项目阶段", "签约日期", "总投资（万元）")


def xlsx(rows) -> io.BytesIO:
    data = tablib.Dataset(headers=list(HEADERS))
    for row in rows:
        data.append(row)
    upload = io.BytesIO(data.export("xlsx"))
    upload.name = "项目.xlsx"
    return upload


def test_an_import_row_merges_into_the_officers_pending_revision(client):
    officer = StaffUserFactory(username="officer-zhou", roles=[Role.OFFICER])
    reviewer = StaffUserFactory(username="reviewer-he", roles=[Role.REVIEWER])
    sector, investor = SectorFactory(name="氢能"), EnterpriseFactory(name="甲公司")
    project = ProjectFactory(code="QS-9", name="氢能装备项目", sector=sector, investors=[investor],
                             total_investment="100", summary="已发布的摘要")
    edited = Project.objects.get(pk=project.pk)
    edited.summary = "官员先改的摘要"
    record_save(record=edited, user=officer)
    assert pending_revisions(project).get().changes == {"summary": "官员先改的摘要"}

    client.force_login(officer)
    row = ["QS-9", "氢能装备项目", "甲公司", "氢能", "已签约", project.signed_on.isoformat(), "150"]
    preview = client.post(IMPORT_URL, {"format": "0", "import_file": xlsx([row]), "resource": "0"})
    assert preview.status_code == 200
    confirm = preview.context["confirm_form"]
    done = client.post("/admin/projects/project/process_import/", {**confirm.initial, "resource": "0"})
    assert done.status_code == 302

    live = Project.objects.get(pk=project.pk)
    assert (live.summary, live.total_investment) == ("已发布的摘要", 100)
    revision = pending_revisions(project).get()
    assert revision.author == officer
    assert revision.changes == {"summary": "官员先改的摘要", "total_investment": "150.00"}
    assert Revision.objects.filter(object_id=project.pk, status=RevisionStatus.SUPERSEDED).count() == 1

    workflow.revision_approve(revision=revision, user=reviewer)
    live.refresh_from_db()
    assert (live.summary, live.total_investment) == ("官员先改的摘要", 150)
