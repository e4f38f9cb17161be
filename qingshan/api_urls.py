"""/api/v1/: the read-only REST API, its OpenAPI schema and its docs (assets served by this site)."""

from django.conf import settings
from django.http import JsonResponse
from django.urls import path, re_path
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

app_name = "api"


class ApiRouter(DefaultRouter):
    include_format_suffixes = False


router = ApiRouter(use_regex_path=False)
for dotted in settings.QINGSHAN_API_ROUTES:  # each app's register(router), in order
    import_string(dotted)(router)


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar's files; no inline script or style (strict CSP)."""

    template_name = "api/swagger_ui.html"


def not_found(request, path=""):
    """Anything else under /api/v1/ is a JSON 404 too, not an HTML page."""
    return JsonResponse({"detail": _("未找到。")}, status=404)


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
    re_path(r"^(?P<path>.*)$", not_found),
]
