"""Evidence files: allowed types read from the bytes, a size cap, nothing half-saved, staff-only serving."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from accounts.roles import Role
from desk import services
from desk.models import EvidenceDocument, evidence_storage
from tests.factories import StaffUserFactory

from .conftest import EXE_BYTES, PDF_BYTES, PNG_BYTES, docx_bytes, pdf

pytestmark = pytest.mark.django_db


def stored_files() -> list[str]:
    storage = evidence_storage()
    found = []

    def walk(path):
        directories, files = storage.listdir(path)
        found.extend(f"{path}/{name}" for name in files)
        for directory in directories:
            walk(f"{path}/{directory}" if path else directory)

    if storage.exists("evidence"):
        walk("evidence")
    return found


def test_a_pdf_attached_to_a_milestone_is_stored_privately_with_its_type_from_the_bytes(project, officer):
    milestone = project.milestones.first()
    document = services.evidence_attach(project=project, milestone=milestone, upload=pdf("签约合同.pdf"),
                                        title="签约合同", kind="contract", user=officer)
    assert (document.content_type, document.extension, document.size) == ("application/pdf", "pdf", len(PDF_BYTES))
    assert document.original_name == "签约合同.pdf"
    # The stored name says nothing of the original; the store has no public URL.
    assert "签约合同" not in document.file.name and document.file.name.endswith(".pdf")
    assert document.file.read() == PDF_BYTES
    assert document.history.count() == 1


@pytest.mark.parametrize("name, content, message", [
    ("setup.pdf", EXE_BYTES, "不支持此文件类型"),           # an .exe renamed .pdf
    ("notes.pdf", b"just some text, no magic", "不支持此文件类型"),
    ("photo.pdf", PNG_BYTES, "扩展名（.pdf）与文件内容（PNG）不符"),
    ("empty.pdf", b"", "文件为空"),
])
def test_a_refused_file_names_the_reason_in_chinese_and_nothing_is_stored(project, officer, name, content, message):
    with pytest.raises(ValidationError) as refused:
        services.evidence_attach(project=project, upload=SimpleUploadedFile(name, content), title="材料",
                                 user=officer)
    assert message in str(refused.value)
    assert not EvidenceDocument.objects.exists()
    assert stored_files() == []


def test_office_files_and_images_are_allowed(project, officer):
    services.evidence_attach(project=project, upload=SimpleUploadedFile("纪要.docx", docx_bytes()), title="纪要",
                             user=officer)
    services.evidence_attach(project=project, upload=SimpleUploadedFile("现场.png", PNG_BYTES), title="现场",
                             kind="photo", user=officer)
    assert sorted(EvidenceDocument.objects.values_list("extension", flat=True)) == ["docx", "png"]


def test_the_size_cap(project, officer, settings):
    settings.EVIDENCE_MAX_BYTES = 50
    with pytest.raises(ValidationError) as refused:
        services.evidence_attach(project=project, upload=pdf(), title="大文件", user=officer)
    assert "文件过大" in str(refused.value)
    assert stored_files() == []


def test_a_record_that_cannot_be_written_removes_its_file(project, officer, monkeypatch):
    def fail(*args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr("ledger.writes.save_with_history", fail)
    with pytest.raises(IntegrityError):
        services.evidence_attach(project=project, upload=pdf(), title="合同", user=officer)
    assert stored_files() == []
    assert not EvidenceDocument.objects.exists()


def test_a_viewer_may_not_upload(project):
    viewer = StaffUserFactory(username="viewer", roles=[Role.VIEWER])
    with pytest.raises(PermissionDenied):
        services.evidence_attach(project=project, upload=pdf(), title="合同", user=viewer)


def test_the_file_is_served_only_to_staff_who_may_view_it(client, project, officer):
    document = services.evidence_attach(project=project, upload=pdf("合同.pdf"), title="合同", user=officer)
    url = reverse("admin:desk_evidencedocument_download", args=[document.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    outsider = StaffUserFactory(username="no-role")  # staff, but no role: no view permission
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]


def test_the_admin_upload_form_shows_the_refusal_next_to_the_file(client, project, officer):
    client.force_login(officer)
    response = client.post(reverse("admin:desk_evidencedocument_add"), {
        "project": project.pk, "kind": "contract", "title": "伪装的程序",
        "upload": SimpleUploadedFile("合同.pdf", EXE_BYTES)})
    assert response.status_code == 200
    assert "不支持此文件类型" in response.content.decode()
    assert not EvidenceDocument.objects.exists() and stored_files() == []
    ok = client.post(reverse("admin:desk_evidencedocument_add"), {
        "project": project.pk, "kind": "contract", "title": "真合同", "upload": pdf("合同.pdf")})
    assert ok.status_code == 302
    assert EvidenceDocument.objects.get().title == "真合同"
