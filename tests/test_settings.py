"""The settings modules (qingshan/settings/): what each environment loads and what production refuses."""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION_KEY = "x9!fQ2vL7#rT4mZ8wK1pB6nH3sD0gJ5yC2eA7uV9iO4qW1tR8zX3lM6kN0bP5hG7"

PRINT = (
    "import json; from django.conf import settings as s; print(json.dumps({'module': s.SETTINGS_MODULE, "
    "'debug': s.DEBUG, 'secure_cookies': s.SESSION_COOKIE_SECURE, 'ssl_redirect': s.SECURE_SSL_REDIRECT, "
    "'cache': s.CACHES['default']['BACKEND'], 'hasher': s.PASSWORD_HASHERS[0]}))"
)


def run_python(code: str, **env_vars: str) -> subprocess.CompletedProcess:
    """``python -c code`` in a clean environment: none of the shell's DJANGO_*, database or cache settings."""
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in {"DATABASE_URL", "CACHE_URL", "REDIS_URL"}
    }
    env.update(env_vars)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def loaded(entry_point: str, **env_vars: str) -> dict:
    """The settings an entry point (``manage``, ``qingshan.wsgi``, ``qingshan.asgi``) loads."""
    if entry_point == "manage":
        code = f"import sys; sys.argv = ['manage.py', 'shell', '--no-imports', '-c', {PRINT!r}]; import manage; manage.main()"
    else:
        code = f"import {entry_point}; {PRINT}"
    result = run_python(code, **env_vars)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_fresh_checkout_runs_the_laptop_settings_with_nothing_set():
    values = loaded("manage")
    assert values["module"] == "qingshan.settings.base"
    assert values["debug"] is True
    assert values["secure_cookies"] is False and values["ssl_redirect"] is False


def test_debug_off_selects_the_production_settings_for_every_entry_point():
    # docs/deploy.md's environment file sets DJANGO_DEBUG=0 and no DJANGO_SETTINGS_MODULE.
    env = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": PRODUCTION_KEY, "DJANGO_ALLOWED_HOSTS": "invest.example.gov.cn"}
    for entry_point in ("manage", "qingshan.wsgi", "qingshan.asgi"):
        values = loaded(entry_point, **env)
        assert values["module"] == "qingshan.settings.production", entry_point
        assert values["debug"] is False
        assert values["secure_cookies"] is True and values["ssl_redirect"] is True


def test_production_settings_refuse_to_load_without_a_secret_key():
    result = run_python(
        "import qingshan.settings.production",
        DJANGO_ALLOWED_HOSTS="invest.example.gov.cn",
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY must be set for production" in result.stderr


def test_production_settings_refuse_to_load_without_a_host_list():
    result = run_python("import qingshan.settings.production", DJANGO_SECRET_KEY=PRODUCTION_KEY)
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_ALLOWED_HOSTS must be set for production" in result.stderr


def test_production_settings_keep_debug_off_whatever_django_debug_says():
    values = loaded(
        "qingshan.wsgi",
        DJANGO_SETTINGS_MODULE="qingshan.settings.production",
        DJANGO_DEBUG="1",
        DJANGO_SECRET_KEY=PRODUCTION_KEY,
        DJANGO_ALLOWED_HOSTS="invest.example.gov.cn",
    )
    assert values["module"] == "qingshan.settings.production"
    assert values["debug"] is False
    assert values["ssl_redirect"] is True


def test_test_settings_never_use_a_shared_cache_and_hash_passwords_fast():
    # A suite run from a shell with production's CACHE_URL must not clear that Redis.
    values = loaded("qingshan.wsgi", DJANGO_SETTINGS_MODULE="qingshan.settings.test", CACHE_URL="redis://127.0.0.1:6379/0")
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["hasher"] == "django.contrib.auth.hashers.MD5PasswordHasher"
    assert values["debug"] is False
