"""Small things on the staff pages: the evidence form's menus list the chosen project's own records,
files show kinds and sizes as people say them, the revert page says it restores the version shown,
the export page has no inline style or handler (strict CSP)."""

import re

import pytest
from django.urls import reverse

from desk import services
from projects.models import Project
from projects.services import project_save
from tests.factories import ProjectFactory, SuperUserFactory

from .conftest import pdf

pytestmark = pytest.mark.django_db


def menu(page: str, name: str) -> str:
    return page.split(f'name="{name}"')[1].split("</select>")[0]


def test_the_evidence_form_lists_only_the_chosen_projects_milestones(client, project, officer):
    other = ProjectFactory(name="别的项目", officer=officer)
    client.force_login(officer)
    url = reverse("admin:desk_evidencedocument_add")
    blank = menu(client.get(url).content.decode(), "milestone")
    assert "<option" not in blank.replace('<option value="" selected>---------</option>', "")
    chosen = menu(client.get(url, {"project": project.pk}).content.decode(), "milestone")
    assert all(f'value="{m.pk}"' in chosen for m in project.milestones.all())
    assert not any(f'value="{m.pk}"' in chosen for m in other.milestones.all())
    assert "别的项目" not in chosen


def test_evidence_shows_the_file_kind_and_size_as_people_say_them(client, project, officer):
    services.evidence_attach(project=project, upload=pdf(), title="投资协议", user=officer)
    client.force_login(officer)
    page = client.get(reverse("admin:desk_evidencedocument_changelist")).content.decode()
    assert "PDF 文档" in page and "字节" in page
    assert "application/pdf" not in page


def test_the_revert_page_says_it_restores_the_version_shown(client, reviewer):
    project = ProjectFactory(summary="旧摘要")
    record = Project.objects.get(pk=project.pk)
    record.summary = "新摘要"
    project_save(project=record, user=reviewer)
    first = project.history.order_by("history_date").first()
    client.force_login(SuperUserFactory(username="root"))
    page = client.get(reverse("admin:projects_project_simple_history", args=[project.pk, first.history_id]))
    text = page.content.decode()
    assert "恢复为这个版本" in text and "还原记录到当前版本" not in text


def test_the_export_page_has_no_inline_style_or_handler(client):
    client.force_login(SuperUserFactory(username="root"))
    page = client.get(reverse("admin:projects_project_export")).content.decode()
    assert "选择" in page or "导出" in page
    assert not re.search(r"\sstyle=", page) and not re.search(r"\son[a-z]+=", page)
