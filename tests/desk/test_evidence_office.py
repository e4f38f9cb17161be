"""Office evidence files through the admin's upload form: macros, zip bombs and old binary Office files
are refused in Chinese, judged from the zip's directory without unpacking, the typed fields kept and
nothing stored. Every file is built here (zipfile writes them)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from desk.models import EvidenceDocument

from .test_evidence import stored_files

pytestmark = pytest.mark.django_db(transaction=True)

ADD = "admin:desk_evidencedocument_add"
MACRO = "文件含有宏（VBA），不予接收"
BOMB = "疑为压缩炸弹，不予接收"
PLAIN_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
               'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
DOCM_TYPES = PLAIN_TYPES.replace(
    "</Types>", '<Override PartName="/word/document.xml" '
                'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>')
VBA_DEFAULT_TYPES = PLAIN_TYPES.replace(
    "</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')


def office_file(*parts: tuple[str, bytes | str], types: str = PLAIN_TYPES, main: str = "word/document.xml",
                big: tuple[str, int] | None = None) -> bytes:
    """A DOCX (or, with ``main="xl/workbook.xml"``, an XLSX); ``big`` adds a part of that many zero
    bytes, written in 1 MB chunks (a zip bomb without holding it in memory)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr(main, "<document>纪要</document>")
        for name, content in parts:
            archive.writestr(name, content)
        if big is not None:
            name, size = big
            chunk = b"\0" * (1024 * 1024)
            with archive.open(name, "w") as part:
                for _ in range(size // len(chunk)):
                    part.write(chunk)
    return buffer.getvalue()


@pytest.fixture
def upload_page(client, officer, project):
    client.force_login(officer)

    def post(name: str, content: bytes):
        return client.post(reverse(ADD), {"project": project.pk, "kind": "contract", "title": "投资协议扫描件",
                                          "upload": SimpleUploadedFile(name, content)})

    return post


def assert_refused(response, message: str, project) -> None:
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    form = response.context["adminform"].form
    assert form.errors["upload"] and message in form.errors["upload"][0]
    # The typed values are still in the form; nothing was written or stored.
    assert (form["title"].value(), form["kind"].value(), str(form["project"].value())) == (
        "投资协议扫描件", "contract", str(project.pk))
    assert 'value="投资协议扫描件"' in page
    assert EvidenceDocument.objects.count() == 0
    assert stored_files() == []


@pytest.mark.parametrize(("name", "content"), [
    ("纪要.docx", office_file(("word/vbaProject.bin", b"\xcc\x61VBA"))),
    ("台账.xlsx", office_file(("xl/vbaProject.bin", b"\xcc\x61VBA"), main="xl/workbook.xml")),
    ("改名的宏文档.docx", office_file(types=DOCM_TYPES)),  # a .docm renamed: its content types say so
    ("宏文档.docm", office_file(types=DOCM_TYPES)),
    ("纪要.docx", office_file(types=VBA_DEFAULT_TYPES)),
], ids=["word-vbaProject.bin", "excel-vbaProject.bin", "docm-renamed-docx", "docm", "vbaProject-content-type"])
def test_macro_enabled_office_files_are_refused_on_the_form(upload_page, project, name, content):
    assert_refused(upload_page(name, content), MACRO, project)


def test_a_zip_bomb_named_docx_is_refused_from_its_directory_without_unpacking(upload_page, project, monkeypatch):
    bomb = office_file(big=("word/media/image1.png", 200 * 1024 * 1024))
    assert len(bomb) < 300 * 1024  # 200 MB declared in about 200 KB
    opened = []
    original_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return original_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    response = upload_page("纪要.docx", bomb)
    assert_refused(response, BOMB, project)
    assert "200.0 MB，超过上限 100.0 MB" in response.content.decode()
    assert "word/media/image1.png" not in opened  # the big part was never read


def test_a_small_archive_that_unpacks_to_a_thousand_times_its_size_is_refused(upload_page, project):
    bomb = office_file(big=("word/media/image1.png", 8 * 1024 * 1024))  # 8 MB: under the 100 MB cap
    response = upload_page("纪要.docx", bomb)
    assert_refused(response, BOMB, project)
    assert "压缩比异常" in response.content.decode()


def test_the_limits_are_settings(upload_page, project, settings):
    settings.EVIDENCE_MAX_UNPACKED_BYTES = 2 * 1024 * 1024
    settings.EVIDENCE_MAX_COMPRESSION_RATIO = 10_000
    response = upload_page("纪要.docx", office_file(big=("word/media/image1.png", 3 * 1024 * 1024)))
    assert_refused(response, "超过上限 2.0 MB", project)
    settings.EVIDENCE_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
    assert upload_page("纪要.docx", office_file(big=("word/media/image1.png", 3 * 1024 * 1024))).status_code == 302
    assert EvidenceDocument.objects.count() == 1


def test_old_binary_office_files_are_refused_with_the_way_out(upload_page, project):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "_VBA_PROJECT".encode("utf-16-le") + b"\x00" * 1000
    response = upload_page("会议纪要.doc", ole)
    assert_refused(response, "不接收旧版 Office 文件", project)
    assert "另存为 .docx、.xlsx 或 PDF" in response.content.decode()


def test_a_broken_archive_is_refused_as_unreadable(upload_page, project):
    whole = office_file(("word/styles.xml", "<styles/>" * 50))
    response = upload_page("纪要.docx", whole[: len(whole) // 2])  # the central directory is cut off
    assert_refused(response, "文件已损坏或不是有效的 Office 文件", project)


def test_ordinary_office_files_still_pass(upload_page, project):
    # A real document's parts: text that compresses a few times, over the ratio's 1 MB floor.
    text = "".join(f"<w:p>第{n}段：项目推进情况，企业反馈意见{n * 7919 % 10007}。</w:p>" for n in range(40_000))
    assert upload_page("纪要.docx", office_file(("word/styles.xml", text))).status_code == 302
    assert upload_page("台账.xlsx", office_file(main="xl/workbook.xml")).status_code == 302
    assert EvidenceDocument.objects.count() == 2
    assert len(stored_files()) == 2
