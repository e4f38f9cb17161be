"""Staff accounts for the chains' tests (one conftest for this level)."""

import pytest

from projects.stages import Role
from tests.factories import StaffUserFactory


@pytest.fixture
def officer(db):
    return StaffUserFactory(username="officer", first_name="专员甲", roles=[Role.OFFICER])


@pytest.fixture
def reviewer(db):
    return StaffUserFactory(username="reviewer", first_name="审核员丙", roles=[Role.REVIEWER])


@pytest.fixture
def administrator(db):
    return StaffUserFactory(username="administrator", first_name="管理员戊", roles=[Role.ADMINISTRATOR])
