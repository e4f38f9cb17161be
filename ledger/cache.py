"""Cached public pages, invalidated by the write services.

Anonymous GET requests to the public site (``PUBLIC_CACHE_NAMESPACES``) are answered from the cache
for up to ``PUBLIC_CACHE_SECONDS``. Every cache key carries a *version*; the write services call
:func:`public_pages_changed` after any write the public could see (publish, change, unpublish), which
bumps the version when the transaction commits, so every cached page is out of date at once,
on every app server sharing the cache (CACHE_URL). Old entries simply expire.

Nothing here uses signals: every write goes through the write door (``ledger.writes``), which says
so on commit; the admin, imports, commands and loaders all write through it.

The same bump changes the *public data version* (a token in the database, ``PublicDataVersion``).
:func:`cached_public_data` keeps figures computed from the published records (the home page's
summary, the list page's filter menus) in the cache under that token, so they are computed once per
change of the public data instead of once per request. It does not depend on the page cache (it
works with ``PUBLIC_CACHE_SECONDS = 0``), and as the token lives in the database every app server
agrees on it even with per-process caches: a write through a service or the admin is seen by the
next request on every worker. Writes that bypass the services (raw SQL, ``QuerySet.update``, a
management command that does not call :func:`public_pages_changed`) are not seen until the entry
expires (``PUBLIC_DATA_CACHE_SECONDS``).
"""

import hashlib
import logging
import time
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .models import PublicDataVersion

logger = logging.getLogger("qingshan.cache")

VERSION_KEY = "public-pages:version"


def public_cache_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh start (or an evicted key) must never reuse an old version number: start from the clock.
        cache.add(VERSION_KEY, time.time_ns() // 1000, timeout=None)
        version = cache.get(VERSION_KEY, 0)
    return version


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet: the next reader starts a new one
        cache.add(VERSION_KEY, time.time_ns() // 1000, timeout=None)
    except Exception:
        logger.exception("Could not invalidate the public page cache; pages may be stale for %ss",
                         settings.PUBLIC_CACHE_SECONDS)


def _new_token() -> str:
    return uuid.uuid4().hex


def _bump_data() -> None:
    try:
        token = _new_token()
        if not PublicDataVersion.objects.filter(pk=1).update(token=token, changed_at=timezone.now()):
            PublicDataVersion.objects.get_or_create(pk=1, defaults={"token": token})
    except Exception:
        logger.exception("Could not change the public data version; cached figures may be stale for %ss",
                         settings.PUBLIC_DATA_CACHE_SECONDS)


def _bump_all() -> None:
    _bump_data()
    _bump()


class _PendingBump:
    """The on-commit bump of one transaction (an object, so that a transaction registers one)."""

    ran = False

    def __call__(self) -> None:
        self.ran = True
        _bump_all()


def public_pages_changed() -> None:
    """Call from a write after a change the public may see; takes effect on commit.

    Once per transaction for a batch: a bump already waiting in an enclosing, still open part of
    the transaction (it commits or rolls back with this write) stands for this one too, so a bulk
    action that marks the change first (``ledger.workflow.apply_each``) bumps once for 50 records.
    """
    connection_ = transaction.get_connection()
    if connection_.in_atomic_block:
        active = set(connection_.savepoint_ids)
        for sids, func, _robust in connection_.run_on_commit:
            if isinstance(func, _PendingBump) and not func.ran and sids <= active:
                return
    transaction.on_commit(_PendingBump())


def public_data_version() -> str:
    """The token of the current public data (one primary-key read)."""
    token = PublicDataVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    if token is None:  # a database created without the migration's row
        token = PublicDataVersion.objects.get_or_create(pk=1, defaults={"token": _new_token()})[0].token
    return token


T = TypeVar("T")


def cached_public_data(name: str, compute: Callable[[], T], *, version: str | None = None) -> T:
    """``compute()``, kept in the cache until the public data changes (one query: the version).

    ``compute`` must read published records only and return something picklable that does not
    depend on the request (language, user); ``name`` must name everything else it depends on.
    A page reading several entries may pass the ``version`` it read once (``public_data_version``).
    """
    seconds = settings.PUBLIC_DATA_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    # The database's name too: two databases created from one copy start with the same token.
    key = f"public-data:{connection.settings_dict['NAME']}:{name}:{version or public_data_version()}"
    try:
        value = cache.get(key)
    except Exception:  # a cache outage must not take the site down
        logger.exception("Data cache unavailable")
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, seconds)
        except Exception:
            logger.exception("Could not store public data in the cache")
    return value


def page_cache_key(request: HttpRequest, version: int) -> str:
    path_hash = hashlib.md5(request.get_full_path().encode(), usedforsecurity=False).hexdigest()
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    return f"public-page:{version}:{language}:{request.scheme}:{request.get_host()}:{path_hash}"


class PublicPageCacheMiddleware:
    """Serve anonymous GETs of public pages from the cache; store 200 responses that set no cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        key = getattr(request, "_public_cache_key", None)
        if key and self._storable(response):
            if hasattr(response, "render") and not response.is_rendered:
                response.add_post_render_callback(lambda r: self._store(key, r))
            else:
                self._store(key, response)
            response["X-Cache"] = "miss"
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if not self._cacheable(request):
            return None
        try:
            key = page_cache_key(request, public_cache_version())
            cached = cache.get(key)
        except Exception:  # a cache outage must not take the site down
            logger.exception("Page cache unavailable")
            return None
        if cached is not None:
            cached["X-Cache"] = "hit"
            return cached
        request._public_cache_key = key
        return None

    @staticmethod
    def _cacheable(request: HttpRequest) -> bool:
        match = request.resolver_match
        return (
            settings.PUBLIC_CACHE_SECONDS > 0
            and request.method == "GET"
            and match is not None
            and match.namespace in settings.PUBLIC_CACHE_NAMESPACES
            and settings.SESSION_COOKIE_NAME not in request.COOKIES  # staff see live pages
            and "Authorization" not in request.headers
        )

    @staticmethod
    def _storable(response: HttpResponse) -> bool:
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies  # e.g. a CSRF cookie: per-visitor, never shared
            and "private" not in cache_control
            and "no-store" not in cache_control
        )

    @staticmethod
    def _store(key: str, response: HttpResponse) -> None:
        try:
            cache.set(key, response, settings.PUBLIC_CACHE_SECONDS)
        except Exception:
            logger.exception("Could not store a page in the cache")
