"""Staff accounts in each role, for the workflow, history, locking and role tests."""

import pytest

from projects.stages import Role
from tests.factories import StaffUserFactory


@pytest.fixture
def officer(db):
    return StaffUserFactory(username="officer", first_name="专员甲", roles=[Role.OFFICER])


@pytest.fixture
def officer2(db):
    return StaffUserFactory(username="officer2", first_name="专员乙", roles=[Role.OFFICER])


@pytest.fixture
def reviewer(db):
    return StaffUserFactory(username="reviewer", first_name="审核员丙", roles=[Role.REVIEWER])


@pytest.fixture
def viewer(db):
    return StaffUserFactory(username="viewer", first_name="只读丁", roles=[Role.VIEWER])


@pytest.fixture
def administrator(db):
    return StaffUserFactory(username="administrator", first_name="管理员戊", roles=[Role.ADMINISTRATOR])
