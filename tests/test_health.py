"""Probes, the request log and the 503 page a visitor gets while the database is away."""

import time

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse

from qingshan import health
from tests.factories import ProjectFactory
from tests.log_utils import request_log


@pytest.fixture(autouse=True)
def _fresh_state():
    cache.clear()
    health._migrations_seen_applied = False
    yield
    cache.clear()
    health._migrations_seen_applied = False


def test_healthz_answers_without_touching_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_reports_database_and_migrations(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["migrations"] == "ok"


def test_readyz_is_not_ready_while_a_migration_is_pending(client, db):
    # Forget that the first projects migration was applied, as on a server whose code is newer than its schema.
    MigrationRecorder.Migration.objects.filter(app="projects").delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["migrations"] == "pending"
    assert "projects.0001_initial" in body["pending_migrations"]
    assert all(name.startswith("projects.") for name in body["pending_migrations"])


def test_every_response_carries_a_request_id_and_is_logged_as_one_json_object(client, db):
    with request_log() as lines:
        response = client.get("/healthz", headers={"X-Request-ID": "proxy-req-12345678"})
        response_2 = client.get("/healthz")
    assert response["X-Request-ID"] == "proxy-req-12345678"
    assert len(response_2["X-Request-ID"]) == 32
    assert len(lines) == 2
    first = lines[0]
    assert first["request_id"] == "proxy-req-12345678"
    assert first["status"] == 200
    assert first["method"] == "GET"
    assert first["path"] == "/healthz"
    assert isinstance(first["duration_ms"], float)
    assert first["remote_addr"] == first["client_addr"] == "127.0.0.1"  # no proxy in front
    assert lines[1]["request_id"] == response_2["X-Request-ID"]


def test_an_invalid_incoming_request_id_is_replaced(client, db):
    response = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert response["X-Request-ID"] != "<script>"
    assert len(response["X-Request-ID"]) == 32


def _refuse_queries(execute, sql, params, many, context):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def test_database_errors_give_a_fast_503_page_and_the_site_recovers(client, db):
    project = ProjectFactory()
    url = reverse("projects:project_list")
    with connection.execute_wrapper(_refuse_queries):
        response = client.get(url)
        ready = client.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    assert "服务暂时不可用" in text
    assert "Traceback" not in text and "OperationalError" not in text
    assert ready.status_code == 503 and ready.json()["database"] == "unavailable"
    # The database is back: the very next request is served, nothing was restarted.
    response = client.get(url)
    assert response.status_code == 200
    assert project.name in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_real_unreachable_postgresql_fails_fast_and_recovers(client):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database has no server that could go away; runs on PostgreSQL (CI).")
    project = ProjectFactory()
    url = reverse("projects:project_list")
    original_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there: connection refused
    try:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    finally:
        connection.close()
        connection.settings_dict["PORT"] = original_port
    assert response.status_code == 503
    assert "服务暂时不可用" in response.content.decode()
    assert elapsed < 2
    response = client.get(url)
    assert response.status_code == 200
    assert project.name in response.content.decode()

