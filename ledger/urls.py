"""The core's own pages: the staff preview of drafts and pending revisions (``ledger.preview``)."""

from django.urls import path

from .preview import preview_view

app_name = "ledger"

urlpatterns = [
    path("<str:app_label>/<str:model_name>/<int:pk>/", preview_view, name="preview"),
]
