"""The public site speaks Chinese first."""

import pytest

pytestmark = pytest.mark.django_db


def test_pages_are_chinese_first_whatever_the_browser_asks(client, settings):
    """An English browser still lands on Chinese pages; the language switch's cookie chooses English."""
    response = client.get("/projects/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert response["Content-Language"] == "zh-hans"
    assert "招商项目" in response.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/projects/", headers={"Accept-Language": "zh-CN"})
    assert response["Content-Language"] == "en"
    assert "Cookie" in response["Vary"]
