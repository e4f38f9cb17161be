"""The permission matrix: each role tries each action; the groups hold exactly their permissions."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import ROLE_PERMISSIONS, Role, sync_roles
from ledger import workflow
from ledger.writes import record_save
from projects.models import Project, Sector, SectorTier
from projects.services import project_save
from projects.stages import Stage
from tests.factories import (
    EnterpriseFactory,
    LeadFactory,
    ProjectFactory,
    RenewalZoneFactory,
    SigningEventFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db

LEDGER = [
    "projects.sector", "projects.honour", "projects.enterprise", "projects.signingevent", "projects.renewalzone",
    "projects.researchinstitute", "projects.project", "projects.projectmilestone", "projects.fundsentry",
    "projects.projectyearfigures", "ambassadors.cohort", "ambassadors.ambassador", "ambassadors.lead",
    "chains.chain", "chains.chainnode", "figures.announcedfigure",
]


def perm(action, label):
    app, model = label.split(".")
    return f"{app}.{action}_{model}"


def test_the_migration_created_the_four_groups_with_exactly_their_permissions():
    groups = {g.name: {f"{p.content_type.app_label}.{p.codename}" for p in g.permissions.all()}
              for g in Group.objects.prefetch_related("permissions__content_type")}
    assert set(groups) >= {"招商专员", "审核员", "只读", "管理员"}
    # Every role reads the 投资意向 submissions; officers (and reviewers) follow them up (#18).
    # Every role reads the desk's records; officers and reviewers keep them (#15).
    desk = ("desk.supervisionitem", "desk.supervisionfollowup", "desk.interaction", "desk.task",
            "desk.evidencedocument")
    view_all = {perm("view", m) for m in (*LEDGER, *desk)} | {
        "projects.view_duplicateflag", "projects.view_investmentinterest"}
    # The funds ledger and the yearly output/tax: officers keep them, reviewers remove a mistaken one.
    facts = ("projects.fundsentry", "projects.projectyearfigures")
    officer = view_all | {perm(a, m) for a in ("add", "change") for m in (
        "projects.project", "projects.projectmilestone", "projects.enterprise", "ambassadors.lead",
        "chains.chain", "chains.chainnode", *desk, *facts)} | {
        "projects.change_investmentinterest"}
    assert groups["招商专员"] == officer
    assert groups["审核员"] == officer | {
        "projects.publish_project", "projects.publish_enterprise", "projects.publish_signingevent",
        "projects.publish_renewalzone", "projects.publish_researchinstitute", "ambassadors.publish_cohort",
        "ambassadors.publish_ambassador", "ambassadors.publish_lead", "chains.publish_chain",
        "chains.publish_chainnode", "figures.publish_announcedfigure", "projects.change_project_final_stage",
        "projects.archive_project", "projects.change_duplicateflag",
        *(perm("delete", m) for m in facts),
    }
    assert groups["只读"] == view_all
    reference = ("projects.sector", "projects.honour", "projects.renewalzone", "projects.researchinstitute",
                 "projects.signingevent", "ambassadors.cohort", "ambassadors.ambassador", "chains.chain",
                 "chains.chainnode", "figures.announcedfigure")
    assert groups["管理员"] == view_all | {perm(a, m) for a in ("add", "change", "delete", "view") for m in (
        *reference, "auth.user", "auth.group")} | {
        "auth.view_permission", "axes.view_accessattempt", "axes.delete_accessattempt"}
    # Nobody but a superuser deletes a project: projects are archived.
    assert not any("projects.delete_project" in perms for perms in groups.values())
    assert {name: frozenset(p) for name, p in groups.items() if name in ROLE_PERMISSIONS} == dict(ROLE_PERMISSIONS)


def test_syncing_the_roles_again_changes_nothing():
    before = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    sync_roles()
    assert {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()} == before


# --- The matrix through the services (the admin and the API call the same services) -------------

def _create_project(user):
    project_save(project=Project(name="矩阵新项目", stage=Stage.NEGOTIATING), user=user)


def _edit_project(user):
    project = ProjectFactory()
    project.summary = "修改"
    project_save(project=project, user=user)


def _submit(user):
    workflow.submit_for_review(record=ProjectFactory(is_published=False), user=user)


def _publish(user):
    workflow.publish(record=ProjectFactory(is_published=False), user=user)


def _unpublish(user):
    workflow.unpublish(record=ProjectFactory(), user=user)


def _return(user):
    project = ProjectFactory(is_published=False, review_status="submitted")
    workflow.return_for_changes(record=project, user=user, reason="请补充")


def _to_production(user):
    project = ProjectFactory(stage=Stage.STARTED, started_on=datetime.date(2026, 3, 1))
    project.stage, project.production_on = Stage.IN_PRODUCTION, datetime.date(2026, 9, 1)
    project_save(project=project, user=user)


def _terminate(user):
    project = ProjectFactory()
    project.stage = Stage.TERMINATED
    project_save(project=project, user=user)


def _archive(user):
    workflow.archive_project(project=ProjectFactory(), user=user, reason="重复")


def _edit_enterprise(user):
    enterprise = EnterpriseFactory()
    enterprise.description = "修改"
    record_save(record=enterprise, user=user)


def _edit_lead(user):
    lead = LeadFactory()
    lead.staff_note = "修改"
    record_save(record=lead, user=user)


def _publish_event(user):
    workflow.publish(record=SigningEventFactory(is_published=False), user=user)


def _add_sector(user):
    record_save(record=Sector(name="矩阵领域", slug="matrix-sector", tier=SectorTier.EMERGING), user=user)


def _edit_zone(user):
    zone = RenewalZoneFactory()
    zone.positioning = "修改"
    record_save(record=zone, user=user)


def _edit_event(user):
    event = SigningEventFactory()
    event.place = "修改"
    record_save(record=event, user=user)


ACTIONS = {
    "create_project": _create_project,
    "edit_project": _edit_project,
    "submit": _submit,
    "publish": _publish,
    "unpublish": _unpublish,
    "return": _return,
    "to_production": _to_production,
    "terminate": _terminate,
    "archive": _archive,
    "edit_enterprise": _edit_enterprise,
    "edit_lead": _edit_lead,
    "publish_event": _publish_event,
    "add_sector": _add_sector,
    "edit_zone": _edit_zone,
    "edit_event": _edit_event,
}
OFFICER_MAY = {"create_project", "edit_project", "submit", "edit_enterprise", "edit_lead"}
MATRIX = {
    Role.OFFICER: OFFICER_MAY,
    Role.REVIEWER: OFFICER_MAY | {"publish", "unpublish", "return", "to_production", "terminate", "archive",
                                  "publish_event"},
    Role.VIEWER: set(),
    Role.ADMINISTRATOR: {"add_sector", "edit_zone", "edit_event"},
}


@pytest.mark.parametrize("role", list(MATRIX))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix_through_the_services(role, action):
    user = StaffUserFactory(username=f"matrix-{action}", roles=[role])
    if action in MATRIX[role]:
        ACTIONS[action](user)
    else:
        with pytest.raises(PermissionDenied):
            ACTIONS[action](user)


def test_a_refusal_is_never_half_written(officer):
    with pytest.raises((PermissionDenied, ValidationError)):
        _publish(officer)
    assert not Project.objects.filter(is_published=True).exists()


# --- The same matrix in the admin: each role signs in and tries each action --------------------

def _admin_client(role):
    from django.test import Client

    client = Client()
    client.force_login(StaffUserFactory(username=f"admin-{role}", roles=[role]))
    return client


ADMIN_PAGES = ["sector", "honour", "enterprise", "signingevent", "renewalzone", "researchinstitute", "project",
               "projectmilestone"]


@pytest.mark.parametrize("role", list(MATRIX))
def test_permission_matrix_in_the_admin(role):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
    from django.urls import reverse

    client = _admin_client(role)
    may_admin = role == Role.ADMINISTRATOR
    may_edit_ledger = role in (Role.OFFICER, Role.REVIEWER)

    # Every role reads every ledger list and a project's history; only staff roles reach the admin at all.
    for model in ADMIN_PAGES:
        assert client.get(reverse(f"admin:projects_{model}_changelist")).status_code == 200, model
    for model in ("cohort", "ambassador", "lead"):
        assert client.get(reverse(f"admin:ambassadors_{model}_changelist")).status_code == 200, model
    project = ProjectFactory(is_published=False, review_status="submitted")
    assert client.get(reverse("admin:projects_project_history", args=[project.pk])).status_code == 200

    # Adding a project: officers and reviewers.
    assert client.get(reverse("admin:projects_project_add")).status_code == (200 if may_edit_ledger else 403)
    # Adding a sector (reference data): the administrator.
    assert client.get(reverse("admin:projects_sector_add")).status_code == (200 if may_admin else 403)
    # Users and groups: the administrator.
    assert client.get(reverse("admin:auth_user_changelist")).status_code == (200 if may_admin else 403)
    # Deleting a project: nobody.
    assert client.get(reverse("admin:projects_project_delete", args=[project.pk])).status_code == 403

    # Publishing from the changelist: the reviewer only.
    changelist = reverse("admin:projects_project_changelist")
    response = client.post(changelist, {"action": "publish_selected", ACTION_CHECKBOX_NAME: [str(project.pk)],
                                        "index": "0"})
    project.refresh_from_db()
    assert project.is_published == (role == Role.REVIEWER)
    assert response.status_code in (200, 302, 403)

    # Editing a project through the change form: officers and reviewers; the others see it read-only.
    change = client.get(reverse("admin:projects_project_change", args=[project.pk]))
    assert change.status_code == 200
    assert ('name="_save"' in change.content.decode()) == may_edit_ledger
