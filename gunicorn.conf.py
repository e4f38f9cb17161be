"""gunicorn settings for Qingshan Invest (read automatically from the working directory).

    gunicorn qingshan.wsgi

qingshan.wsgi loads qingshan.settings.production when DJANGO_DEBUG=0 (or DJANGO_SETTINGS_MODULE says
so). Every value can be overridden with an environment variable; see docs/deploy.md.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Worker count from the cores: (2 x cores) + 1 sync workers, gunicorn's own rule of thumb.
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
# A request that takes longer than this is killed and logged; pages take milliseconds.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On a reload (HUP) or stop, old workers get this long to finish the requests they are serving, then
# are killed. Never shorter than `timeout`: a request that may run that long may also finish during a
# reload. Behind nginx's buffering (docs/deploy/nginx.conf) only the time gunicorn spends producing a
# response counts, not the client's download (bench/deploy_drill.py measures both).
graceful_timeout = max(timeout, int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30")))
keepalive = 5
# Recycle workers now and then so that a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# The reverse proxy on the same host may set X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Django writes one JSON line per request (DJANGO_LOG_FORMAT=json); gunicorn's own access log is off
# unless asked for.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "qingshan"
# No control socket (gunicornc): it would be made in the service user's home, which the units keep
# read-only, and nothing here uses it.
control_socket_disable = True

# With DJANGO_LOG_FORMAT=json gunicorn's own lines (start, workers, reloads, its access log) are JSON
# objects too, through the formatter Django's log uses (qingshan/logging.py has no Django import).
if os.environ.get("DJANGO_LOG_FORMAT", "text").strip().lower() == "json":
    _level = loglevel.upper()
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "qingshan.logging.JsonFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json",
                                "stream": "ext://sys.stderr"}},
        "loggers": {
            "gunicorn.error": {"handlers": ["stderr"], "level": _level, "propagate": False},
            # Its access log only when asked for (GUNICORN_ACCESS_LOG), as without JSON.
            "gunicorn.access": ({"handlers": ["stderr"], "level": "INFO", "propagate": False} if accesslog
                                else {"handlers": [], "level": "CRITICAL", "propagate": False}),
        },
        "root": {"handlers": ["stderr"], "level": "WARNING"},
    }
