"""``api_url``: each view's link is reversed once per request, and every link is still exactly what
``reverse()`` + ``build_absolute_uri()`` give (the API's ``url`` fields and the export's links)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from ledger.api.serializers import api_url

VIEWS = ["project-detail", "enterprise-detail", "sector-detail", "zone-detail"]
SLUGS = ["demo-project-000001", "a_b-9", "x", "中文", "a b", "a%2Fb", "a?b", "Zé"]


def slow(view: str, slug: str, request) -> str:
    return request.build_absolute_uri(reverse(f"api:{view}", kwargs={"slug": slug}))


@pytest.mark.parametrize("host,secure", [("testserver", False), ("invest.example.cn", True)])
def test_links_are_those_reverse_gives(host, secure, settings):
    settings.ALLOWED_HOSTS = ["testserver", "invest.example.cn"]
    request = RequestFactory().get("/api/v1/projects/", HTTP_HOST=host, secure=secure)
    context = {"request": request}
    for _ in range(2):  # the second pass reads the parts kept on the request
        for view in VIEWS:
            for slug in SLUGS:
                assert api_url(view, slug, context) == slow(view, slug, request), (view, slug)


def test_each_request_builds_its_own_links(settings):
    settings.ALLOWED_HOSTS = ["testserver", "invest.example.cn"]
    first = RequestFactory().get("/", HTTP_HOST="testserver")
    second = RequestFactory().get("/", HTTP_HOST="invest.example.cn", secure=True)
    assert api_url("project-detail", "p-1", {"request": first}) == "http://testserver/api/v1/projects/p-1/"
    assert api_url("project-detail", "p-1", {"request": second}) == "https://invest.example.cn/api/v1/projects/p-1/"
    assert api_url("project-detail", "p-1", {}) == "/api/v1/projects/p-1/"
