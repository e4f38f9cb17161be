"""
Production settings: base plus what a public server requires (docs/deploy.md).

Debug is off whatever ``DJANGO_DEBUG`` says, and the process refuses to start without a real
secret key and an explicit host list. HTTPS redirect, HSTS, secure cookies and hashed static
files are on; each can be switched off by its environment variable (an HTTP-only intranet, the
benchmark's in-process client), and ``manage.py check --deploy`` then says so.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from qingshan.settings import env_bool, env_list

from .base import *  # noqa: F403
from .base import STORAGES

DEBUG = False

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set for production (qingshan.settings.production).")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set for production (qingshan.settings.production).")

# Static files: compressed, content-hashed names, cached forever by browsers; needs `collectstatic`.
if env_bool("DJANGO_MANIFEST_STATIC", True):
    STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}

# HTTPS: behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto.
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)

# Cookies: sent over HTTPS only (base: never readable from JavaScript).
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
