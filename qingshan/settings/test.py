"""
Test settings (pyproject.toml points pytest at this module): base plus what the suite needs,
whatever the shell running it has set.
"""

from .base import *  # noqa: F403

# Django's test runner switches debug off anyway; say so.
DEBUG = False

# Factories hash a password for every user; the production hasher takes a second per user.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Per-process memory, never a shared Redis from CACHE_URL: tests clear the cache (tests/conftest.py)
# and must not clear, or read, anybody else's. Page caching off; tests that are about it switch it on.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "qingshan-test"}}
PUBLIC_CACHE_SECONDS = 0

# Mail stays in memory (django.core.mail.outbox), as Django's test runner would set it.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# django-otp refuses any code for 2^n seconds after the n-th wrong one (kept in production); tests
# that enter a wrong code and then the right one at once would wait. The lock-out (django-axes) is on.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# Evidence files of the tests go to a throw-away directory, never to the developer's var/evidence/.
import tempfile  # noqa: E402

STORAGES = {**STORAGES, "evidence": {  # noqa: F405
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": tempfile.mkdtemp(prefix="qs-evidence-"), "base_url": "/no-public-url/"},
}}

# An admin import above this many rows becomes a job (jobs/admin_handoff.py): small, so the tests
# cross it with a short file; the existing import tests' files stay below it.
JOBS_IMPORT_ROWS = 50
