"""Returned records reach their officer (issue 14): a count on the admin index, the reason in a
banner on the record, and the record first in their changelist."""

import pytest

from accounts.roles import Role
from ledger import workflow
from projects.models import Project
from tests.admin_utils import admin_url
from tests.factories import ProjectFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


def test_the_officer_sees_what_was_returned_to_them(client):
    officer = StaffUserFactory(username="officer", roles=[Role.OFFICER])
    reviewer = StaffUserFactory(username="reviewer", roles=[Role.REVIEWER])
    ProjectFactory(name="甲项目", is_published=False, officer=officer)
    returned = ProjectFactory(name="乙项目", is_published=False, officer=officer)
    ProjectFactory(name="丙项目", is_published=False, officer=officer)
    workflow.submit_for_review(record=returned, user=officer)
    workflow.return_for_changes(record=returned, user=reviewer, reason="签约日期与报道不符")
    client.force_login(officer)

    index = client.get(admin_url(Project, "changelist").replace("projects/project/", "")).content.decode()
    assert "退回给您的记录" in index and "招商项目：1 条已退回" in index

    page = client.get(admin_url(Project, "change", returned.pk)).content.decode()
    assert "此记录已被退回修改" in page and "签约日期与报道不符" in page

    listing = client.get(admin_url(Project, "changelist"))
    names = [row.name for row in listing.context["cl"].result_list]
    assert names[0] == "乙项目"


def test_nothing_returned_shows_no_banner(client):
    officer = StaffUserFactory(username="officer", roles=[Role.OFFICER])
    ProjectFactory(officer=officer)
    client.force_login(officer)
    assert "退回给您的记录" not in client.get("/admin/").content.decode()
