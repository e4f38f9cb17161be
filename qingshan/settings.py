"""
Settings for Qingshan Invest.

Everything that differs between a laptop and a production server is read from the
environment (in the manner of cookiecutter-django). A fresh checkout runs with nothing set:
debug on, SQLite under ``var/``. With ``DJANGO_DEBUG`` off the process refuses to start
without a real secret key and an explicit host list.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

_DEV_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "csp",
    "import_export",
    "simple_history",
    "qingshan.apps.AxesConfig",  # issue 16: django-axes under a Chinese name in the admin
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "projects",
    "ambassadors",
    # Issue 16: 常用筛选, each person's named changelist filters (savedfilters/).
    "savedfilters",
]

MIDDLEWARE = [
    # Production serving (docs/deploy.md): request id + one log line per request, HTTPS/HSTS, static
    # files from the app server, a Content-Security-Policy, and a 503 page when the database is down.
    "qingshan.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "qingshan.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "qingshan.cache.PublicPageCacheMiddleware",
    "qingshan.middleware.DatabaseUnavailableMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qingshan.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "qingshan.wsgi.application"

# Database: DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/qingshan; SQLite under var/ otherwise.
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast when the database host is unreachable instead of hanging a worker (see qingshan/middleware.py).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "3"))
    )
    # No JIT: for the ledger's short queries its compile time (seconds on a misestimated plan) far
    # exceeds what it saves (docs/performance.md).
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", _("简体中文")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
if DEBUG:
    STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise looks there; `collectstatic` fills it in production

LOGIN_URL = "admin:login"

# Sign-in safety (staff workflow). django-axes checks every sign-in first and locks a username,
# from the address that kept failing, after AXES_FAILURE_LIMIT failed attempts for
# AXES_COOLOFF_TIME hours. Staff unlock an account early with `manage.py axes_reset_username NAME`.
AUTHENTICATION_BACKENDS = [
    "qingshan.auth.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("DJANGO_AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("DJANGO_AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# Sessions end after a working day, and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_AGE_SECONDS", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# Change history: a reason may be long (a reviewer's reason for returning a project).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

REST_FRAMEWORK = {
    # Deliberate choices, not DRF's defaults: read-only for anyone, paginated, filterable.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that a wrong token is answered 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "projects.api.pagination.LedgerPagination",
    "PAGE_SIZE": 50,
    # JSON for programs, CSV and XLSX for spreadsheets (?format=csv|xlsx), a plain escaped HTML view for
    # browsers (Accept: text/html); docs at /api/v1/docs/.
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "qingshan.exports.CSVRenderer",
        "qingshan.exports.XLSXRenderer",
        "projects.api.renderers.ApiHTMLRenderer",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_THROTTLE_RATE", "1000/hour")},
    "DEFAULT_SCHEMA_CLASS": "projects.api.base.LedgerAutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Qingshan Invest API",
    "DESCRIPTION": (
        "Read-only data of the Qingshan District investment-promotion office (青山区招商局). "
        "Amounts are decimal strings in 万元 (ten thousand yuan; 1 亿元 = 10,000 万元). "
        "Dates are ISO 8601; timestamps carry their UTC offset. Add ?format=csv or ?format=xlsx to any "
        "list for the whole filtered result as a file; ?cursor= pages by (updated_at, id) for incremental sync."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "projects.models.base.DatePrecision",
        "BuildStatusEnum": "projects.models.places.BuildStatus",
        "AmbassadorStatusEnum": "ambassadors.models.AmbassadorStatus",
    },
}

# Money is stored in 万元 (ten thousand yuan) everywhere; 1 亿元 = 10,000 万元.
MONEY_UNIT = "万元"

# Progress alerts (进度预警): days without a milestone or update before a live project turns
# yellow, then red. See projects/alerts.py.
PROGRESS_ALERT_YELLOW_DAYS = int(os.environ.get("QS_PROGRESS_ALERT_YELLOW_DAYS", "60"))
PROGRESS_ALERT_RED_DAYS = int(os.environ.get("QS_PROGRESS_ALERT_RED_DAYS", "90"))

# E-mail: off unless DJANGO_EMAIL_HOST is set (then `progress_alerts` mails each officer).
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_HOST_CONFIGURED = bool(os.environ.get("DJANGO_EMAIL_HOST"))
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "webmaster@localhost")

# ---------------------------------------------------------------------------------------------
# Production serving and security. Every variable is explained in docs/deploy.md. The defaults
# follow DEBUG: off on a laptop, on in production, so `DJANGO_DEBUG=0 manage.py check --deploy`
# is clean with nothing more than a secret key and a host list.

# Static files: whitenoise serves them from the app server with compressed, content-hashed names.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("DJANGO_MANIFEST_STATIC", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# HTTPS: behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto.
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Probes from the proxy or an orchestrator speak plain HTTP to the app server.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Cookies: secure (HTTPS only) in production, never readable from JavaScript.
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy (django-csp 4.x): everything from our own origin, nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Cache: shared Redis when CACHE_URL (or REDIS_URL) is set, so that every app server sees the same
# cached pages and the same invalidations; per-process memory otherwise.
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or ""
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "qingshan"),
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
elif CACHE_URL.startswith("dummy://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
elif CACHE_URL and not CACHE_URL.startswith("locmem://"):
    raise ImproperlyConfigured("CACHE_URL must start with redis://, rediss://, unix://, locmem:// or dummy://.")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "qingshan"}}
# How long a rendered public page may be served from the cache (qingshan/cache.py); the write
# services invalidate it at once. On by default only with a shared cache: per-process memory
# caches of several gunicorn workers would not all hear of a write.
PUBLIC_CACHE_SECONDS = int(os.environ.get("DJANGO_PUBLIC_CACHE_SECONDS", "300" if CACHE_URL else "0"))
PUBLIC_CACHE_NAMESPACES = ("projects", "ambassadors")
# How long figures computed from the published records (home page summary, filter menus) may be kept
# in the cache; every write through the services or the admin replaces them at once, whatever this
# says (qingshan/cache.py, cached_public_data). 0 computes them on every request.
PUBLIC_DATA_CACHE_SECONDS = int(os.environ.get("DJANGO_PUBLIC_DATA_CACHE_SECONDS", "86400"))

# Logging: plain text on a laptop; one JSON object per line (and per request) with
# DJANGO_LOG_FORMAT=json. Everything goes to stderr, where gunicorn/systemd collect it.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text").strip().lower()
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "qingshan.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "qingshan.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # Per-request lines: always in JSON mode, only failures in text mode (runserver prints its own).
        "qingshan.request": {
            "handlers": ["console"],
            "level": "INFO" if LOG_FORMAT == "json" else "WARNING",
            "propagate": False,
        },
        "qingshan": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}

# Spreadsheet import/export (django-import-export): XLSX and CSV only; imports are all or nothing.
IMPORT_EXPORT_USE_TRANSACTIONS = True
