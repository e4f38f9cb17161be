"""The visitor's address, as the last trusted proxy saw it.

Every limit that counts per address takes the address from here: the API's anonymous throttle
(``AnonRateThrottle`` below, ``REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]``), django-axes' sign-in
lockout (``AXES_CLIENT_IP_CALLABLE``) and the request log's ``client_addr``.

``settings.TRUSTED_PROXY_COUNT`` (``DJANGO_TRUSTED_PROXY_COUNT``) says how many reverse proxies stand
in front of the app server, each appending the address it was connected from to ``X-Forwarded-For``
(nginx: ``proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for``). Whatever a client writes
into that header itself stays on the left; the entry the outermost trusted proxy appended is the
``count``-th from the right, and that is the address. With 0 proxies (``runserver``, or gunicorn
reached directly) the header is ignored and the address is the connection's (``REMOTE_ADDR``).

A client cannot choose its identity either way: on the left of the trusted entries, its own header
values are never read; and a trusted entry that is not an IP address (a misconfigured proxy) counts
as ``REMOTE_ADDR``, never as free text.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from rest_framework import throttling


def client_address(request: HttpRequest) -> str:
    """The address of the client as seen by the outermost trusted proxy; ``REMOTE_ADDR`` without proxies."""
    remote_addr = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if count <= 0 or not forwarded:
        return remote_addr
    # Fewer entries than proxies: a proxy in front was bypassed; the leftmost entry is then the address the
    # first proxy that did see the request was connected from (as DRF's NUM_PROXIES reads it).
    candidate = forwarded[-min(count, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr


class AnonRateThrottle(throttling.AnonRateThrottle):
    """DRF's anonymous throttle, counting per ``client_address`` (same rate, same cache keys)."""

    def get_ident(self, request) -> str:
        return client_address(request)
