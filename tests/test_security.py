"""Production security settings: `check --deploy` is clean, and the headers and cookies say so."""

import json
import os
import subprocess
import sys
from pathlib import Path
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, override_settings
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parent.parent

# The production environment documented in docs/deploy.md (minus the database, which checks don't need).
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x9!fQ2vL7#rT4mZ8wK1pB6nH3sD0gJ5yC2eA7uV9iO4qW1tR8zX3lM6kN0bP5hG7",
    "DJANGO_ALLOWED_HOSTS": "invest.example.gov.cn",
}


def run_manage(*args: str, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env.update(PRODUCTION_ENV)
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_the_documented_production_environment():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_hsts_is_switched_off():
    # The configuration knob is real: turning HSTS off is reported, not silently accepted.
    result = run_manage("check", "--deploy", extra_env={"DJANGO_SECURE_HSTS_SECONDS": "0"})
    assert "security.W004" in result.stdout + result.stderr


PRINT_SETTINGS = (
    "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k in ["
    "'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_SECURE', 'CSRF_COOKIE_HTTPONLY', "
    "'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_PROXY_SSL_HEADER', 'DEBUG', 'STORAGES']}))"
)


def test_production_cookies_are_secure_and_httponly():
    result = run_manage("shell", "--no-imports", "-c", PRINT_SETTINGS)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["CSRF_COOKIE_SECURE"] and values["CSRF_COOKIE_HTTPONLY"]
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert "CompressedManifest" in values["STORAGES"]["staticfiles"]["BACKEND"]


def test_https_redirect_and_hsts_can_be_switched_off_for_a_plain_http_intranet():
    result = run_manage(
        "shell", "--no-imports", "-c", PRINT_SETTINGS,
        extra_env={"DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_SECURE_HSTS_SECONDS": "0"},
    )
    values = json.loads(result.stdout)
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy_and_framing_and_referrer_policies(client):
    for url in ["/healthz", reverse("projects:project_list"), reverse("admin:login")]:
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_csrf_cookie_cannot_be_read_by_scripts(client):
    response = client.get(reverse("admin:login"))
    assert response.cookies["csrftoken"]["httponly"] is True


@pytest.mark.django_db
@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
)
def test_plain_http_is_redirected_to_https_but_probes_are_not():
    client = Client()
    response = client.get(reverse("projects:project_list"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert client.get("/healthz").status_code == 200
    # Through the proxy, which says the visitor used HTTPS: served, with HSTS.
    response = client.get(reverse("projects:project_list"), headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.django_db
def test_pages_and_files_carry_a_permissions_policy_that_allows_no_device_feature(client):
    for url in ["/healthz", reverse("projects:project_list"), reverse("admin:login")]:
        policy = dict(part.strip().split("=", 1) for part in client.get(url)["Permissions-Policy"].split(","))
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert policy[feature] == "()", (url, feature)


def wsgi_call(method: str, path: str) -> tuple[str, dict[str, str], bytes]:
    """The request as gunicorn hands it to Django (the WSGI application, not the test client, which
    drops a HEAD answer's body itself and would hide whether Django sent one)."""
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer.update(status=status, headers=dict(headers))

    # As Django's test client does: the test's own database connection (inside its transaction)
    # must not be closed by the request's start and end signals.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        chunks = WSGIHandler()(environ, start_response)
        body = b"".join(chunks)
        getattr(chunks, "close", lambda: None)()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], body


@pytest.mark.django_db
def test_head_is_answered_with_the_headers_of_get_and_no_body():
    path = reverse("projects:project_list")
    get_status, get_headers, get_body = wsgi_call("GET", path)
    head_status, head_headers, head_body = wsgi_call("HEAD", path)
    assert get_status == head_status == "200 OK" and len(get_body) > 1000
    assert head_body == b"" and head_headers["Content-Type"] == get_headers["Content-Type"]
    assert head_headers["Content-Length"] == str(len(get_body))
