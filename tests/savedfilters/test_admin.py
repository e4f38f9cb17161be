"""常用筛选 on the project changelist: saved per person, found again above the table, deleted by their owner only."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from projects.models import Project
from savedfilters.models import SavedFilter
from tests.admin_utils import admin_url
from tests.factories import ProjectFactory, SuperUserFactory

pytestmark = pytest.mark.django_db

SAVE_URL = "/admin/projects/project/saved-filters/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_saved_filter_comes_back_for_its_owner_only():
    me, colleague = SuperUserFactory(username="me"), SuperUserFactory(username="colleague")
    ProjectFactory(stage="signed")
    mine = client_for(me)
    page = mine.get(admin_url(Project, "changelist"), {"stage__exact": "signed", "p": "2"}).content.decode()
    assert 'name="query" value="stage__exact=signed"' in page  # the page number is not a filter

    response = mine.post(SAVE_URL, {"name": "已签约项目", "query": "stage__exact=signed&p=2"})
    assert response.status_code == 302 and response["Location"].endswith("?stage__exact=signed")
    saved = SavedFilter.objects.get()
    assert (saved.user, saved.changelist, saved.query) == (me, "projects.project", "stage__exact=signed")
    page = mine.get(admin_url(Project, "changelist")).content.decode()
    assert '<a href="?stage__exact=signed">已签约项目</a>' in page
    assert "已签约项目" not in client_for(colleague).get(admin_url(Project, "changelist")).content.decode()

    # The same name again replaces the filter; a colleague cannot delete it; its owner can.
    mine.post(SAVE_URL, {"name": "已签约项目", "query": "stage__exact=started"})
    assert SavedFilter.objects.get().query == "stage__exact=started"
    client_for(colleague).post(SAVE_URL, {"delete": str(saved.pk)})
    assert SavedFilter.objects.exists()
    mine.post(SAVE_URL, {"delete": str(saved.pk)})
    assert not SavedFilter.objects.exists()


def test_a_filter_without_a_name_or_conditions_is_refused_in_chinese():
    client = client_for(SuperUserFactory())
    response = client.post(SAVE_URL, {"name": "  ", "query": "stage__exact=signed"}, follow=True)
    assert "请给这个筛选起个名字。" in response.content.decode()
    response = client.post(SAVE_URL, {"name": "空", "query": "p=3"}, follow=True)
    assert "当前没有任何筛选条件可保存。" in response.content.decode()
    assert client.get(SAVE_URL).status_code == 405
    assert not SavedFilter.objects.exists()


def test_the_database_keeps_one_name_per_list_and_person():
    user = SuperUserFactory()
    SavedFilter.objects.create(user=user, changelist="projects.project", name="甲", query="a=1")
    with pytest.raises(IntegrityError), transaction.atomic():
        SavedFilter.objects.create(user=user, changelist="projects.project", name="甲", query="b=1")
    with pytest.raises(IntegrityError), transaction.atomic():
        SavedFilter.objects.create(user=user, changelist="projects.project", name="", query="b=1")
