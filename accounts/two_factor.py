"""
Two-factor sign-in to the admin (django-otp): a TOTP app on a phone, recovery codes for a lost phone.

- Required for the accounts that can publish or administer (``accounts.users.user_is_privileged``:
  reviewers, administrators, superusers); optional for officers and viewers, who may set it up
  from the admin index (once set up, it is asked at every sign-in).
- Step 1 is the admin's own sign-in (username and password, django-axes counts failures). Step 2
  (``verify``) asks for the 6-digit code or a recovery code; every wrong code is reported to
  django-axes as a failed sign-in (``user_login_failed``), so the lock-out counts both steps, and a
  locked-out account is signed out.
- An account that must have a second factor and has none is sent to ``setup``: a QR code rendered
  on the server as inline SVG (no external script, the CSP stays strict), confirmed with one code,
  then ten recovery codes shown once. An account that HAS a device cannot add another before
  passing step 2 (a stolen password cannot enrol the thief's phone).
- ``QINGSHAN_TWO_FACTOR_DEV_BYPASS``: usernames (``make run``'s local ``admin``) that skip step 2 on
  a developer's machine; a check error (``accounts.checks``) refuses it when DEBUG is off.
"""

from __future__ import annotations

import base64
import functools

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address
from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin import site as admin_site
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import get_urlconf, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .users import user_is_privileged

SESSION_STATE = "qingshan_two_factor"  # "verify", "setup" or "optional", decided once per sign-in
RECOVERY_CODES = 10


def two_factor_required(*, user: AbstractBaseUser) -> bool:
    return user_is_privileged(user=user)


def has_device(*, user: AbstractBaseUser) -> bool:
    return any(True for _device in devices_for_user(user, confirmed=True))


def bypassed(user: AbstractBaseUser) -> bool:
    return settings.DEBUG and user.get_username() in settings.QINGSHAN_TWO_FACTOR_DEV_BYPASS


def sign_in_complete(*, request: HttpRequest, user: AbstractBaseUser) -> None:
    """Every step passed: the failed attempts of this account from this address are forgotten
    (django-axes locks a username per address; an attacker's elsewhere stay)."""
    axes_reset(ip=get_client_ip_address(request), username=user.get_username())


@receiver(user_logged_in, dispatch_uid="qingshan-two-factor-first-step")
def _password_accepted(sender, request, user, **kwargs) -> None:
    """The password was right. Without a second step to come, that completes the sign-in."""
    if bypassed(user) or not (user.is_staff and (has_device(user=user) or two_factor_required(user=user))):
        sign_in_complete(request=request, user=user)


@functools.cache
def _admin_paths(urlconf: str | None) -> tuple[str, tuple[str, ...]]:
    """The admin's prefix and the pages step 2 does not guard, reversed once per URLconf (every
    request asks)."""
    names = ("two_factor:verify", "admin:login", "admin:logout", "admin:jsi18n", "two_factor:setup")
    return reverse("admin:index", urlconf), tuple(reverse(name, urlconf) for name in names)


class TwoFactorMiddleware:
    """A signed-in staff account that has not passed step 2 is sent to it (or to set-up) before any
    admin page, and reads everything else (the site, previews, the API and its exports) as the
    public does: a password alone never opens what the second factor guards. After
    ``django_otp.middleware.OTPMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_staff and not user.is_verified() and not bypassed(user):
            state = request.session.get(SESSION_STATE)
            if state is None:
                state = "verify" if has_device(user=user) else ("setup" if two_factor_required(user=user) else "optional")
                request.session[SESSION_STATE] = state
            if state in ("verify", "setup"):
                admin, open_paths = _admin_paths(get_urlconf())
                if not request.path.startswith(admin):
                    request.user = AnonymousUser()
                elif not request.path.startswith(open_paths):
                    target = reverse(f"two_factor:{state}")
                    return HttpResponseRedirect(f"{target}?next={request.get_full_path()}")
        return self.get_response(request)


class TokenForm(forms.Form):
    token = forms.CharField(label=gettext_lazy("验证码"), max_length=16, strip=True,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                          "autofocus": True}))


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("admin:index")


def _context(request: HttpRequest, **extra) -> dict:
    return {**admin_site.each_context(request), "next": _next(request), **extra}


def _failed(request: HttpRequest) -> HttpResponse | None:
    """Report a wrong code to django-axes; sign out and show the lock-out page once it locks."""
    credentials = {"username": request.user.get_username()}
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if not AxesProxyHandler.is_allowed(request, credentials):
        logout(request)
        return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
    return None


def _locked(request: HttpRequest) -> HttpResponse | None:
    if AxesProxyHandler.is_allowed(request, {"username": request.user.get_username()}):
        return None
    logout(request)
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)


@never_cache
@login_required(login_url="admin:login")
def verify(request: HttpRequest) -> HttpResponse:
    """Step 2: a code from the authenticator app, or one recovery code (used up)."""
    locked = _locked(request)
    if locked is not None:
        return locked
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            request.session.pop(SESSION_STATE, None)
            sign_in_complete(request=request, user=request.user)
            if isinstance(device, StaticDevice):
                remaining = StaticToken.objects.filter(device=device).count()
                messages.warning(request, _("您用了一个恢复码，还剩 %(count)d 个。") % {"count": remaining})
            return HttpResponseRedirect(_next(request))
        locked = _failed(request)
        if locked is not None:
            return locked
        form.add_error("token", _("验证码不正确或已过期，请重新输入。"))
    return render(request, "admin/two_factor/verify.html", _context(request, form=form, title=_("两步验证")))


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@never_cache
@login_required(login_url="admin:login")
def setup(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: scan the QR code, confirm with one code, keep the recovery codes."""
    user = request.user
    if has_device(user=user) and not user.is_verified():
        return HttpResponseRedirect(f"{reverse('two_factor:verify')}?next={reverse('two_factor:setup')}")
    locked = _locked(request)
    if locked is not None:
        return locked
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name=_("身份验证器"), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].replace(" ", "")):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()  # the old phone no longer works
            codes = recovery_codes_renew(user=user)
            otp_login(request, device)
            request.session.pop(SESSION_STATE, None)
            sign_in_complete(request=request, user=user)
            return render(request, "admin/two_factor/codes.html",
                          _context(request, codes=codes, title=_("恢复码")))
        locked = _failed(request)
        if locked is not None:
            return locked
        form.add_error("token", _("验证码不正确，请核对手机上的时间后重新输入。"))
    context = _context(request, form=form, title=_("设置两步验证"), qr_svg=_qr_svg(device.config_url),
                       secret=_base32(device), required=two_factor_required(user=user))
    return render(request, "admin/two_factor/setup.html", context)


def _base32(device: TOTPDevice) -> str:
    """The key for typing into an app by hand (when the camera cannot read the code)."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def recovery_codes_renew(*, user: AbstractBaseUser) -> list[str]:
    """Ten new single-use recovery codes (the old ones stop working)."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes
