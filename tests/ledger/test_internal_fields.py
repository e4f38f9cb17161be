"""Internal fields apply at once: a field the public never sees (the 招商专员, a staff note, obstacles,
the responsible unit, planned dates) is written immediately even on a published record by someone
who may not publish it; only the public fields of that write wait for review. The declared
internal fields are checked against every public serializer and template."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from accounts.roles import Role
from ledger.models import Revision, RevisionStatus
from ledger.writes import governed_models, internal_fields
from projects.models import Project
from qingshan.api_urls import router
from tests.admin_utils import admin_url, form_data, form_errors
from tests.factories import ProjectFactory, SectorFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

MARKER = "ZQXINTERNALMARKER"
CHANGELIST = "/admin/projects/project/"


def _public_serializers():
    seen, stack = set(), [viewset.serializer_class for _p, viewset, _b in router.registry
                          if getattr(viewset, "serializer_class", None) is not None]
    while stack:
        serializer_class = stack.pop()
        if serializer_class in seen:
            continue
        seen.add(serializer_class)
        for field in serializer_class().fields.values():
            child = getattr(field, "child", field)
            if hasattr(child, "Meta") and hasattr(child.Meta, "model"):
                stack.append(type(child))
    return seen


def test_no_public_serializer_names_an_internal_field():
    checked = 0
    for serializer_class in _public_serializers():
        model = getattr(getattr(serializer_class, "Meta", None), "model", None)
        if model is None:
            continue
        named = set(serializer_class().fields)
        assert not named & internal_fields(model), (serializer_class.__name__, named & internal_fields(model))
        checked += 1
    assert checked >= 6


def _public_templates() -> list[Path]:
    portal = Path(settings.BASE_DIR) / "portal" / "templates"
    return sorted(portal.rglob("*.html")) + sorted(portal.rglob("*.xml")) + sorted(portal.rglob("*.txt"))


def test_no_public_template_reads_an_internal_field():
    names = {name for model in governed_models() for name in internal_fields(model)}
    assert {"officer", "staff_note", "obstacles", "responsible_unit", "planned_started_on"} <= names
    templates = _public_templates()
    assert templates
    for path in templates:
        tags = " ".join(re.findall(r"{[{%](.*?)[}%]}", path.read_text(encoding="utf-8"), re.S))
        for name in names:
            # ``form.phone`` is the public form's own field (the enquirer's phone), not a record's.
            readers = {owner for owner in re.findall(rf"(\w+)\.{name}\b", tags) if owner != "form"}
            assert not readers, f"{path.name} reads {name} of {readers}"


@pytest.fixture
def officer():
    return StaffUserFactory(username="officer-wang", first_name="王", roles=[Role.OFFICER])


def test_an_officers_internal_edit_of_a_published_project_applies_at_once(client, officer):
    colleague = StaffUserFactory(username="colleague", roles=[Role.OFFICER])
    project = ProjectFactory(summary="已发布的摘要")
    client.force_login(officer)
    url = admin_url(Project, "change", project.pk)
    data = form_data(client.get(url))
    data.update(staff_note=f"内部 {MARKER}", obstacles="用地指标未落实", officer=str(colleague.pk),
                responsible_unit="区招商局", planned_started_on="2027-03-01")
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    project.refresh_from_db()
    assert (project.staff_note, project.officer, project.responsible_unit) == (f"内部 {MARKER}", colleague, "区招商局")
    assert str(project.planned_started_on) == "2027-03-01"
    assert not Revision.objects.filter(object_id=project.pk).exists()
    assert project.history.latest().history_user == officer
    assert MARKER not in client.get(project.get_absolute_url()).content.decode()


def test_a_write_touching_both_applies_the_internal_part_and_holds_the_public_part(client, officer):
    project = ProjectFactory(summary="已发布的摘要")
    client.force_login(officer)
    url = admin_url(Project, "change", project.pk)
    data = form_data(client.get(url))
    data.update(staff_note="谈判进展顺利", summary=f"新摘要 {MARKER}")
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    project.refresh_from_db()
    assert (project.staff_note, project.summary) == ("谈判进展顺利", "已发布的摘要")
    revision = Revision.objects.get(object_id=project.pk, status=RevisionStatus.PENDING)
    assert revision.changes == {"summary": f"新摘要 {MARKER}"}
    assert revision.base_version == project.version  # approvable: based on the version with the note
    assert MARKER not in client.get(project.get_absolute_url()).content.decode()


def test_bulk_assigning_officers_to_published_projects_applies_and_a_bulk_sector_change_waits(client, officer):
    newcomer = StaffUserFactory(username="newcomer", roles=[Role.OFFICER])
    projects = [ProjectFactory(name=f"已发布项目{n}") for n in range(3)]
    ids = [str(p.pk) for p in projects]
    client.force_login(officer)
    done = client.post(CHANGELIST, {"action": "bulk_edit_projects", ACTION_CHECKBOX_NAME: ids, "confirm": "yes",
                                    "officer": newcomer.pk}, follow=True)
    assert "已修改 3 个项目" in done.content.decode()
    assert Project.objects.filter(pk__in=ids, officer=newcomer).count() == 3
    assert not Revision.objects.exists()

    sector = SectorFactory(name="测试新领域")
    held = client.post(CHANGELIST, {"action": "bulk_edit_projects", ACTION_CHECKBOX_NAME: ids, "confirm": "yes",
                                    "sector": sector.pk}, follow=True)
    assert "3 个已发布项目的修改已保存为待审修订" in held.content.decode()
    assert not Project.objects.filter(pk__in=ids, sector=sector).exists()
    assert Revision.objects.filter(status=RevisionStatus.PENDING).count() == 3
