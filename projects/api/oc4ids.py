"""``/api/v1/oc4ids/``: the public projects as one OC4IDS 0.9.5 project package (``projects.oc4ids``).

The API's project filters apply (the same FilterSet as ``/api/v1/projects/``); the package holds the
public projects only, whoever asks, and is streamed for the whole ledger: written piece by piece from
chunked queries, in flat memory, never paginated.
"""

from django.conf import settings
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.renderers import JSONRenderer

from ledger.api.base import ERROR_RESPONSES, CheckedParametersMixin, search_filterset
from ledger.models import PublicDataVersion

from .. import filters, oc4ids
from ..models import Project


def package_filterset():
    """The API's project filters, less ``ordering``: the package lists the projects in a fixed order."""
    api_filterset = search_filterset(filters.ProjectFilterSet)
    package = type("OC4IDSProjectFilterSet", (api_filterset,), {})
    # The API's filters as search_filterset made them (strict yes/no, typed slugs), less the ordering.
    package.base_filters = {name: f for name, f in api_filterset.base_filters.items() if name != "ordering"}
    return package


class OC4IDSViewSet(CheckedParametersMixin, viewsets.GenericViewSet):
    """The public projects as an OC4IDS project package."""

    queryset = Project.objects.none()  # for the schema; the list reads ``Project.objects.public()``
    filterset_class = package_filterset()
    renderer_classes = [JSONRenderer]
    pagination_class = None

    @extend_schema(
        tags=["oc4ids"],
        summary="Public projects as an OC4IDS 0.9.5 project package",
        description=(
            "Every public project matching the project filters, as one project package of the Open Contracting "
            "for Infrastructure Data Standard 0.9.5 (streamed, never paginated). Budgets are in CNY (总投资 in "
            "万元 × 10,000), given only where published. A date known only to the month or year is never written "
            "as a day: its milestone has no dateMet and states the date and its precision in its description."
        ),
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="An OC4IDS 0.9.5 project package."),
                   **ERROR_RESPONSES},
    )
    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(Project.objects.public())
        # When the public data last changed: the package is made on demand (the standard's advice).
        published = PublicDataVersion.objects.filter(pk=1).values_list("changed_at", flat=True).first()
        with translation.override(settings.LANGUAGE_CODE):  # the data is Chinese: the Chinese pages
            placeholder = "oc4ids-slug-placeholder"
            page = request.build_absolute_uri(reverse("projects:project_detail", kwargs={"slug": placeholder}))
        before, after = page.split(placeholder)

        chunks = oc4ids.package_chunks(
            queryset=queryset, uri=request.build_absolute_uri(), publisher_uri=request.build_absolute_uri("/"),
            published=published or timezone.now(), page_url=lambda slug: f"{before}{slug}{after}",
        )
        response = StreamingHttpResponse((chunk.encode() for chunk in chunks),
                                         content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="qingshan-oc4ids.json"'
        return response
