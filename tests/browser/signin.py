"""Signing in to the admin in the browser, both steps: the password, then the TOTP code the
person's authenticator app would show (computed with django_otp.oath.totp from the test device)."""

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def authenticator(user) -> TOTPDevice:
    """A confirmed authenticator app for ``user`` (what setting it up from the admin leaves)."""
    return TOTPDevice.objects.create(user=user, name="手机", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def sign_in(page, live_server, *, username: str, password: str, device: TOTPDevice | None = None) -> None:
    """Sign in through the admin's form; with ``device``, pass the second step with its code."""
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    if device is not None:
        page.wait_for_url("**/admin/two-factor/verify/**")
        page.fill("#id_token", current_code(device))
        page.click("input[type=submit][value='验证']")
    page.wait_for_url(live_server.url + "/admin/")
