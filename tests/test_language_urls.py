"""Language in the URL (issue #18): /en/… is English, unprefixed is Chinese, hreflang alternates on
pages and in the sitemap, Chinese text on English pages marked lang="zh-Hans" and "Chinese only",
API messages following Accept-Language."""

import re

import pytest
from django.urls import reverse

from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_english_has_its_own_url_with_hreflang_alternates(client):
    ProjectFactory(name="测试英文项目", name_en="Test English project", slug="test-en-project")
    english = client.get("/en/projects/?q=Test")
    page = english.content.decode()
    assert english.status_code == 200 and english["Content-Language"] == "en"
    assert '<html lang="en">' in page and "<h1>Projects</h1>" in page
    assert '<link rel="alternate" hreflang="zh-Hans" href="http://testserver/projects/?q=Test">' in page
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/projects/?q=Test">' in page
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/projects/?q=Test">' in page
    chinese = client.get("/projects/", headers={"Accept-Language": "en"})
    assert chinese["Content-Language"] == "zh-hans"  # unprefixed is Chinese whatever the browser says
    assert client.get("/en/projects/test-en-project/").status_code == 200
    assert "Test English project" in client.get("/en/projects/test-en-project/").content.decode()


def test_the_switch_keeps_the_page_and_query(client):
    ProjectFactory(slug="test-switch")
    response = client.post(reverse("set_language"), {"language": "en", "next": "/projects/test-switch/"})
    assert response["Location"] == "/en/projects/test-switch/"
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/en/projects/?stage=signed"})
    assert response["Location"] == "/projects/?stage=signed"
    # Chosen Chinese sticks: the unprefixed page is no longer redirected.
    assert client.get("/projects/").status_code == 200


def test_sitemap_lists_both_languages_with_alternates(client):
    ProjectFactory(slug="test-sitemap")
    xml = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/projects/test-sitemap/</loc>" in xml
    assert "<loc>http://testserver/en/projects/test-sitemap/</loc>" in xml
    assert 'hreflang="en" href="http://testserver/en/projects/test-sitemap/"' in xml
    assert 'hreflang="x-default" href="http://testserver/projects/test-sitemap/"' in xml


def test_text_without_english_is_marked_as_chinese_only(client):
    ProjectFactory(slug="test-zh-only", name="测试仅中文项目", name_en="", summary="只有中文摘要", summary_en="")
    page = client.get("/en/projects/test-zh-only/").content.decode()
    assert re.search(r'<h1><span lang="zh-Hans">测试仅中文项目</span> <span class="lang-missing">Chinese only</span></h1>', page)
    assert '<span lang="zh-Hans">只有中文摘要</span>' in page
    chinese = client.get("/projects/test-zh-only/").content.decode()
    assert "lang-missing" not in chinese and "英文暂缺" not in chinese


def test_api_messages_follow_accept_language(client):
    english = client.get("/api/v1/projects/", {"stage": "bogus"}, headers={"Accept-Language": "en"})
    chinese = client.get("/api/v1/projects/", {"stage": "bogus"}, headers={"Accept-Language": "zh-CN"})
    assert english.status_code == chinese.status_code == 400
    assert "Select a valid choice" in english.content.decode()
    assert "Select a valid choice" not in chinese.content.decode()
    assert "Accept-Language" in english["Vary"]
