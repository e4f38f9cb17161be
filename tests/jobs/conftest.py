import pytest
from django.core.files.storage import FileSystemStorage

from jobs.models import Job


@pytest.fixture(autouse=True)
def job_files(tmp_path, monkeypatch):
    """Job files in the test's own folder, never under var/ (the fields' store, STORAGES["jobs"], swapped)."""
    store = FileSystemStorage(location=str(tmp_path / "jobs"), base_url=None)
    for name in ("input_file", "result_file"):
        monkeypatch.setattr(Job._meta.get_field(name), "storage", store)
    return tmp_path / "jobs"
