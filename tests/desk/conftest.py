import datetime
import io
import zipfile

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from desk.models import EvidenceDocument
from tests.factories import ProjectFactory, StaffUserFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def pdf(name: str = "contract.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def officer(db):
    return StaffUserFactory(username="officer-wang", first_name="伟", last_name="王", email="wang@example.com",
                            roles=[Role.OFFICER])


@pytest.fixture
def reviewer(db):
    return StaffUserFactory(username="reviewer-li", email="li@example.com", roles=[Role.REVIEWER])


@pytest.fixture
def project(officer):
    return ProjectFactory(name="测试氢能项目", officer=officer, responsible_unit="区发改局")


@pytest.fixture
def today() -> datetime.date:
    return datetime.date.today()


@pytest.fixture(autouse=True)
def evidence_store(settings, tmp_path, monkeypatch):
    """Each test its own private evidence store (an empty directory): the setting, and the file
    field's storage, which Django resolved once when the model was defined."""
    options = {"location": str(tmp_path / "evidence-store"), "base_url": "/no-public-url/"}
    settings.STORAGES = {**settings.STORAGES, "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": options,
    }}
    monkeypatch.setattr(EvidenceDocument._meta.get_field("file"), "storage", FileSystemStorage(**options))
    return tmp_path / "evidence-store"
