"""No desk record, file name or file reaches anything public: pages, the anonymous API, exports,
feeds, the sitemap, or a guessed /media/ address."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from desk import services
from tests.site_world import build_world
from tests.test_leaks import build_secrets, public_urls

from .conftest import PDF_BYTES

pytestmark = pytest.mark.django_db

MARKER = "ZQXDESKMARKER"


def test_no_desk_text_or_file_reaches_a_public_page_the_api_an_export_feed_or_sitemap(client):
    world = build_world()
    build_secrets(world)
    project = world.started
    today = datetime.date.today()
    visit = services.interaction_log(project=project, occurred_on=today, summary=f"{MARKER}走访摘要",
                                     enterprise_participants=f"{MARKER}企业人员", next_step=f"{MARKER}下一步",
                                     next_step_due=today, user=None)
    services.supervision_create(project=project, obstacle=f"{MARKER}问题", responsible_unit=f"{MARKER}单位",
                                deadline=today, user=None)
    document = services.evidence_attach(project=project, interaction=visit, title=f"{MARKER}合同",
                                        upload=SimpleUploadedFile(f"{MARKER}.pdf", PDF_BYTES), user=None)
    api = ["/api/v1/projects/", f"/api/v1/projects/{project.slug}/", "/api/v1/projects/?format=csv",
           "/api/v1/projects/?format=xlsx"]
    guessed = [f"/media/{document.file.name}", f"/no-public-url/{document.file.name}", f"/{document.file.name}"]
    checked = 0
    for url in [*public_urls(world), *api]:
        response = client.get(url, follow=True)
        assert response.status_code in (200, 400), url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert MARKER.encode() not in body, url
        assert PDF_BYTES not in body, url
        checked += 1
    for url in guessed:
        response = client.get(url)
        assert response.status_code == 404, url
        assert PDF_BYTES not in response.content
    assert checked >= 30
