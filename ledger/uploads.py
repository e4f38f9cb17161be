"""What an uploaded Office file must not be: macro-enabled, an old binary (OLE) Office file, or an
archive that would unpack to far more than it weighs (a zip bomb).

An Office Open XML file (DOCX, XLSX, PPTX) is a zip archive. It is judged from the archive's central
directory alone (``zipfile`` reads the entries' names and declared sizes from the end of the file):
nothing is unpacked except ``[Content_Types].xml``, itself read only up to a small cap. So a 200 KB
file that declares 200 MB of content is refused in a few milliseconds, and the server never holds
the 200 MB.

- **Macros**: a ``vbaProject.bin`` part anywhere in the archive (``word/vbaProject.bin``,
  ``xl/vbaProject.bin``…), or ``[Content_Types].xml`` declaring a macro-enabled main part
  (``…macroEnabled…``: DOCM, XLSM, PPTM and their templates) or a VBA project
  (``application/vnd.ms-office.vbaProject``), whatever the file's name says.
- **Size**: the sum of the entries' declared uncompressed sizes above ``max_unpacked`` bytes, or,
  once that sum is above ``RATIO_FLOOR`` bytes, more than ``max_ratio`` times the file's own size
  (ordinary DOCX/XLSX files compress 2–20×; a small file may compress better, which harms nobody).
- **Old binary Office files** (``.doc``, ``.xls``, ``.ppt``: OLE compound files) are refused outright:
  telling whether one holds macros would mean parsing its directory (no OLE parser is installed), and
  every current Office saves DOCX/XLSX or PDF.

Each refusal is a Chinese sentence saying what to do instead.
"""

from __future__ import annotations

import zipfile
from typing import BinaryIO

from django.utils.translation import gettext as _

#: The first bytes of an OLE compound file (old .doc/.xls/.ppt, and .msg).
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Below this many declared bytes the compression ratio is not judged.
RATIO_FLOOR = 1024 * 1024
#: ``[Content_Types].xml`` is a few kilobytes; it is read up to this many bytes, no more.
CONTENT_TYPES_MAX_BYTES = 256 * 1024
CONTENT_TYPES = "[Content_Types].xml"
MACRO_MARKERS = ("macroenabled", "vnd.ms-office.vbaproject")


def is_ole(head: bytes) -> bool:
    return head.startswith(OLE_MAGIC)


def ole_refusal() -> str:
    return _("不接收旧版 Office 文件（.doc、.xls、.ppt）：这类文件可能带有宏，无法可靠检查。"
             "请在 Office 或 WPS 中另存为 .docx、.xlsx 或 PDF 后再上传。")


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f}"


def office_archive_refusal(handle: BinaryIO, *, size: int, max_unpacked: int, max_ratio: float) -> str | None:
    """Why the Office Open XML file ``handle`` (``size`` bytes) is refused, or None if it is not.

    Reads the zip's central directory and, capped, ``[Content_Types].xml``; leaves ``handle`` at 0.
    """
    try:
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            entries = archive.infolist()
            declared = sum(entry.file_size for entry in entries)
            if declared > max_unpacked:
                return _("文件解压后的声明大小为 %(unpacked)s MB，超过上限 %(limit)s MB，疑为压缩炸弹，不予接收。"
                         "请检查文件来源，或将文件另存为 PDF 后上传。") % {
                    "unpacked": _megabytes(declared), "limit": _megabytes(max_unpacked)}
            if declared > RATIO_FLOOR and declared > max_ratio * max(size, 1):
                return _("文件的压缩比异常（解压后 %(unpacked)s MB，为文件本身的 %(ratio)s 倍，上限 %(limit)s 倍），"
                         "疑为压缩炸弹，不予接收。请检查文件来源，或将文件另存为 PDF 后上传。") % {
                    "unpacked": _megabytes(declared), "ratio": f"{declared / max(size, 1):,.0f}",
                    "limit": f"{max_ratio:g}"}
            if any(entry.filename.rsplit("/", 1)[-1].lower() == "vbaproject.bin" for entry in entries):
                return _macro_refusal()
            types = next((entry for entry in entries if entry.filename == CONTENT_TYPES), None)
            if types is not None:
                if types.file_size > CONTENT_TYPES_MAX_BYTES:
                    return _("文件结构异常（内容类型清单过大），不予接收。请将文件另存为 PDF 后上传。")
                with archive.open(types) as part:
                    text = part.read(CONTENT_TYPES_MAX_BYTES).decode("utf-8", "replace").lower()
                if any(marker in text for marker in MACRO_MARKERS):
                    return _macro_refusal()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError, OSError):
        return _("文件已损坏或不是有效的 Office 文件，无法读取。请在 Office 或 WPS 中重新保存后上传。")
    finally:
        handle.seek(0)
    return None


def _macro_refusal() -> str:
    return _("文件含有宏（VBA），不予接收：宏可能携带恶意代码。请在 Office 或 WPS 中另存为不含宏的 .docx、.xlsx"
             "（或 PDF）后再上传。")
