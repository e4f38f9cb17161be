"""What an evidence upload must be: an allowed type, read from the file's bytes, not too big, and no
macros or zip bomb in an Office file (``ledger.uploads``: judged from the zip's directory, never unpacked)."""

from __future__ import annotations

from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from ledger.uploads import is_ole, office_archive_refusal, ole_refusal

# Detected MIME type -> (the extensions a name may carry for it, the extension it is stored with).
ALLOWED_TYPES: dict[str, tuple[tuple[str, ...], str]] = {
    "application/pdf": (("pdf",), "pdf"),
    "image/jpeg": (("jpg", "jpeg"), "jpg"),
    "image/png": (("png",), "png"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (("docx",), "docx"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (("xlsx",), "xlsx"),
}
ALLOWED_EXTENSIONS_TEXT = "PDF、JPG、PNG、DOCX、XLSX"
#: The allowed types that are zip archives (Office Open XML): checked for macros and declared size.
OFFICE_ARCHIVES = frozenset({
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
})
# filetype reads the first bytes only; an Office file's kind is found in its zip directory.
HEADER_BYTES = 8192


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    size: int


def max_bytes() -> int:
    return int(settings.EVIDENCE_MAX_BYTES)


def max_unpacked_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_UNPACKED_BYTES", 100 * 1024 * 1024))


def max_ratio() -> float:
    return float(getattr(settings, "EVIDENCE_MAX_COMPRESSION_RATIO", 100))


def check_upload(upload: UploadedFile) -> CheckedFile:
    """The file's detected type and size, or a ``ValidationError`` (Chinese) on the ``file`` field."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": _("文件为空，请重新选择。")})
    if size > max_bytes():
        raise ValidationError({"file": _("文件过大（%(size)s MB），上限为 %(limit)s MB。") % {
            "size": round(size / 1024 / 1024, 1), "limit": round(max_bytes() / 1024 / 1024, 1)}})
    upload.seek(0)
    head = upload.read(HEADER_BYTES)
    upload.seek(0)
    if is_ole(head):
        raise ValidationError({"file": ole_refusal()})
    kind = filetype.guess(head)
    detected = kind.mime if kind is not None else ""
    if detected not in ALLOWED_TYPES:
        raise ValidationError({"file": _(
            "不支持此文件类型：文件内容不是允许的格式（%(allowed)s），与文件名无关。"
        ) % {"allowed": ALLOWED_EXTENSIONS_TEXT}})
    if detected in OFFICE_ARCHIVES:  # before the name: a .docm/.xlsm is refused for its macros
        refusal = office_archive_refusal(upload, size=size, max_unpacked=max_unpacked_bytes(), max_ratio=max_ratio())
        if refusal:
            raise ValidationError({"file": refusal})
    names, stored_extension = ALLOWED_TYPES[detected]
    if extension not in names:
        raise ValidationError({"file": _(
            "文件名的扩展名（.%(extension)s）与文件内容（%(kind)s）不符，请核对后重新上传。"
        ) % {"extension": extension or "?", "kind": stored_extension.upper()}})
    return CheckedFile(content_type=detected, extension=stored_extension, size=size)
