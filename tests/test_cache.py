"""Public pages come from the cache, and a write through the services shows on them at once."""

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from projects.services import project_save
from tests.factories import ProjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_cache_on")]


@pytest.fixture
def _cache_on():
    cache.clear()
    with override_settings(PUBLIC_CACHE_SECONDS=300):
        yield
    cache.clear()


LIST_URL = reverse("projects:project_list")


def test_a_public_page_is_served_from_the_cache_without_touching_the_database(client, django_assert_num_queries):
    ProjectFactory(name="缓存测试项目")
    first = client.get(LIST_URL)
    assert first.status_code == 200
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(LIST_URL)
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert "缓存测试项目" in second.content.decode()
    assert not second.cookies  # nothing per-visitor in a shared page


def test_an_unpublished_project_disappears_from_the_cached_list_at_once(client, django_capture_on_commit_callbacks):
    project = ProjectFactory(name="即将撤回的项目")
    detail_url = project.get_absolute_url()
    assert "即将撤回的项目" in client.get(LIST_URL).content.decode()
    assert client.get(detail_url).status_code == 200
    assert client.get(LIST_URL)["X-Cache"] == "hit"

    project.is_published = False
    with django_capture_on_commit_callbacks(execute=True):
        project_save(project=project)

    response = client.get(LIST_URL)
    assert response["X-Cache"] == "miss"
    assert "即将撤回的项目" not in response.content.decode()
    assert client.get(detail_url).status_code == 404


def test_a_changed_or_newly_published_project_shows_at_once(client, django_capture_on_commit_callbacks):
    project = ProjectFactory(name="旧名称项目")
    draft = ProjectFactory(name="新发布的项目", is_published=False)
    assert "旧名称项目" in client.get(LIST_URL).content.decode()
    assert client.get(project.get_absolute_url())["X-Cache"] == "miss"

    project.name = "新名称项目"
    draft.is_published = True
    with django_capture_on_commit_callbacks(execute=True):
        project_save(project=project)
        project_save(project=draft)

    text = client.get(LIST_URL).content.decode()
    assert "新名称项目" in text and "旧名称项目" not in text
    assert "新发布的项目" in text
    assert "新名称项目" in client.get(project.get_absolute_url()).content.decode()


def test_a_write_that_bypasses_the_services_is_not_seen_until_the_cache_expires(client):
    # The flip side of the design, stated so nobody relies on it: writes must go through the services.
    project = ProjectFactory(name="绕过服务的项目")
    client.get(LIST_URL)
    type(project).objects.filter(pk=project.pk).update(name="直接改库的名称")
    assert "绕过服务的项目" in client.get(LIST_URL).content.decode()


def test_staff_with_a_session_always_see_live_pages(admin_client):
    ProjectFactory()
    admin_client.get(LIST_URL)
    response = admin_client.get(LIST_URL)
    assert response.status_code == 200
    assert "X-Cache" not in response


def test_the_language_switch_works_on_cached_pages_without_a_csrf_token():
    client = Client(enforce_csrf_checks=True)
    page = client.get(LIST_URL)
    assert "csrfmiddlewaretoken" not in page.content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": LIST_URL})
    assert response.status_code == 302
    english = client.get(response["Location"])
    assert english["Content-Language"] == "en"
    assert english.content != page.content


def test_a_change_saved_in_the_admin_shows_at_once(admin_client, django_capture_on_commit_callbacks):
    from ambassadors.models import Ambassador
    from tests.admin_utils import admin_url, form_data
    from tests.factories import AmbassadorFactory

    visitor = Client()
    ambassador = AmbassadorFactory(name="大使旧名")
    list_url = reverse("ambassadors:ambassador_list")
    assert "大使旧名" in visitor.get(list_url).content.decode()
    assert visitor.get(list_url)["X-Cache"] == "hit"

    change_url = admin_url(Ambassador, "change", ambassador.pk)
    data = form_data(admin_client.get(change_url))
    data["name"] = "大使新名"
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(change_url, data).status_code == 302

    text = visitor.get(list_url).content.decode()
    assert "大使新名" in text and "大使旧名" not in text
