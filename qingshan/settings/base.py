"""
Settings for Qingshan Invest shared by every environment (in the manner of cookiecutter-django).

Everything that differs between a laptop and a production server is read from the environment.
A fresh checkout runs with nothing set: this module, debug on, SQLite under ``var/``.
``production.py`` adds what a public server requires (it refuses to start without a secret key
and a host list; HTTPS, HSTS, secure cookies, hashed static files); ``test.py`` is what the test
suite runs with. ``qingshan.settings.default_settings_module`` picks production when
``DJANGO_DEBUG`` is off, so the environment file of docs/deploy.md keeps working.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from qingshan.settings import env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"


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
    # Issue 14: the admin's second sign-in step (accounts/two_factor.py): TOTP apps and recovery codes.
    "django_otp",
    "qingshan.apps.TotpConfig",  # django_otp.plugins.otp_totp, under a Chinese name
    "qingshan.apps.StaticConfig",  # django_otp.plugins.otp_static, under a Chinese name
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "ledger",
    # The office's people: roles, two-factor sign-in, the user and group admin (accounts/).
    "accounts",
    "projects",
    "ambassadors",
    # Issue 16: 常用筛选, each person's named changelist filters (savedfilters/).
    "savedfilters",
    # Issue 17: long work as jobs (jobs/) on django-tasks with its database backend (manage.py db_worker).
    "django_tasks",
    "qingshan.apps.TasksDatabaseConfig",  # django_tasks_db, under a Chinese name
    "jobs",
    # Office figures (办公数据): the yardsticks, the admin dashboard, the weekly progress alerts (figures/).
    "figures",
    # Issue 15: the officer's desk (工作台): 督办, visits, tasks, evidence files, notifications (desk/).
    "desk",
    # 产业链图谱: industrial chains, their links up-, mid- and downstream, and the missing links (chains/).
    "chains",
    # The public site (公开网站): pages, feeds, sitemaps, the map and the interest form (portal/).
    "portal",
]

MIDDLEWARE = [
    # Production serving (docs/deploy.md): request id + one log line per request, HTTPS/HSTS, static
    # files from the app server, a Content-Security-Policy, and a 503 page when the database is down.
    "qingshan.middleware.HeadWithoutBodyMiddleware",
    "qingshan.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "qingshan.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "qingshan.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Issue 14: an admin page needs the second step where the account has or must have one.
    "accounts.two_factor.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ledger.cache.PublicPageCacheMiddleware",
    "qingshan.middleware.DatabaseUnavailableMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qingshan.urls"

# What the spreadsheet import (admin 导入, ``import_ledger``) can read: kind -> resource class.
LEDGER_IMPORT_RESOURCES = {
    "projects": "projects.resources.ProjectResource",
    "enterprises": "projects.resources.EnterpriseResource",
    "ambassadors": "ambassadors.resources.AmbassadorResource",
    "leads": "ambassadors.resources.LeadResource",
}

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

# Database: DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/qingshan; SQLite under var/ otherwise
# (only then is var/ made here: on a server the app folder is read-only, docs/deploy.md).
if not os.environ.get("DATABASE_URL"):
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
# Not on the password alone (issue 14): an account with a second step has its failures reset when it
# passes that step, so a stolen password cannot clear the wrong codes it tried (accounts/two_factor.py).
AXES_RESET_ON_SUCCESS = False
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
    "DEFAULT_PAGINATION_CLASS": "ledger.api.pagination.LedgerPagination",
    "PAGE_SIZE": 50,
    # JSON for programs, CSV and XLSX for spreadsheets (?format=csv|xlsx), a plain escaped HTML view for
    # browsers (Accept: text/html); docs at /api/v1/docs/.
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "ledger.exports.CSVRenderer",
        "ledger.exports.XLSXRenderer",
        "ledger.api.renderers.ApiHTMLRenderer",
    ],
    # DRF's anonymous throttle, per client address as the trusted proxy saw it (block below).
    "DEFAULT_THROTTLE_CLASSES": ["qingshan.client_address.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_THROTTLE_RATE", "1000/hour")},
    "DEFAULT_SCHEMA_CLASS": "ledger.api.base.LedgerAutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
}

# Client addresses behind reverse proxies (qingshan/client_address.py, docs/deploy.md). Every limit
# per address (the API's anonymous throttle, django-axes' sign-in lockout) and the request log take
# the address the outermost trusted proxy saw. DJANGO_TRUSTED_PROXY_COUNT = how many proxies in front
# append to X-Forwarded-For: 0 (runserver, gunicorn reached directly) reads no header at all; 1 behind
# the nginx of docs/deploy.md.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("DJANGO_TRUSTED_PROXY_COUNT must be 0 or more.")
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT
AXES_CLIENT_IP_CALLABLE = "qingshan.client_address.client_address"

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
    # Every choice set a component with a stable ASCII name, the filters' too (ledger/api/schema_hooks.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ledger.api.schema_hooks.postprocess_parameter_enums",
    ],
    "LICENSE": {"name": "MIT", "url": "https://opensource.org/licenses/MIT"},
    "SERVERS": [{"url": "/", "description": "This site"}],
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "ledger.models.DatePrecision",
        "BuildStatusEnum": "projects.models.places.BuildStatus",
        "AmbassadorStatusEnum": "ambassadors.models.AmbassadorStatus",
        # The ``ordering`` of the lists sorted by name or by the latest change (ledger.filters.by_name_orderings).
        "NameOrderingEnum": ["name", "-updated_at"],
    },
}

# Money is stored in 万元 (ten thousand yuan) everywhere; 1 亿元 = 10,000 万元.
MONEY_UNIT = "万元"

# Progress alerts (进度预警): days without a milestone or update before a live project turns
# yellow, then red. See projects/progress.py.
PROGRESS_ALERT_YELLOW_DAYS = int(os.environ.get("QS_PROGRESS_ALERT_YELLOW_DAYS", "60"))
PROGRESS_ALERT_RED_DAYS = int(os.environ.get("QS_PROGRESS_ALERT_RED_DAYS", "90"))

# The plan's lights and reminders (projects/plans.py): a project behind a planned date is yellow the
# day after it is due and red this many months later; its officer is reminded these many days before.
PLAN_ALERT_RED_MONTHS = int(os.environ.get("QS_PLAN_ALERT_RED_MONTHS", "3"))
PLAN_REMINDER_DAYS = tuple(
    int(day) for day in os.environ.get("QS_PLAN_REMINDER_DAYS", "30,7").split(",") if day.strip()
)

# E-mail: off unless DJANGO_EMAIL_HOST is set (then `progress_alerts` mails each officer).
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_HOST_CONFIGURED = bool(os.environ.get("DJANGO_EMAIL_HOST"))
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "webmaster@localhost")
# Without a relay, mail (the desk's notifications) is printed to the console instead of failing.
EMAIL_BACKEND = ("django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST_CONFIGURED
                 else "django.core.mail.backends.console.EmailBackend")

# ---------------------------------------------------------------------------------------------
# Serving and security. Every variable is explained in docs/deploy.md. What holds everywhere is
# here; production.py switches on HTTPS, HSTS, secure cookies and hashed static files, so that
# `manage.py check --deploy` is clean there with nothing more than a secret key and a host list.

# Files. Every file the product writes goes through one of these stores, each at one setting that
# defaults under var/ (for `make run`); on a server each points outside the read-only app folder and
# is exactly what the systemd units of docs/deploy.md make writable (tests/test_deploy.py checks it):
#   QS_MEDIA_ROOT   "default": anything saved through default_storage (nothing in the product today)
#   QS_EVIDENCE_ROOT "evidence": evidence files (佐证材料, desk/)
#   JOBS_FILE_ROOT  "jobs": job files: uploaded imports and every export or report a job makes
# Static files are written by `collectstatic` at release time, never while serving.
MEDIA_ROOT = os.environ.get("QS_MEDIA_ROOT") or str(VAR_DIR / "media")
EVIDENCE_ROOT = os.environ.get("QS_EVIDENCE_ROOT") or str(VAR_DIR / "evidence")
JOBS_FILE_ROOT = os.environ.get("JOBS_FILE_ROOT") or str(VAR_DIR / "jobs")
STORAGES = {
    # No public URL: nothing under it is served by the web server.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": MEDIA_ROOT, "base_url": "/no-public-url/"}},
    # Static files: whitenoise serves them from the app server (production.py: compressed, hashed names).
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Evidence files (佐证材料, desk/): private, with no URL (served only by the staff view
    # EvidenceDocumentAdmin.download_view in desk/admin.py), or an S3-compatible bucket when
    # QS_EVIDENCE_S3_BUCKET is set (below, docs/deploy.md); the bucket must not be public either.
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": EVIDENCE_ROOT, "base_url": "/no-public-url/"},
    },
    # Job files (exports, uploaded imports). Private: no base URL, served only through the 任务 page's
    # download view to the person who started the job. On a shared disk when workers run on other
    # machines (docs/deploy.md).
    "jobs": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": JOBS_FILE_ROOT, "base_url": None},
    },
}

# Issue 17: the job engine (django-tasks, database backend: the queue is a table, workers are
# `manage.py db_worker` processes on any machine that reaches the database; docs/deploy.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
JOBS_HEARTBEAT_SECONDS = float(os.environ.get("JOBS_HEARTBEAT_SECONDS", "2"))
JOBS_STALE_SECONDS = float(os.environ.get("JOBS_STALE_SECONDS", "60"))
JOBS_FILE_HOURS = float(os.environ.get("JOBS_FILE_HOURS", "24"))
# Exports above this many rows become a job (staff) or, for XLSX, are refused with a pointer to CSV.
JOBS_EXPORT_ROWS = {
    "csv": int(os.environ.get("JOBS_EXPORT_CSV_ROWS", "200000")),
    "xlsx": int(os.environ.get("JOBS_EXPORT_XLSX_ROWS", "20000")),
}
# An admin import of a file with more data rows than this is checked (previewed) and committed as a
# job, followed on the import page (jobs/admin_handoff.py); at or below it the pages work as before.
JOBS_IMPORT_ROWS = int(os.environ.get("JOBS_IMPORT_ROWS", "2000"))
# Unfinished (queued or running) jobs a person may have, and everybody together (jobs/services.py).
JOBS_MAX_PER_USER = int(os.environ.get("JOBS_MAX_PER_USER", "3"))
JOBS_MAX_TOTAL = int(os.environ.get("JOBS_MAX_TOTAL", "20"))
if os.environ.get("QS_EVIDENCE_S3_BUCKET"):
    STORAGES["evidence"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["QS_EVIDENCE_S3_BUCKET"],
            "endpoint_url": os.environ.get("QS_EVIDENCE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("QS_EVIDENCE_S3_REGION") or None,
            "access_key": os.environ.get("QS_EVIDENCE_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("QS_EVIDENCE_S3_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# The largest evidence file accepted, in bytes (20 MB by default).
EVIDENCE_MAX_BYTES = int(os.environ.get("QS_EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))
# A DOCX/XLSX evidence file is refused when its zip directory declares more than this many bytes
# unpacked (100 MB), or more than this many times its own size (zip bombs; ledger/uploads.py).
EVIDENCE_MAX_UNPACKED_BYTES = int(os.environ.get("QS_EVIDENCE_MAX_UNPACKED_BYTES", str(100 * 1024 * 1024)))
EVIDENCE_MAX_COMPRESSION_RATIO = float(os.environ.get("QS_EVIDENCE_MAX_COMPRESSION_RATIO", "100"))
# An overdue 督办 item escalates one level (蓝→黄→红) per run of `escalate_supervision`, at most
# once in this many days.
SUPERVISION_ESCALATION_DAYS = int(os.environ.get("QS_SUPERVISION_ESCALATION_DAYS", "7"))

# HTTPS (production.py): probes from the proxy or an orchestrator speak plain HTTP to the app server.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Permissions-Policy (qingshan.middleware.PermissionsPolicyMiddleware): feature -> origins allowed
# ("self"); empty = nobody. The site uses none of these features, so none is allowed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in ("accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone",
                    "payment", "usb", "browsing-topics")
}

# Cookies: never readable from JavaScript (production.py: sent over HTTPS only).
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
PUBLIC_CACHE_NAMESPACES = ("projects", "ambassadors", "chains")
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

# --- Composition of the apps (issue #13, import direction) ------------------------------------------
# qingshan is configuration: it names the apps' parts by dotted path instead of importing them, and
# projects never imports ambassadors; each app contributes its part here, in this order.
# The API router: each app's `register(router)`.
QINGSHAN_API_ROUTES = [
    "projects.api.urls.register",
    "ambassadors.api.register",
]
# sitemap.xml: section name -> Sitemap class.
QINGSHAN_SITEMAPS = {
    "pages": "portal.sitemaps.StaticPagesSitemap",
    "ambassador-pages": "portal.sitemaps.AmbassadorPagesSitemap",
    "projects": "portal.sitemaps.ProjectSitemap",
    "events": "portal.sitemaps.EventSitemap",
    "institutes": "portal.sitemaps.InstituteSitemap",
    "zones": "portal.sitemaps.ZoneSitemap",
    "ambassadors": "portal.sitemaps.AmbassadorSitemap",
    "chain-pages": "portal.sitemaps.ChainPagesSitemap",
    "chains": "portal.sitemaps.ChainSitemap",
}
# load_seed: each app's loader of the source report's facts, `(*, progress) -> SeedReport`.
QINGSHAN_SEED_LOADERS = [
    "projects.seed.seed_load",
    "ambassadors.seed.seed_load",
    "chains.seed.seed_load",
    "figures.seed.seed_load",
]
# generate_demo: each further app's demo generator (after the projects'): `generate(command, made)`
# and `delete()` (run before the projects' demo rows are deleted).
QINGSHAN_DEMO_GENERATORS = [
    "ambassadors.demo.AmbassadorDemo",
]
# --- end of the composition block -------------------------------------------------------------------

# ---------------------------------------------------------------------------------------------
# The investor's portal (issue #18): language in the URL, the 招商地图 map and the 投资意向 form.

# The URL namespaces of the public site (i18n_patterns in qingshan/urls.py: Chinese at /…, English
# at /en/…). An old English-cookie visit to an unprefixed page of these is redirected to /en/….
I18N_URL_NAMESPACES = ("projects", "ambassadors", "portal", "chains")

# Base map of the public and admin maps: a tile URL template ({z}/{x}/{y}, optionally {s}) with the
# attribution its provider requires, e.g. the city's GIS server or 天地图 with its key. Points and
# outlines are stored in WGS-84 (docs/map.md); most Chinese base maps (高德, 腾讯) use GCJ-02 and would
# show them a few hundred metres off; 天地图 uses CGCS2000, which matches WGS-84 to centimetres.
# Empty: the map draws points and outlines on a plain background, and no outside host is admitted.
MAP_TILE_URL = os.environ.get("QS_MAP_TILE_URL", "").strip()
MAP_TILE_ATTRIBUTION = os.environ.get("QS_MAP_TILE_ATTRIBUTION", "").strip()
MAP_CENTER = (30.64, 114.39)  # Qingshan District, Wuhan (WGS-84): where the map opens with no points
MAP_ZOOM = 12


def _tile_origin(template: str) -> str:
    """``https://t{s}.tianditu.gov.cn/…`` -> ``https://*.tianditu.gov.cn``: exactly the tile host for CSP."""
    parts = urlsplit(template.replace("{s}", "subdomain"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured("QS_MAP_TILE_URL must be an http(s) URL template.")
    host = parts.hostname
    if "{s}" in template:
        host = "*." + host.split(".", 1)[1]
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


if MAP_TILE_URL:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(_tile_origin(MAP_TILE_URL))

# Express-interest form (投资意向): at most this many submissions per client address per window.
INTEREST_RATE_LIMIT = int(os.environ.get("QS_INTEREST_RATE_LIMIT", "5"))
INTEREST_RATE_WINDOW_SECONDS = int(os.environ.get("QS_INTEREST_RATE_WINDOW_SECONDS", "60"))


# Two-factor sign-in (issue 14, accounts/two_factor.py). The issuer names the account in the phone's app.
OTP_TOTP_ISSUER = "青山区招商局"
# Usernames that skip the second step on a developer's machine only: `make run` sets it for its local
# superuser "admin" (QINGSHAN_TWO_FACTOR_DEV_BYPASS=admin). With DJANGO_DEBUG off it is a check error
# (accounts/checks.py) and ignored anyway.
QINGSHAN_TWO_FACTOR_DEV_BYPASS = env_list("QINGSHAN_TWO_FACTOR_DEV_BYPASS", [])
