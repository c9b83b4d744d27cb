"""Evidence files: which kinds are accepted and how big; what a file is comes from ``core.sniffing``."""
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core import sniffing


@dataclass(frozen=True)
class Kind:
    content_type: str
    label: str
    extensions: tuple


PDF = Kind("application/pdf", "PDF", (".pdf",))
PNG = Kind("image/png", "PNG 图片", (".png",))
JPEG = Kind("image/jpeg", "JPEG 图片", (".jpg", ".jpeg"))
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word 文档", (".docx",))
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 工作簿", (".xlsx",))
TEXT = Kind("text/plain; charset=utf-8", "纯文本", (".txt",))
# old binary formats (Kingsoft WPS writes the same content under .wps/.et): accepted as they are, never converted
DOC = Kind("application/msword", "旧版 Word/WPS 文档", (".doc", ".wps"))
XLS = Kind("application/vnd.ms-excel", "旧版 Excel/WPS 表格", (".xls", ".et"))
RTF = Kind("application/rtf", "RTF 文档", (".rtf",))
EVIDENCE_KINDS = (PDF, PNG, JPEG, DOCX, XLSX, TEXT, DOC, XLS, RTF)
MAX_ZIP_ENTRIES = 10000


def max_bytes() -> int:
    return settings.LUOSHI_MAX_UPLOAD_BYTES


def check_size(upload):
    if upload.size == 0:
        raise ValidationError(_("文件“%(name)s”是空的，请选择有内容的文件。") % {"name": upload.name}, code="empty")
    if upload.size > max_bytes():
        raise ValidationError(
            _("文件“%(name)s”有 %(size)s，超过了 %(max)s 的上限。请压缩或拆分后再上传。")
            % {"name": upload.name, "size": filesizeformat(upload.size), "max": filesizeformat(max_bytes())},
            code="too_large",
        )


def _office_zip(upload):
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                return None
            kind = sniffing.office_kind(info.filename for info in infos)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    return {"docx": DOCX, "xlsx": XLSX}.get(kind)


def _ole_kind(upload):
    """Word 97 or Excel 97 (or Kingsoft's same formats); never an encrypted or other OLE2 file."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return {"doc": DOC, "xls": XLS}.get(sniffing.ole_kind(data))


def _is_text(upload):
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if b"\x00" in data:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def sniff(upload) -> Kind | None:
    """The evidence kind of ``upload`` (``core.sniffing`` reads its first bytes), or ``None``."""
    upload.seek(0)
    head = upload.read(sniffing.HEAD_BYTES)
    upload.seek(0)
    kind = sniffing.sniff(head)
    if kind == sniffing.ZIP:
        return _office_zip(upload)
    if kind == sniffing.OLE:
        return _ole_kind(upload)
    if kind == sniffing.OTHER:
        return TEXT if _is_text(upload) else None
    return {sniffing.PDF: PDF, sniffing.PNG: PNG, sniffing.JPEG: JPEG, sniffing.RTF: RTF}.get(kind)


def check_evidence(upload) -> Kind:
    """Size and content check of an evidence file; returns its kind or raises a Chinese message."""
    check_size(upload)
    kind = sniff(upload)
    if kind is None:
        raise ValidationError(
            _("文件“%(name)s”的内容不是可接受的类型。证明材料只接受 PDF、JPG/PNG 图片、Word（.docx/.doc）、WPS（.wps/.et）、Excel（.xlsx/.xls）、RTF 或纯文本（.txt）。")
            % {"name": upload.name},
            code="bad_type",
        )
    name = (upload.name or "").lower()
    if not name.endswith(kind.extensions):
        raise ValidationError(
            _("文件“%(name)s”的扩展名与内容不符：内容是%(label)s，扩展名应为 %(ext)s。请确认选择的是正确的文件。")
            % {"name": upload.name, "label": kind.label, "ext": " 或 ".join(kind.extensions)},
            code="bad_extension",
        )
    return kind
