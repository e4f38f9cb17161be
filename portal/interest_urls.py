"""Pages of the investor's portal that are per visitor (not in the public page cache)."""

from django.urls import path

from . import interest_views

app_name = "portal"

urlpatterns = [
    path("interest/", interest_views.interest_form, name="interest"),
    path("interest/thanks/", interest_views.interest_thanks, name="interest_thanks"),
]
