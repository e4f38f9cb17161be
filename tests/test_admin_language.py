"""Chinese throughout the admin, third-party parts included; English when the language is English."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


def test_the_admin_index_has_no_english_left(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "登录保护" in page and "登录尝试" in page and "登录失败记录" in page and "登录日志" in page
    for english in ("AXES", "Axes", "Access attempts", "Access failures", "Access logs"):
        assert english not in page, english
    assert '<link rel="icon" href="/static/favicon.svg"' in page


def test_axes_lists_and_permissions_read_in_chinese(admin_client):
    AccessAttempt.objects.create(username="clerk", ip_address="127.0.0.1", user_agent="t", path_info="/admin/login/",
                                 failures_since_start=1)
    page = admin_client.get("/admin/axes/accessattempt/").content.decode()
    assert "IP 地址" in page and "用户名" in page and "IP Address" not in page
    page = admin_client.get("/admin/auth/group/add/").content.decode()
    assert "可以添加 招商项目" in page and "Can add" not in page
    catalog = admin_client.get(reverse("admin:jsi18n")).content.decode()
    escaped = "全选%s".encode("ascii", "backslashreplace").decode()  # JSON may escape non-ASCII
    assert "全选%s" in catalog or escaped in catalog


def test_the_admin_is_english_in_english(admin_client):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = admin_client.get("/admin/").content.decode()
    assert "Login protection" in page and "Access attempts" in page


def test_the_lock_out_page_names_the_site_and_says_the_wait_in_chinese(client):
    StaffUserFactory(username="clerk", password=make_password("right"))
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("admin:login"), {"username": "clerk", "password": "wrong"})
    assert response.status_code == 429
    page = response.content.decode()
    assert "青山区招商项目管理系统" in page and "青山区招商局后台" in page
    assert "请在 1 小时 后重试" in page
    assert "Django" not in page and "1:00:00" not in page
