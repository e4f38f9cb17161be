import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from tests.factories import UserFactory

API = "/api/v1/"
# (endpoint, model label) for every entity the API serves.
ENDPOINTS = [
    ("projects", "projects.project"),
    ("enterprises", "projects.enterprise"),
    ("sectors", "projects.sector"),
    ("events", "projects.signingevent"),
    ("institutes", "projects.researchinstitute"),
    ("zones", "projects.renewalzone"),
    ("ambassadors", "ambassadors.ambassador"),
    ("cohorts", "ambassadors.cohort"),
]


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def staff_user(db):
    """A staff member who may view every ledger model (but is no superuser)."""
    user = UserFactory(username="api-staff", is_staff=True)
    codenames = [f"view_{label.split('.')[1]}" for _endpoint, label in ENDPOINTS]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def staff_client(staff_user) -> APIClient:
    client = APIClient()
    client.force_authenticate(staff_user)
    return client
