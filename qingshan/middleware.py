"""Request logging, a few response headers, and a fast, self-healing failure mode when the database is unavailable."""

import logging
import sys
import time

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.template import loader
from django.urls import Resolver404, resolve, translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.module_loading import import_string

from .client_address import client_address
from .logging import new_request_id, reset_request_id, set_request_id

request_logger = logging.getLogger("qingshan.request")
db_logger = logging.getLogger("qingshan.db")

# Errors that mean "the database cannot be reached right now", as opposed to a bug in a query.
DATABASE_UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5
# The public site's own 500 page, used for every other unhandled error.
SITE_SERVER_ERROR = "portal.views.server_error"


class RequestLogMiddleware:
    """Give each request an id (``X-Request-ID``) and log one line for it: method, path, status, duration.

    Outermost middleware, so the duration covers everything Django does for the request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = new_request_id(request.headers.get("X-Request-ID"))
        request.request_id = request_id
        token = set_request_id(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            response["X-Request-ID"] = request_id
            status = response.status_code
            request_logger.log(
                logging.ERROR if status >= 500 else logging.INFO,
                "%s %s %s %.1fms",
                request.method,
                request.path,
                status,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    "duration_ms": duration_ms,
                    "remote_addr": request.META.get("REMOTE_ADDR", ""),
                    # The visitor behind the proxies (DJANGO_TRUSTED_PROXY_COUNT), as the limits count it.
                    "client_addr": client_address(request),
                },
            )
            return response
        finally:
            reset_request_id(token)


class HeadWithoutBodyMiddleware:
    """Answer HEAD with the headers of GET and no body, as HTTP says (RFC 9110, 9.3.2).

    Django renders the page for HEAD as for GET and leaves dropping the body to the server;
    runserver does, gunicorn drops it too but logs a warning for every such request. Outermost, so
    the Content-Length it keeps is the one GET would send.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "HEAD":
            if response.streaming:
                response.close()
                response.streaming_content = []
            else:
                if not response.has_header("Content-Length"):
                    response["Content-Length"] = str(len(response.content))
                response.content = b""
        return response


class PermissionsPolicyMiddleware:
    """Send ``Permissions-Policy`` (settings.PERMISSIONS_POLICY): no page may use camera, microphone,
    location and the like, nor let an embedded frame use them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.value = ", ".join(f"{feature}=({' '.join(allowed)})"
                               for feature, allowed in settings.PERMISSIONS_POLICY.items())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.value:
            response.headers.setdefault("Permissions-Policy", self.value)
        return response


FALLBACK_503 = "<!doctype html><title>503</title><h1>服务暂时不可用 · Service temporarily unavailable</h1>"


def database_unavailable_response(request: HttpRequest | None = None) -> HttpResponse:
    """The 503 page. Rendered without context processors: nothing on it may touch the database."""
    try:
        body = loader.render_to_string("503.html")
    except Exception:  # the error page itself must never fail
        body = FALLBACK_503
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def is_database_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_UNAVAILABLE_ERRORS) or (
        isinstance(exc, DatabaseError) and isinstance(exc.__cause__, DATABASE_UNAVAILABLE_ERRORS)
    )


class DatabaseUnavailableMiddleware:
    """Turn "database unreachable" into an immediate 503 page instead of a traceback.

    Nothing needs restarting when the database comes back: Django drops a broken connection at the
    end of the request (``CONN_HEALTH_CHECKS`` also checks a persistent one before reuse), and the
    next request connects afresh. ``connect_timeout`` in DATABASES OPTIONS bounds how long a connect
    attempt to an unreachable host may take. Errors raised outside the view (in other middleware)
    reach :func:`server_error` below, which does the same.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_unavailable(exception):
            return None
        db_logger.warning("Database unavailable: %s", exception, extra={"path": request.path})
        return database_unavailable_response(request)


def server_error(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """handler500: a 503 page if the unhandled error was the database being away, else the 500 page."""
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable_response(request)
    return import_string(SITE_SERVER_ERROR)(request, *args, **kwargs)


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Which language a request is answered in.

    - The public site carries its language in the URL (``i18n_patterns``): ``/en/…`` is English,
      an unprefixed path is Chinese, whatever the browser prefers, so every page has one address
      per language that can be sent to someone (and ``hreflang`` alternates can name them).
    - Old links keep working: a visitor whose language cookie (set by the language switch before
      English had its own URLs) says English and who opens an unprefixed public page is redirected
      to its ``/en/`` address. The switch sets the cookie either way, so choosing 中文 sticks.
    - The API (``/api/``) follows ``Accept-Language`` (then the cookie), as programs expect; its
      responses vary on it.
    - The admin follows the cookie, as before.
    """

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        from_path = translation.get_language_from_path(request.path_info)
        if from_path:
            language = from_path
        elif request.path_info.startswith(API_PREFIX):
            language = translation.get_language_from_request(request, check_path=False)
        else:
            # Unprefixed public URLs resolve only while the default language is active.
            translation.activate(settings.LANGUAGE_CODE)
            cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            language = cookie if cookie in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
            if is_public_page(request.path_info):
                if language != settings.LANGUAGE_CODE and request.method in ("GET", "HEAD"):
                    return HttpResponseRedirect(translate_url(request.get_full_path(), language))
                language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        else:
            patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


API_PREFIX = "/api/"


def is_public_page(path: str) -> bool:
    """Whether ``path`` is a page of the public site (the ``i18n_patterns`` part of the URLconf)."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.namespace in settings.I18N_URL_NAMESPACES
