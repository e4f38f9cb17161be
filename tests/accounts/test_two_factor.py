"""Two-factor sign-in (issue 14): reviewers, administrators and superusers pass a TOTP step;
recovery codes; wrong codes count for the lock-out; the development bypass needs DEBUG."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from tests.factories import ProjectFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


def account(username, role):
    return StaffUserFactory(username=username, password=make_password(PASSWORD), roles=[role])


def sign_in(client, username):
    return client.post(reverse("admin:login"), {"username": username, "password": PASSWORD,
                                               "next": reverse("admin:index")})


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def test_a_reviewer_sets_up_the_app_on_first_sign_in_then_must_pass_the_step(client):
    reviewer = account("reviewer", Role.REVIEWER)
    assert sign_in(client, "reviewer").status_code == 302
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor:setup"))
    page = client.get(reverse("two_factor:setup"))
    body = page.content.decode()
    assert "<svg" in body and "<script" not in body.split("<svg")[1].split("</svg>")[0]
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    assert client.post(reverse("two_factor:setup"), {"token": "000000" if code(device) != "000000" else "111111"}
                       ).status_code == 200
    done = client.post(reverse("two_factor:setup"), {"token": code(device)})
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert client.get(reverse("admin:index")).status_code == 200

    client.logout()
    sign_in(client, "reviewer")
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("two_factor:verify"))
    assert client.get(reverse("admin:projects_project_changelist")).status_code == 302
    # A stolen password cannot enrol another phone before step 2.
    assert client.get(reverse("two_factor:setup"))["Location"].startswith(reverse("two_factor:verify"))
    # A recovery code works once.
    assert client.post(reverse("two_factor:verify"), {"token": codes[0]}).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()


def test_an_officer_may_sign_in_without_a_second_factor(client):
    account("officer", Role.OFFICER)
    sign_in(client, "officer")
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200 and "开启两步验证" in page.content.decode()


def test_wrong_codes_lock_the_account_out_and_a_new_password_sign_in_does_not_clear_them(client):
    reviewer = account("reviewer2", Role.REVIEWER)
    device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    wrong = "000000" if code(device) != "000000" else "111111"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "reviewer2")
        response = client.post(reverse("two_factor:verify"), {"token": wrong})
        assert response.status_code == 200 and "验证码不正确" in response.content.decode()
        client.logout()
    sign_in(client, "reviewer2")
    response = client.post(reverse("two_factor:verify"), {"token": wrong})
    assert response.status_code == 429 and "已被暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert sign_in(client, "reviewer2").status_code == 429  # even the right password now


def test_the_right_code_clears_the_failures(client):
    reviewer = account("reviewer3", Role.REVIEWER)
    device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    wrong = "000000" if code(device) != "000000" else "111111"
    sign_in(client, "reviewer3")
    for _ in range(settings.AXES_FAILURE_LIMIT - 2):
        client.post(reverse("two_factor:verify"), {"token": wrong})
    assert client.post(reverse("two_factor:verify"), {"token": code(device)}).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "reviewer3")
        assert client.post(reverse("two_factor:verify"), {"token": wrong}).status_code == 200
        client.logout()


@override_settings(QINGSHAN_TWO_FACTOR_DEV_BYPASS=["admin"], DEBUG=False)
def test_the_development_bypass_is_a_check_error_when_debug_is_off():
    with pytest.raises(SystemCheckError, match="QINGSHAN_TWO_FACTOR_DEV_BYPASS"):
        call_command("check")


@override_settings(QINGSHAN_TWO_FACTOR_DEV_BYPASS=["admin"], DEBUG=True)
def test_the_local_admin_skips_the_step_in_development_only(client):
    StaffUserFactory(username="admin", password=make_password(PASSWORD), is_superuser=True)
    sign_in(client, "admin")
    assert client.get(reverse("admin:index")).status_code == 200
    with override_settings(DEBUG=False):
        assert client.get(reverse("admin:index")).status_code == 302


def test_a_password_alone_reads_the_site_and_the_api_as_the_public_does(client):
    """Before step 2 a reviewer's session opens no preview, no draft in the API and no staff column."""
    reviewer = account("reviewer-half", Role.REVIEWER)
    device = TOTPDevice.objects.create(user=reviewer, name="手机", confirmed=True)
    draft = ProjectFactory(name="两步前看不到的草稿", is_published=False)
    sign_in(client, "reviewer-half")  # the password only
    preview = f"/preview/projects/project/{draft.pk}/"
    assert client.get(preview).status_code == 404
    assert client.get(f"/api/v1/projects/{draft.slug}/").status_code == 404
    export = client.get("/api/v1/projects/", {"format": "csv"})
    assert "两步前看不到的草稿" not in b"".join(export.streaming_content).decode("utf-8-sig")
    assert client.get(reverse("admin:index")).status_code == 302  # the admin asks for step 2
    client.post(reverse("two_factor:verify"), {"token": code(device)})
    assert client.get(preview).status_code == 200
    assert client.get(f"/api/v1/projects/{draft.slug}/").status_code == 200
