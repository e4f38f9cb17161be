"""Admin flows on the real request path: no test transaction around the request (``transaction=True``),
so a lock taken outside a transaction fails here as it would under gunicorn."""

import pytest
from django.contrib.auth import get_user_model

from projects.models import Enterprise, Honour, Project, ResearchInstitute
from projects.services import enterprise_save, project_save
from tests.admin_utils import admin_url, form_data, form_errors
from tests.factories import EnterpriseFactory, HonourFactory, ProjectFactory, ResearchInstituteFactory

User = get_user_model()


@pytest.mark.django_db(transaction=True)
def test_revert_to_a_version_through_the_real_request_path(admin_client):
    project = ProjectFactory()
    project.summary = "第一版"
    project_save(project=project)
    first = project.history.latest("history_date")
    project.summary = "第二版"
    project_save(project=project)
    url = admin_url(Project, "history", project.pk) + f"{first.history_id}/"
    response = admin_client.post(url, form_data(admin_client.get(url)))
    assert response.status_code == 302, form_errors(response)
    project.refresh_from_db()
    assert project.summary == "第一版"
    assert project.history.latest("history_date").history_change_reason.startswith("恢复到 ")


@pytest.mark.django_db(transaction=True)
def test_an_admin_edit_through_the_real_request_path_refuses_a_stale_version(admin_client):
    project = ProjectFactory()
    data = form_data(admin_client.get(admin_url(Project, "change", project.pk)))
    project.summary = "别人先改了"
    project_save(project=project)
    data["summary"] = "我的修改"
    response = admin_client.post(admin_url(Project, "change", project.pk), data)
    assert response.status_code == 200
    assert "此记录在您打开后已被" in str(form_errors(response))
    assert Project.objects.get(pk=project.pk).summary == "别人先改了"


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Project, Enterprise, Honour])
def test_history_of_a_non_numeric_id_is_not_found(admin_client, model):
    url = admin_url(model, "history", 1).replace("/1/", "/abc/")
    assert admin_client.get(url).status_code == 404
    assert admin_client.get(url.replace("history/", "history/7/")).status_code == 404


@pytest.mark.django_db
def test_an_institute_in_use_cannot_be_deleted(admin_client):
    institute = ResearchInstituteFactory()
    project = ProjectFactory()
    project_save(project=project, institutes=[institute])
    response = admin_client.post(admin_url(ResearchInstitute, "delete", institute.pk), {"post": "yes"})
    assert response.status_code == 200
    assert project.name in response.content.decode()  # named on the refusal page
    assert ResearchInstitute.objects.filter(pk=institute.pk).exists()
    assert list(project.institutes.all()) == [institute]


@pytest.mark.django_db
def test_an_honour_in_use_cannot_be_deleted(admin_client):
    honour = HonourFactory()
    enterprise = EnterpriseFactory()
    enterprise_save(enterprise=enterprise, honours=[honour])
    response = admin_client.post(admin_url(Honour, "delete", honour.pk), {"post": "yes"})
    assert response.status_code == 200
    assert Honour.objects.filter(pk=honour.pk).exists()
    assert list(enterprise.honours.all()) == [honour]


@pytest.mark.django_db
def test_an_officer_account_named_by_projects_cannot_be_deleted(admin_client):
    person = User.objects.create_user(username="zhuanyuan", is_staff=True)
    project = ProjectFactory()
    project.officer = person
    project_save(project=project)
    response = admin_client.post(admin_url(User, "delete", person.pk), {"post": "yes"})
    assert response.status_code == 200
    assert project.name in response.content.decode()
    assert User.objects.filter(pk=person.pk).exists()
    assert Project.objects.get(pk=project.pk).officer == person


@pytest.mark.django_db
def test_an_unused_honour_can_be_deleted(admin_client):
    honour = HonourFactory()
    response = admin_client.post(admin_url(Honour, "delete", honour.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Honour.objects.filter(pk=honour.pk).exists()
