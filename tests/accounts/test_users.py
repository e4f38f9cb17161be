"""A person put into a staff role can sign in to the admin (role membership makes the account staff)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import Role, sync_roles
from tests.admin_utils import admin_url, form_data, form_errors

User = get_user_model()


def _change_data(client, person) -> dict:
    """The user change form as a browser posts it back (date_joined is a split date/time widget)."""
    data = form_data(client.get(admin_url(User, "change", person.pk)))
    joined = data.pop("date_joined")
    data["date_joined_0"], data["date_joined_1"] = joined.split(" ")[0], joined.split(" ")[1][:8]
    data.pop("last_login", None)
    return data


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(Role))
def test_a_user_given_a_role_in_the_user_admin_can_sign_in(client, superuser, role):
    sync_roles()  # the groups come from a data migration; an earlier transactional test empties the tables
    person = User.objects.create_user(username="xiaowang", password="pw-for-test-1")
    assert not person.is_staff
    client.force_login(superuser)
    data = _change_data(client, person)
    data["groups"] = [str(Group.objects.get(name=str(role)).pk)]
    response = client.post(admin_url(User, "change", person.pk), data)
    assert response.status_code == 302, form_errors(response)
    response = client.get(response["Location"])
    assert "已自动开启“工作人员状态”" in response.content.decode()
    person.refresh_from_db()
    assert person.is_staff and not person.is_superuser

    client.logout()
    response = client.post(reverse("admin:login"), {"username": "xiaowang", "password": "pw-for-test-1",
                                                    "next": reverse("admin:index")})
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    response = client.get(reverse("admin:index"))
    if role in (Role.REVIEWER, Role.ADMINISTRATOR):  # issue 14: they set up their second factor first
        assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor:setup"))
    else:
        assert response.status_code == 200


@pytest.mark.django_db
def test_a_user_without_a_role_stays_a_non_staff_account(client, superuser):
    person = User.objects.create_user(username="visitor", password="pw-for-test-1")
    client.force_login(superuser)
    data = _change_data(client, person)
    client.post(admin_url(User, "change", person.pk), data)
    person.refresh_from_db()
    assert not person.is_staff
