"""The admin's second sign-in step and its set-up (``accounts.two_factor``), under /admin/two-factor/."""

from django.urls import path

from . import two_factor

app_name = "two_factor"

urlpatterns = [
    path("verify/", two_factor.verify, name="verify"),
    path("setup/", two_factor.setup, name="setup"),
]
