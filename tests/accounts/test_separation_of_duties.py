"""Separation of duties (issue 14): no role widens its own rights or grants the reviewer's or the
administrator's. Every role tries every escalation path: its own account, another account, a
privileged account, a group edit, each as the admin's form and as a crafted POST."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from accounts.roles import Role
from tests.admin_utils import admin_url, form_data
from tests.factories import StaffUserFactory, SuperUserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
ROLES = [Role.OFFICER, Role.REVIEWER, Role.VIEWER, Role.ADMINISTRATOR]
PATHS = ["own account", "another account", "a superuser's account", "a reviewer's password", "officer group",
         "reviewer group"]


def user_form(response) -> dict:
    """The user change form's data (its dates are split in two fields, which form_data does not know)."""
    data = form_data(response)
    for name in ("date_joined", "last_login"):
        data.pop(name, None)
    data.update(date_joined_0="2026-01-01", date_joined_1="00:00:00")
    return data


def publish_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="projects", codename="publish_project")


def crafted_user_post(client, user) -> dict:
    """The admin form's data when the page opens, else what an attacker would type; plus the escalation."""
    response = client.get(admin_url(User, "change", user.pk))
    data = user_form(response) if response.status_code == 200 else {
        "username": user.username, "email": user.email, "is_active": "on"}
    data.update(
        is_superuser="on", is_staff="on",
        groups=[str(Group.objects.get(name=str(Role.ADMINISTRATOR)).pk), str(Group.objects.get(name=str(Role.REVIEWER)).pk)],
        user_permissions=[str(publish_permission().pk)],
        email="taken-over@example.com",
    )
    return data


def escalated(user) -> bool:
    user = User.objects.get(pk=user.pk)
    return (
        user.is_superuser
        or user.groups.filter(name__in=[str(Role.ADMINISTRATOR), str(Role.REVIEWER)]).exists()
        or user.has_perm("projects.publish_project")
    )


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("role", ROLES)
def test_no_role_escalates(client, role, path):
    actor = StaffUserFactory(username="actor", roles=[role])
    target = StaffUserFactory(username="target", roles=[Role.OFFICER])
    superuser = SuperUserFactory(username="boss", email="boss@example.com")
    reviewer = StaffUserFactory(username="reviewer-account", roles=[Role.REVIEWER])
    reviewer.set_password("the-reviewers-own-secret")
    reviewer.save()
    client.force_login(actor)
    if path == "own account":
        client.post(admin_url(User, "change", actor.pk), crafted_user_post(client, actor))
        assert not User.objects.get(pk=actor.pk).is_superuser
        assert not User.objects.get(pk=actor.pk).user_permissions.exists()
        assert set(User.objects.get(pk=actor.pk).groups.values_list("name", flat=True)) == {str(role)}
    elif path == "another account":
        client.post(admin_url(User, "change", target.pk), crafted_user_post(client, target))
        assert not escalated(target)
    elif path == "a superuser's account":
        client.post(admin_url(User, "change", superuser.pk), crafted_user_post(client, superuser))
        assert User.objects.get(pk=superuser.pk).email == "boss@example.com"
    elif path == "a reviewer's password":
        client.post(admin_url(User, "password_change", reviewer.pk),
                    {"password1": "a-new-password-9921", "password2": "a-new-password-9921", "usable_password": "true"})
        assert User.objects.get(pk=reviewer.pk).check_password("the-reviewers-own-secret")
    else:
        name = str(Role.OFFICER) if path == "officer group" else str(Role.REVIEWER)
        group = Group.objects.get(name=name)
        before = set(group.permissions.values_list("pk", flat=True))
        client.post(admin_url(Group, "change", group.pk),
                    {"name": name, "permissions": [str(pk) for pk in before | {publish_permission().pk,
                     Permission.objects.get(codename="change_user").pk}]})
        assert set(group.permissions.values_list("pk", flat=True)) == before
        assert Group.objects.filter(name=name).exists()
    assert not User.objects.get(pk=actor.pk).is_superuser


def test_the_administrator_still_gives_officer_and_viewer_roles_to_others(client):
    client.force_login(StaffUserFactory(username="actor", roles=[Role.ADMINISTRATOR]))
    target = StaffUserFactory(username="target", roles=[Role.OFFICER])
    url = admin_url(User, "change", target.pk)
    page = client.get(url)
    choices = {str(label) for _value, label in page.context["adminform"].form.fields["groups"].choices}
    assert str(Role.VIEWER) in choices and str(Role.REVIEWER) not in choices and str(Role.ADMINISTRATOR) not in choices
    data = user_form(page)
    data["groups"] = [str(Group.objects.get(name=str(Role.VIEWER)).pk)]
    assert client.post(url, data).status_code == 302
    assert list(User.objects.get(pk=target.pk).groups.values_list("name", flat=True)) == [str(Role.VIEWER)]
    body = client.get(url).content.decode()
    assert 'name="is_superuser"' not in body and 'name="user_permissions"' not in body


def test_a_crafted_privileged_group_is_refused_with_a_message(client):
    client.force_login(StaffUserFactory(username="actor", roles=[Role.ADMINISTRATOR]))
    target = StaffUserFactory(username="target", roles=[Role.OFFICER])
    url = admin_url(User, "change", target.pk)
    data = user_form(client.get(url))
    data["groups"] = [str(Group.objects.get(name=str(Role.REVIEWER)).pk)]
    response = client.post(url, data)
    assert response.status_code == 200
    assert "groups" in response.context["adminform"].form.errors
    assert not escalated(target)


def test_nobody_changes_their_own_groups_not_even_a_superuser(client):
    superuser = SuperUserFactory(username="boss")
    client.force_login(superuser)
    body = client.get(admin_url(User, "change", superuser.pk)).content.decode()
    assert 'name="groups"' not in body and 'name="is_superuser"' not in body


def test_a_superuser_grants_the_reviewer_role(client):
    client.force_login(SuperUserFactory(username="boss"))
    target = StaffUserFactory(username="target", roles=[Role.OFFICER])
    url = admin_url(User, "change", target.pk)
    data = user_form(client.get(url))
    data["groups"] = [str(Group.objects.get(name=str(Role.REVIEWER)).pk)]
    assert client.post(url, data).status_code == 302
    assert User.objects.get(pk=target.pk).has_perm("projects.publish_project")
