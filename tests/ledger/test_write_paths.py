"""Every way of writing to the ledger goes through the door: each leaves exactly one history entry
per record, naming who made it, and marks the public data as changed (the figures and menus cached
under the public data version are recomputed)."""

import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command

from accounts.roles import Role
from ambassadors.models import Ambassador, Lead
from ledger.models import PublicDataVersion
from ledger.spreadsheets import resource_class
from projects.models import Enterprise, Project, Sector
from projects.services import project_save
from tests.admin_utils import admin_url, form_data, form_errors
from tests.factories import (
    AmbassadorFactory,
    EnterpriseFactory,
    LeadFactory,
    ProjectFactory,
    SectorFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db


def token() -> str:
    return PublicDataVersion.objects.get(pk=1).token


@pytest.fixture
def writes(django_capture_on_commit_callbacks):
    """Run a write as a request or command would, its on-commit work included; say whether the
    public data version changed."""

    class Writes:
        def __call__(self, action):
            before = token()
            with django_capture_on_commit_callbacks(execute=True):
                result = action()
            self.bumped = token() != before
            return result

    return Writes()


def entries(record, since: int = 0):
    return list(type(record).history.filter(id=record.pk).order_by("history_id"))[since:]


@pytest.fixture
def officer(client):
    user = StaffUserFactory(username="officer", roles=[Role.OFFICER])
    client.force_login(user)
    return user


@pytest.fixture
def reviewer(client):
    user = StaffUserFactory(username="reviewer", roles=[Role.REVIEWER])
    client.force_login(user)
    return user


def test_admin_change_form(client, officer, writes):
    project = ProjectFactory(is_published=False)  # a published one is held for review (tests/ledger/test_revisions.py)
    before = len(entries(project))
    data = form_data(client.get(admin_url(Project, "change", project.pk)))
    data["summary"] = "改过的摘要"
    response = writes(lambda: client.post(admin_url(Project, "change", project.pk), data))
    assert response.status_code == 302, form_errors(response)
    (entry,) = entries(project, before)
    assert entry.history_user == officer and entry.summary == "改过的摘要"
    assert writes.bumped


def test_admin_add_form(client, officer, writes):
    data = form_data(client.get(admin_url(Enterprise, "add")))
    data.update(name="新增的企业有限公司", province="湖北", city="武汉")
    response = writes(lambda: client.post(admin_url(Enterprise, "add"), data))
    assert response.status_code == 302, form_errors(response)
    enterprise = Enterprise.objects.get(name="新增的企业有限公司")
    (entry,) = entries(enterprise)
    assert entry.history_user == officer and entry.history_type == "+"
    assert not enterprise.is_published  # an officer's new record starts as a draft
    assert writes.bumped


def test_admin_inline_row(client, superuser, writes):
    client.force_login(superuser)
    lead = LeadFactory(summary="旧说明")
    ambassador = lead.ambassador
    lead_before, ambassador_before = len(entries(lead)), len(entries(ambassador))
    data = form_data(client.get(admin_url(Ambassador, "change", ambassador.pk)))
    prefix = next(key for key in data if key.endswith("-target_name")).rsplit("-", 1)[0]
    data[f"{prefix}-target_name"] = "改过的目标企业"
    response = writes(lambda: client.post(admin_url(Ambassador, "change", ambassador.pk), data))
    assert response.status_code == 302, form_errors(response)
    (entry,) = entries(lead, lead_before)
    assert entry.history_user == superuser and entry.target_name == "改过的目标企业"
    assert len(entries(ambassador, ambassador_before)) == 1
    assert writes.bumped


def test_the_lead_inline_cannot_publish(client, superuser):
    client.force_login(superuser)
    lead = LeadFactory(is_published=False)
    data = form_data(client.get(admin_url(Ambassador, "change", lead.ambassador_id)))
    prefix = next(key for key in data if key.endswith("-target_name")).rsplit("-", 1)[0]
    data[f"{prefix}-is_published"] = "on"
    data[f"{prefix}-target_name"] = "顺手改一下"
    response = client.post(admin_url(Ambassador, "change", lead.ambassador_id), data)
    assert response.status_code == 302, form_errors(response)
    lead.refresh_from_db()
    assert lead.target_name == "顺手改一下" and not lead.is_published


def test_bulk_action(client, reviewer, writes):
    projects = [ProjectFactory(is_published=False) for _ in range(3)]
    before = {p.pk: len(entries(p)) for p in projects}
    data = {"action": "publish_selected", ACTION_CHECKBOX_NAME: [str(p.pk) for p in projects]}
    response = writes(lambda: client.post(admin_url(Project, "changelist"), data))
    assert response.status_code == 302
    for project in projects:
        (entry,) = entries(project, before[project.pk])
        assert entry.history_user == reviewer and entry.is_published and entry.history_change_reason == "发布"
    assert writes.bumped


def test_admin_revert(client, officer, writes):
    project = ProjectFactory(is_published=False)
    project.summary = "第一版"
    writes(lambda: project_save(project=project))  # each earlier write committed, as it would have
    first = project.history.latest("history_date")
    project.summary = "第二版"
    writes(lambda: project_save(project=project))
    before = len(entries(project))
    url = admin_url(Project, "history", project.pk) + f"{first.history_id}/"
    response = writes(lambda: client.post(url, form_data(client.get(url))))
    assert response.status_code == 302, form_errors(response)
    (entry,) = entries(project, before)
    assert entry.history_user == officer and entry.summary == "第一版"
    assert entry.history_change_reason.startswith("恢复到 ")
    assert writes.bumped


def test_admin_delete(client, superuser, writes):
    client.force_login(superuser)
    sector = SectorFactory()
    response = writes(lambda: client.post(admin_url(Sector, "delete", sector.pk), {"post": "yes"}))
    assert response.status_code == 302
    assert not Sector.objects.filter(pk=sector.pk).exists()
    (entry,) = Sector.history.filter(id=sector.pk, history_type="-")
    assert entry.history_user == superuser
    assert writes.bumped


@pytest.mark.parametrize("kind, factory, column, value, field", [
    ("projects", ProjectFactory, "摘要", "导入改过的摘要", "summary"),
    ("enterprises", EnterpriseFactory, "简介", "导入改过的简介", "description"),
    ("ambassadors", AmbassadorFactory, "公开简介", "导入改过的简介", "bio"),
    ("leads", LeadFactory, "公开说明", "导入改过的说明", "summary"),
])
def test_import_ledger_commit(tmp_path, superuser, writes, kind, factory, column, value, field):
    """``manage.py import_ledger <kind> FILE --commit --user …``: the office's own export, one cell changed."""
    record = factory()
    before = len(entries(record))
    resource = resource_class(kind)()
    dataset = resource.export(queryset=type(record).objects.filter(pk=record.pk))
    row = list(dataset[0])
    row[dataset.headers.index(column)] = value
    dataset[0] = row
    path = tmp_path / f"{kind}.csv"
    path.write_text("\ufeff" + dataset.csv, encoding="utf-8")
    writes(lambda: call_command("import_ledger", kind, str(path), "--commit", "--user", superuser.username,
                                stdout=io.StringIO(), stderr=io.StringIO()))
    record.refresh_from_db()
    assert getattr(record, field) == value
    (entry,) = entries(record, before)
    assert entry.history_user == superuser
    assert writes.bumped


def test_workflow_submit_and_return(client, officer, writes):
    project = ProjectFactory(is_published=False)
    before = len(entries(project))
    data = {"action": "submit_selected", ACTION_CHECKBOX_NAME: [str(project.pk)]}
    writes(lambda: client.post(admin_url(Project, "changelist"), data))
    (entry,) = entries(project, before)
    assert entry.history_user == officer and entry.review_status == "submitted"
    assert writes.bumped


def test_seed_loader_writes_one_entry_per_record(writes):
    writes(lambda: call_command("load_seed", verbosity=0))
    for model in (Enterprise, Project, Ambassador, Lead, Sector):
        for record in model.objects.all():
            assert len(entries(record)) == 1, record
    assert writes.bumped
