import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from accounts.two_factor import two_factor_required
from tests.clock import Clock
from tests.factories import StaffUserFactory, SuperUserFactory


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


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_step(monkeypatch):
    """``client.force_login`` skips the sign-in form; for an account that must have a second factor
    it also skips step 2, as if the person had entered the code of their (test) authenticator: the
    account gets a confirmed TOTP device and the session is verified with it, exactly the state
    ``django_otp.login`` leaves. The second step itself is tested in tests/accounts/test_two_factor.py
    and tests/browser/."""
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if two_factor_required(user=user):
            device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


# Staff accounts in each role (the workflow, history, locking, role and figure tests); a folder's own
# conftest or module may define its own under the same name.

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


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """A frozen clock: ``clock.set(date)`` moves ``timezone.now()`` to that day."""
    return Clock(monkeypatch)
