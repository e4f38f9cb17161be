"""The ledger's admin forms: a refusal met while the prepared write commits comes back on the form
(``ledger.admin_refusals``), and the changelist's editable column writes through the door. Through
the real request path, committing for real (``transaction=True``)."""

import pytest

from accounts.roles import Role
from ledger import writes
from projects.models import Project, Sector
from projects.services import project_save
from tests.admin_utils import admin_url, form_data
from tests.factories import EnterpriseFactory, ProjectFactory, SectorFactory, StaffUserFactory

pytestmark = pytest.mark.django_db(transaction=True)

CONFLICT = "这次修改与数据库中已有的记录冲突"


@pytest.fixture
def officer_client(client):
    client.force_login(StaffUserFactory(username="officer", roles=[Role.OFFICER]))
    return client


def project_rows() -> tuple[int, int]:
    return Project.objects.count(), Project.history.model.objects.count()


@pytest.fixture
def taken_meanwhile(monkeypatch):
    """Another writer stores the code ``code`` on ``other`` after the form validated, just before the
    form's write commits: the database's unique constraint refuses the commit."""

    def arrange(*, other: Project, code: str) -> None:
        commit = writes.RecordWrite.commit

        def commit_after_the_other_writer(self):
            Project.objects.filter(pk=other.pk).update(code=code)
            return commit(self)

        monkeypatch.setattr(writes.RecordWrite, "commit", commit_after_the_other_writer)

    return arrange


def test_a_new_project_refused_by_the_database_at_commit_keeps_the_form(officer_client, taken_meanwhile):
    other = ProjectFactory(is_published=False, code="QS-OTHER")
    investor, sector = EnterpriseFactory(), SectorFactory()
    data = form_data(officer_client.get(admin_url(Project, "add")))
    data.update(name="氢能装备产业园", code="QS-2026-001", investors=[str(investor.pk)], sector=str(sector.pk),
                stage="signed", signed_on="2026-02-10", signed_on_precision="day", summary="年产电解槽 500 台")
    taken_meanwhile(other=other, code="QS-2026-001")
    before = project_rows()
    response = officer_client.post(admin_url(Project, "add"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert CONFLICT in page
    form = response.context["adminform"].form
    assert (form["name"].value(), form["code"].value(), form["summary"].value()) == (
        "氢能装备产业园", "QS-2026-001", "年产电解槽 500 台")
    assert project_rows() == before
    assert Project.objects.get(pk=other.pk).code == "QS-OTHER"  # the other write was in the undone transaction


def test_a_revert_refused_by_the_database_at_commit_keeps_the_form(officer_client, taken_meanwhile):
    project = ProjectFactory(is_published=False, code="QS-A")
    first = project.history.latest("history_date")
    project.code, project.summary = "QS-B", "第二版"
    project_save(project=project)
    other = ProjectFactory(is_published=False, code="QS-OTHER")
    url = admin_url(Project, "history", project.pk).replace("history/", f"history/{first.history_id}/")
    data = form_data(officer_client.get(url))
    taken_meanwhile(other=other, code="QS-A")
    before = project_rows()
    response = officer_client.post(url, data)
    assert response.status_code == 200 and CONFLICT in response.content.decode()
    assert response.context["adminform"].form["code"].value() == "QS-A"
    assert project_rows() == before
    project.refresh_from_db()
    assert (project.code, project.summary) == ("QS-B", "第二版")


def test_the_sector_lists_editable_order_saves_through_the_door(admin_client):
    sector = SectorFactory(name="新能源", position=1)
    versions = sector.history.count()
    changelist = admin_url(Sector, "changelist")
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": str(sector.pk),
            "form-0-position": "7", "_save": "保存"}
    response = admin_client.post(changelist, data)
    assert response.status_code == 302
    sector.refresh_from_db()
    assert sector.position == 7
    assert sector.history.count() == versions + 1  # one history entry, written by the door

    response = admin_client.post(changelist, {**data, "form-0-position": "-3"})
    assert response.status_code == 200
    assert "确保该值大于或等于0" in response.content.decode()
    sector.refresh_from_db()
    assert sector.position == 7 and sector.history.count() == versions + 1
