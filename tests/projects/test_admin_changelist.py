"""The project changelist an officer scans: one line per project, the officer column and filter."""

import re

import pytest

from projects.models import Project
from tests.admin_utils import admin_url
from tests.factories import ProjectFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


def test_the_columns_an_officer_scans(admin_client):
    wang = StaffUserFactory(username="wang", first_name="王专员")
    ProjectFactory(name="青山区某某新材料产业园二期扩建暨总部基地建设项目", code="QS-77", officer=wang)
    response = admin_client.get(admin_url(Project, "changelist"))
    headers = [str(field) for field in response.context["cl"].list_display]
    assert headers[1:] == ["name_display", "stage", "investor_list", "total_investment_display", "signed_display",
                           "officer_display", "workflow_state"]
    page = response.content.decode()
    # The name is cut to one line, the full name and code on hover.
    shown = re.search(r'title="青山区某某新材料产业园二期扩建暨总部基地建设项目（QS-77）">([^<]+)</span>', page)
    assert shown and shown.group(1).startswith("青山区某某新材料") and len(shown.group(1)) <= 16
    assert "<td class=\"field-officer_display\">王专员</td>" in page
    assert 'class="qs-filter-drawer"' in page  # the filters never squeeze the table


def test_the_officer_filter_lists_staff_and_unassigned(admin_client):
    wang = StaffUserFactory(username="wang", first_name="王专员")
    StaffUserFactory(username="li", first_name="李专员")
    ProjectFactory(name="王的项目", officer=wang)
    ProjectFactory(name="无人跟进的项目", officer=None)
    url = admin_url(Project, "changelist")
    page = admin_client.get(url).content.decode()
    assert "王专员" in page and "李专员" in page and "未指派" in page
    names = [p.name for p in admin_client.get(url, {"officer": str(wang.pk)}).context["cl"].result_list]
    assert names == ["王的项目"]
    names = [p.name for p in admin_client.get(url, {"officer": "none"}).context["cl"].result_list]
    assert names == ["无人跟进的项目"]
    assert admin_client.get(url, {"officer": "abc"}).status_code == 200
