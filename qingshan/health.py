"""Liveness and readiness probes for the reverse proxy, systemd or an orchestrator.

``GET /healthz``: the process is alive and serving (never touches the database).
``GET /readyz``: the database answers and every migration on disk is applied; 503 otherwise, so a
load balancer stops sending traffic to a server that cannot serve it.
"""

import logging
import time

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger("qingshan.health")

# Once this process has seen every migration applied, it need not look again: new migrations only
# arrive with new code, and new code means a new process.
_migrations_seen_applied = False


def _unapplied_migrations() -> list[str]:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    global _migrations_seen_applied
    started = time.perf_counter()
    checks: dict[str, object] = {}
    ready = True
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except DatabaseError as exc:
        logger.warning("Readiness: database unreachable: %s", exc)
        checks["database"] = "unavailable"
        ready = False
    if ready and not _migrations_seen_applied:
        try:
            unapplied = _unapplied_migrations()
        except DatabaseError as exc:
            logger.warning("Readiness: cannot read migration state: %s", exc)
            checks["migrations"] = "unknown"
            ready = False
        else:
            if unapplied:
                checks["migrations"] = "pending"
                checks["pending_migrations"] = unapplied
                ready = False
            else:
                _migrations_seen_applied = True
    if ready:
        checks["migrations"] = "ok"
    checks["status"] = "ok" if ready else "unavailable"
    checks["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return JsonResponse(checks, status=200 if ready else 503)
