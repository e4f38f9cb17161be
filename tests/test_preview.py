"""Staff preview (issue 14): a draft or a pending revision as the public would see it, marked 预览,
noindex, never cached; 404 for anyone else."""

import pytest
from django.test import override_settings

from accounts.roles import Role
from ledger.revisions import pending_revisions
from projects.models import Project
from projects.services import project_save
from tests.admin_utils import admin_url
from tests.factories import ProjectFactory, RenewalZoneFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

MARKER = "ZQXPREVIEWMARKER"


def preview(record) -> str:
    return f"/preview/{record._meta.app_label}/{record._meta.model_name}/{record.pk}/"


@pytest.fixture
def officer():
    return StaffUserFactory(username="officer", roles=[Role.OFFICER])


@override_settings(PUBLIC_CACHE_SECONDS=300)
def test_staff_preview_a_draft_marked_noindex_and_never_cached(client, officer):
    draft = ProjectFactory(name=MARKER + "草稿", is_published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(preview(draft)).status_code == 404  # anonymous: as if the address did not exist
    client.force_login(officer)
    response = client.get(preview(draft))
    assert response.status_code == 200
    body = response.content.decode()
    assert MARKER in body and "预览" in body and '<meta name="robots" content="noindex, nofollow">' in body
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"] and "X-Cache" not in response
    client.logout()
    assert client.get(preview(draft)).status_code == 404  # nothing was kept for the next visitor


def test_a_non_staff_account_and_a_staff_account_without_view_permission_get_404(client):
    draft = RenewalZoneFactory(name=MARKER, is_published=False)
    client.force_login(StaffUserFactory(username="visitor", is_staff=False))
    assert client.get(preview(draft)).status_code == 404
    client.force_login(StaffUserFactory(username="no-roles"))
    assert client.get(preview(draft)).status_code == 404
    assert client.get("/preview/auth/user/1/").status_code == 404
    assert client.get("/preview/nosuch/model/1/").status_code == 404


def test_the_preview_of_a_pending_revision_shows_the_proposed_values(client, officer):
    project = ProjectFactory(summary="已发布的摘要")
    record = Project.objects.get(pk=project.pk)
    record.summary = MARKER + "修订后的摘要"
    project_save(project=record, user=officer, expected_version=record.version)
    (revision,) = pending_revisions(project)
    client.force_login(officer)
    body = client.get(preview(project) + f"?revision={revision.pk}").content.decode()
    assert MARKER in body and "待审修订的预览" in body
    assert MARKER not in client.get(preview(project)).content.decode()
    assert client.get(preview(project) + "?revision=x").status_code == 404
    client.logout()
    assert MARKER not in client.get(project.get_absolute_url()).content.decode()


def test_view_on_site_of_a_draft_goes_to_the_preview(client, officer):
    draft = ProjectFactory(is_published=False)
    client.force_login(officer)
    page = client.get(admin_url(Project, "change", draft.pk)).content.decode()
    assert f'href="{preview(draft)}"' in page
    published = ProjectFactory()
    page = client.get(admin_url(Project, "change", published.pk)).content.decode()
    assert f'href="{preview(published)}"' not in page


def test_a_revision_number_in_other_digits_is_not_found_not_an_error(client, officer):
    draft = ProjectFactory(name="数字测试草稿", is_published=False)
    client.force_login(officer)
    # str.isdigit() is true for "²", which int() refuses: an unknown revision, not a server error.
    assert client.get(preview(draft), {"revision": "²"}).status_code == 404
