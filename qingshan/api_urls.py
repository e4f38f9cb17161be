"""/api/v1/: the read-only REST API, its OpenAPI schema and its docs (assets served by this site)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from ambassadors import api as ambassadors_api
from projects.api import urls as projects_api

app_name = "api"


class ApiRouter(DefaultRouter):
    include_format_suffixes = False


router = ApiRouter()
projects_api.register(router)
ambassadors_api.register(router)


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar's files; no inline script or style (strict CSP)."""

    template_name = "api/swagger_ui.html"


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
