import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import translation

from tests.factories import SuperUserFactory


@pytest.fixture
def superuser(db):
    return SuperUserFactory(username="admin")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: the public data cache (qingshan/cache.py) is keyed by a
    version token kept in the database, and each test's database starts from the same token."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language: a request in English must not leak into the next test."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)
