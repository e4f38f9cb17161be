"""The admin's app list (index and sidebar) speaks Chinese: no app or model left with Django's or a
library's English name (认证和授权, 两步验证设备, 后台任务队列…)."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_app_and_model_in_the_admin_list_has_a_chinese_name(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    names = [re.sub(r"<[^>]+>", "", text).strip() for text in
             re.findall(r"<caption>(.*?)</caption>", page, re.S) + re.findall(r'<th scope="row">(.*?)</th>', page, re.S)]
    assert names, "the app list is on the page"
    english = [name for name in names if re.search(r"[A-Za-z]{3,}", name) and not re.search(r"[\u4e00-\u9fff]", name)]
    assert english == [], english
