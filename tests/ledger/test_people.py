"""People by their names as people write them: 王芳 (no space), Anna Schmidt, else the user name —
the same in Python, in SQL, in ``str(user)`` (pickers, history) and in the admin's greeting."""

import pytest
from django.contrib.auth import get_user_model

from accounts.roles import Role
from ledger.people import display_name, display_name_sql
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

NAMES = [
    ({"first_name": "芳", "last_name": "王", "username": "officer1"}, "王芳"),
    ({"first_name": "Anna", "last_name": "Schmidt", "username": "anna"}, "Anna Schmidt"),
    ({"first_name": "Anna", "last_name": "", "username": "anna2"}, "Anna"),
    ({"first_name": "", "last_name": "", "username": "officer3"}, "officer3"),
    ({"first_name": "欧阳", "last_name": "", "username": "officer4"}, "欧阳"),
]


@pytest.mark.parametrize(("fields", "expected"), NAMES)
def test_display_name_in_python_sql_and_str_agree(fields, expected):
    user = get_user_model().objects.create(**fields)
    assert display_name(user) == expected
    assert str(user) == expected
    in_sql = get_user_model().objects.filter(pk=user.pk).annotate(name=display_name_sql()).get().name
    assert in_sql == expected


def test_the_admin_header_greets_by_chinese_name(client):
    user = StaffUserFactory(username="officer1", first_name="芳", last_name="王", roles=[Role.OFFICER])
    client.force_login(user)
    page = client.get("/admin/").content.decode()
    assert "欢迎，<strong>王芳</strong>" in page
    assert "芳 王" not in page and "officer1</strong>" not in page
