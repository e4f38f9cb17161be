"""Sign-in safety: repeated failed admin logins lock the account; sessions expire; staff only."""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from tests.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


def staff(username):
    return StaffUserFactory(username=username, password=make_password(PASSWORD))


def login(client, username, password):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password, "next": reverse("admin:index")}
    )


def test_repeated_failed_logins_lock_the_account_out(client):
    staff("clerk")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = login(client, "clerk", "wrong-password")
        assert response.status_code == 200  # the login form again, with its error
    response = login(client, "clerk", "wrong-password")
    assert response.status_code == 429
    assert "已被暂时锁定" in response.content.decode()

    # Locked: even the right password is refused now.
    response = login(client, "clerk", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_successful_login_is_not_hindered_and_resets_the_count(client):
    staff("clerk2")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "clerk2", "wrong-password")
    response = login(client, "clerk2", PASSWORD)
    assert response.status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "clerk2", "wrong-password").status_code == 200


def test_other_accounts_are_not_locked_by_someone_elses_failures(client):
    staff("victim")
    staff("colleague")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "victim", "wrong-password")
    assert login(client, "colleague", PASSWORD).status_code == 302


def test_only_staff_accounts_enter_the_admin(client):
    UserFactory(username="citizen", password=make_password(PASSWORD))
    response = login(client, "citizen", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    client.force_login(UserFactory(username="citizen2"))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_sessions_expire(client):
    user = staff("clerk3")
    assert login(client, "clerk3", PASSWORD).status_code == 302
    assert client.session.get_expire_at_browser_close()
    assert 0 < client.session.get_expiry_age() <= 12 * 60 * 60
    assert user.pk is not None


def test_password_validators_refuse_a_weak_password():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("12345678")
