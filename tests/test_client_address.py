"""Limits per address count the visitor, not a header the visitor writes (qingshan/client_address.py).

Behind the nginx of docs/deploy.md every request arrives from the proxy (REMOTE_ADDR 127.0.0.1) with
``X-Forwarded-For: <whatever the client sent>, <the address nginx was connected from>``.
"""

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth.hashers import make_password
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.throttling import AnonRateThrottle

from qingshan.client_address import client_address
from tests.factories import StaffUserFactory
from tests.log_utils import request_log

API_URL = "/api/v1/sectors/"
PASSWORD = "correct-horse-battery-staple"


def via_nginx(client_sent: str | None, visitor: str) -> dict[str, str]:
    """The header nginx passes on ($proxy_add_x_forwarded_for): the client's own value, then the visitor."""
    return {"HTTP_X_FORWARDED_FOR": f"{client_sent}, {visitor}" if client_sent else visitor}


@pytest.fixture
def three_per_minute(monkeypatch):
    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "3/minute")


@pytest.fixture
def behind_nginx(settings):
    settings.TRUSTED_PROXY_COUNT = 1


@pytest.mark.django_db
def test_behind_nginx_a_client_rotating_its_own_forwarded_for_is_still_one_client(client, behind_nginx, three_per_minute):
    statuses = [client.get(API_URL, **via_nginx(f"10.9.{n}.{n}", "203.0.113.7")).status_code for n in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    # Another visitor behind the same proxy has a count of its own: the limit is not the proxy's.
    assert client.get(API_URL, **via_nginx("203.0.113.7", "203.0.113.8")).status_code == 200


@pytest.mark.django_db
def test_a_direct_client_cannot_choose_its_identity(client, settings, three_per_minute):
    settings.TRUSTED_PROXY_COUNT = 0  # the default: no proxy in front, so no header is believed
    statuses = [client.get(API_URL, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "remote_addr", "address"),
    [
        (0, "198.51.100.1", "192.0.2.10", "192.0.2.10"),  # no proxy: the header is the client's own text
        (1, None, "192.0.2.10", "192.0.2.10"),  # proxy configured, request without the header
        (1, "198.51.100.1, 203.0.113.7", "127.0.0.1", "203.0.113.7"),
        (1, " 203.0.113.7 ", "127.0.0.1", "203.0.113.7"),
        (2, "198.51.100.1, 203.0.113.7, 10.0.0.5", "127.0.0.1", "203.0.113.7"),  # CDN, then nginx
        (2, "203.0.113.7", "127.0.0.1", "203.0.113.7"),  # the outer proxy bypassed: nginx's entry
        (1, "2001:db8::1", "::1", "2001:db8::1"),
        (1, "198.51.100.1, not-an-address", "127.0.0.1", "127.0.0.1"),  # never free text as an address
    ],
)
def test_the_address_is_the_one_the_outermost_trusted_proxy_saw(settings, proxies, forwarded_for, remote_addr, address):
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    request = RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers)
    assert client_address(request) == address


def sign_in(client: Client, username: str, password: str, headers: dict[str, str]):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        **headers,
    )


@pytest.mark.django_db
def test_sign_in_lockout_counts_the_visitor_behind_nginx(client, behind_nginx):
    StaffUserFactory(username="clerk", password=make_password(PASSWORD))
    attacker = "203.0.113.66"
    for n in range(django_settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "clerk", "wrong", via_nginx(f"10.0.0.{n}", attacker)).status_code == 200
    # Locked however the attacker rotates its own header ...
    assert sign_in(client, "clerk", "wrong", via_nginx("10.0.0.99", attacker)).status_code == 429
    assert sign_in(client, "clerk", PASSWORD, via_nginx("10.0.1.1", attacker)).status_code == 429
    # ... while the clerk, behind the same nginx from the office, signs in: the lock is the attacker's address's.
    assert sign_in(Client(), "clerk", PASSWORD, via_nginx(None, "198.51.100.20")).status_code == 302
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [attacker]


@pytest.mark.django_db
def test_a_garbled_forwarded_address_is_not_an_error(client, behind_nginx):
    # The database column is an IP address (inet on PostgreSQL): free text there would be a 500.
    response = sign_in(client, "nobody", "wrong", via_nginx(None, "<script>"))
    assert response.status_code == 200
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["127.0.0.1"]


@pytest.mark.django_db
def test_the_request_log_names_the_visitor_behind_the_proxy(client, behind_nginx):
    with request_log() as lines:
        client.get("/healthz", **via_nginx("198.51.100.1", "203.0.113.7"))
    (record,) = lines
    assert (record["remote_addr"], record["client_addr"]) == ("127.0.0.1", "203.0.113.7")
