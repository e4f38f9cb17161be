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
graceful_timeout = 30
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
