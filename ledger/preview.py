"""
Staff preview: a draft, or a pending revision, rendered as the public would see it.

``/preview/<app>/<model>/<pk>/`` (``?revision=<id>`` for a pending revision) renders the record's
public page through the domain's renderer (``register_preview``), marked 预览 and ``noindex``, never
cached (no ``Cache-Control`` that lets anything keep it, and outside the cached public namespaces of
``PublicPageCacheMiddleware``). Anyone but a signed-in staff member who may view the model gets 404,
as if the address did not exist.
"""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from .models import Revision, RevisionStatus
from .permissions import perm

# model -> render(request, pk, revision): the public page of that record, unpublished or not.
Renderer = Callable[[HttpRequest, int, "Revision | None"], HttpResponse]
_RENDERERS: dict[type[models.Model], Renderer] = {}


def register_preview(model: type[models.Model], render: Renderer) -> None:
    _RENDERERS[model] = render


def preview_url(record: models.Model, *, revision: Revision | None = None) -> str | None:
    """The staff preview of ``record`` (and of a pending revision of it); None without a renderer."""
    if type(record) not in _RENDERERS:
        return None
    url = reverse("ledger:preview", args=[record._meta.app_label, record._meta.model_name, record.pk])
    return f"{url}?revision={revision.pk}" if revision is not None else url


def preview_view(request: HttpRequest, app_label: str, model_name: str, pk: int) -> HttpResponse:
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        raise Http404(_("没有找到该页面。")) from None
    user = request.user
    if model not in _RENDERERS or request.method not in ("GET", "HEAD") or not (
        user.is_authenticated and user.is_active and user.is_staff and user.has_perm(perm(model, "view"))
    ):
        raise Http404(_("没有找到该页面。"))
    revision = None
    if request.GET.get("revision"):
        revision = Revision.objects.filter(
            pk=request.GET["revision"] if request.GET["revision"].isascii() and request.GET["revision"].isdigit() else 0,
            object_id=pk, content_type__app_label=app_label, content_type__model=model_name,
            status=RevisionStatus.PENDING,
        ).first()
        if revision is None:
            raise Http404(_("没有找到该修订。"))
    request.qingshan_preview = {"revision": revision}
    try:
        response = _RENDERERS[model](request, pk, revision)
    except model.DoesNotExist:
        raise Http404(_("没有找到该记录。")) from None
    response["X-Robots-Tag"] = "noindex, nofollow"
    add_never_cache_headers(response)
    return response
