"""Session and token authentication for staff; anonymous requests are throttled."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from qingshan.client_address import AnonRateThrottle as ClientAddressAnonRateThrottle
from tests.api.conftest import API
from tests.factories import ProjectFactory


@pytest.mark.django_db
def test_token_authenticated_staff_see_unpublished_projects(staff_user):
    ProjectFactory(slug="draft", is_published=False, staff_note="底价")
    token = Token.objects.create(user=staff_user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    data = client.get(f"{API}projects/draft/").json()
    assert data["staff_note"] == "底价" and data["is_published"] is False
    assert APIClient().get(f"{API}projects/draft/").status_code == 404
    client.credentials(HTTP_AUTHORIZATION="Token wrong")
    assert client.get(f"{API}projects/").status_code == 401


@pytest.mark.django_db
def test_session_authenticated_staff_see_unpublished_projects(client, staff_user):
    ProjectFactory(slug="draft", is_published=False)
    client.force_login(staff_user)
    assert client.get(f"{API}projects/draft/").status_code == 200


@pytest.mark.django_db
def test_anonymous_requests_are_throttled(api_client, staff_client, monkeypatch):
    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "3/minute")
    for _ in range(3):
        assert api_client.get(f"{API}sectors/").status_code == 200
    response = api_client.get(f"{API}sectors/")
    assert response.status_code == 429
    assert "Retry-After" in response
    assert staff_client.get(f"{API}sectors/").status_code == 200  # authenticated users are not


def test_anonymous_throttle_is_configured():
    # Per client address as the trusted proxy saw it (tests/test_client_address.py), not DRF's raw header.
    (throttle,) = api_settings.DEFAULT_THROTTLE_CLASSES
    assert throttle is ClientAddressAnonRateThrottle
    assert api_settings.DEFAULT_THROTTLE_RATES["anon"]
