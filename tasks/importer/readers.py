"""Uploaded file bytes -> :class:`Document` (text lines and tables in order).

The type is decided by content (magic bytes), not by the file name: people rename
files, and mail systems do it for them. A zip holding ``word/document.xml`` is a
Word document whatever it is called; ``%PDF`` starts a PDF.

Everything that can go wrong ends as :class:`PlanImportError` with a Chinese
message that says what is wrong and what to do; any other exception raised inside
a third-party reader is converted to it.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import unicodedata
import zipfile
from html.parser import HTMLParser

from core import sniffing

from .convert import convert_office, legacy_kind
from .document import Document, Table, TextBlock
from .errors import MESSAGES, PlanImportError, import_error
from .office import read_docx, read_xlsx
from .pdf import read_pdf

__all__ = ["DEFAULT_MAX_BYTES", "read_document"]

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_UNZIPPED_BYTES = 300 * 1024 * 1024
# Lines of text plus table rows. A 10 MB plan of 2,000 tasks has a few tens of thousands.
MAX_PARAGRAPHS = 200_000


def read_document(data: bytes, filename: str = "", *, max_bytes: int = DEFAULT_MAX_BYTES,
                  ocr: bool = False) -> Document:
    """Read an uploaded plan file. Raises :class:`PlanImportError` and nothing else.

    Scans (images, image-only PDFs) are refused with ``image`` / ``pdf_image_only`` unless
    ``ocr`` is true: OCR takes seconds a page, so the web and the API run it as a job.
    """
    try:
        document = _read(data, filename or "", max_bytes)
    except PlanImportError as exc:
        if ocr and exc.code in OCR_CODES:
            from .ocr import ocr_document

            return ocr_document(data).document
        raise
    except Exception as exc:  # third-party readers raise anything on hostile input
        logger.exception("reading %r failed", filename)
        raise import_error("read_failed") from exc
    _check_paragraphs(document)
    return document


# codes of files that OCR can read
OCR_CODES = ("image", "pdf_image_only")


def _check_paragraphs(document: Document) -> None:
    count = 0
    for block in document.blocks:
        count += len(block.lines) if isinstance(block, TextBlock) else len(block.rows)
    if count > MAX_PARAGRAPHS:
        raise import_error("too_many_paragraphs", MESSAGES["too_many_paragraphs"] % {"limit": f"{MAX_PARAGRAPHS:,}"})


# --- dispatch ----------------------------------------------------------------

_EXTENSION_NAMES = {".docx": "Word 文档（.docx）", ".xlsx": "Excel 表格（.xlsx）", ".pdf": "PDF 文件",
                    ".doc": "Word 文档（.doc）", ".xls": "Excel 表格（.xls）", ".wps": "WPS 文字文档（.wps）",
                    ".et": "WPS 表格（.et）", ".rtf": "RTF 文档（.rtf）"}


def _extension(filename: str) -> str:
    m = re.search(r"(\.[A-Za-z0-9]{1,5})$", filename.strip())
    return m.group(1).lower() if m else ""


def _sniff(data: bytes) -> str:
    kind = sniffing.sniff(data[: sniffing.HEAD_BYTES])
    return "image" if kind in sniffing.IMAGES else kind


def _read(data: bytes, filename: str, max_bytes: int) -> Document:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise import_error("bad_argument")
    data = bytes(data)
    if not data:
        raise import_error("empty")
    if len(data) > max_bytes:
        raise import_error("too_large", (
            f"文件过大（{len(data) / 1048576:.1f} MB），超过了 {max_bytes / 1048576:.0f} MB 的上限。"
            "请删去图片等与任务无关的内容，或把计划拆成几部分分别导入。"
        ))
    if not data.strip():
        raise import_error("blank")
    ext = _extension(filename)
    kind = _sniff(data)
    if kind == "pdf":
        return read_pdf(data)
    if kind == "zip":
        return _read_zip(data, ext)
    if kind in ("ole", "rtf"):
        return _read_legacy(data, ext)
    if kind == "image":
        raise import_error(kind)
    if ext in _EXTENSION_NAMES:
        raise import_error("wrong_content", (
            f"文件扩展名是 {ext}，但内容不是有效的{_EXTENSION_NAMES[ext]}（可能是其他格式的文件被改了扩展名，"
            "或文件已损坏）。请用原软件打开确认后重新保存，再上传。"
        ))
    text = _decode_text(data)
    if ext == ".csv":
        return _read_csv(text)
    if ext in (".htm", ".html") or re.search(r"<(?:html|body|table|!doctype\s+html)[\s>]", text[:4096], re.I):
        return _read_html(text)
    return Document.from_text(text)


# --- legacy office formats: converted by LibreOffice ----------------------------------


_LEGACY_EXTENSIONS = (".doc", ".dot", ".wps", ".wpt", ".xls", ".xlt", ".et", ".ett")


def _read_legacy(data: bytes, ext: str) -> Document:
    if sniffing.ole_kind(data) == "encrypted":
        raise import_error("office_encrypted")
    legacy = legacy_kind(data, ext)
    if legacy is None:  # no Word or Excel stream: damaged (cut short) or another OLE file
        raise import_error("convert_failed" if ext in _LEGACY_EXTENSIONS else "ole_unknown")
    converted = convert_office(data, legacy)
    reader = read_xlsx if legacy in ("xls", "et") else read_docx
    try:
        document = reader(converted)
    except PlanImportError as exc:
        if exc.code in ("corrupt_docx", "corrupt_xlsx"):
            raise import_error("convert_failed") from exc
        raise
    document.kind = legacy
    return document


# --- plain text ------------------------------------------------------------------


def _decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030; refuses binary junk."""
    text = None
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", data)]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", data)]
    else:
        candidates = [("utf-8", data), ("gb18030", data)]
    if b"\x00" in data and not candidates[0][0].startswith("utf-16"):
        raise import_error("binary")
    for encoding, raw in candidates:
        try:
            text = raw.decode(encoding)
            break
        except (UnicodeDecodeError, LookupError):
            continue
    if text is None:
        raise import_error("encoding")
    if not _looks_like_text(text):
        raise import_error("binary" if _control_ratio(text) > 0.01 else "encoding")
    return text


def _control_ratio(text: str) -> float:
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\n\r\t\f")
    return controls / max(1, len(text))


def _is_common(char: str) -> bool:
    code = ord(char)
    return (
        char.isspace()
        or 0x20 <= code < 0x7F
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0x3000 <= code <= 0x303F  # CJK punctuation
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x2000 <= code <= 0x206F  # general punctuation (“ ” — …)
        or 0x2460 <= code <= 0x24FF  # ① …
        or 0x00A0 <= code <= 0x00FF
        or code == 0xFEFF
    )


def _looks_like_text(text: str) -> bool:
    """Real plan text is nearly all common CJK, ASCII and punctuation; binary data decoded
    as GB18030 or UTF-8 by accident is not."""
    sample = text[:20000]
    if not sample:
        return False
    if _control_ratio(sample) > 0.01:
        return False
    common = sum(1 for c in sample if _is_common(c))
    return common >= 0.9 * len(sample)


def _read_csv(text: str) -> Document:
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows = [list(row) for row in csv.reader(io.StringIO(text), dialect)]
    return Document(blocks=[Table(rows)], kind="csv")


# not document text: scripts, and the navigation and footer of a web page the plan was saved from
_SKIPPED_TAGS = ("script", "style", "head", "nav", "footer")


class _HTMLText(HTMLParser):
    """Paragraph text and tables of an HTML page (Word's 'save as web page' .doc files)."""

    _BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[TextBlock | Table] = []
        self._line: list[str] = []
        self._lines: list[str] = []
        self._table_depth = 0
        self._rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._skip = 0

    def _flush_line(self) -> None:
        if self._line:
            self._lines.append("".join(self._line))
            self._line = []

    def _flush_text(self) -> None:
        self._flush_line()
        if self._lines:
            self.blocks.append(TextBlock(self._lines))
            self._lines = []

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED_TAGS:
            self._skip += 1
        elif tag == "table":
            if self._table_depth == 0:
                self._flush_text()
                self._rows = []
            self._table_depth += 1
        elif self._table_depth == 1 and tag == "tr":
            self._rows.append([])
        elif self._table_depth == 1 and tag in ("td", "th"):
            self._cell = []
        elif tag in self._BLOCK_TAGS:
            if self._cell is not None:
                self._cell.append("\n")
            else:
                self._flush_line()

    def handle_endtag(self, tag):
        if tag in _SKIPPED_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag == "table" and self._table_depth:
            self._table_depth -= 1
            if self._table_depth == 0:
                self.blocks.append(Table(self._rows))
                self._rows = []
        elif self._table_depth == 1 and tag in ("td", "th") and self._cell is not None:
            if not self._rows:
                self._rows.append([])
            self._rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag in self._BLOCK_TAGS and self._cell is None:
            self._flush_line()

    def handle_data(self, data):
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._table_depth == 0:
            self._line.append(data.replace("\n", " "))

    def result(self) -> list[TextBlock | Table]:
        self._flush_text()
        return self.blocks


def _read_html(text: str) -> Document:
    parser = _HTMLText()
    parser.feed(text)
    parser.close()
    return Document(blocks=parser.result(), kind="html")


# --- zip containers: docx / xlsx ---------------------------------------------------


def _read_zip(data: bytes, ext: str) -> Document:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if sum(info.file_size for info in infos) > MAX_UNZIPPED_BYTES:
                raise import_error("zip_bomb")
            if "EncryptionInfo" in names:
                raise import_error("office_encrypted")
    except PlanImportError:
        raise
    except Exception as exc:  # BadZipFile, NotImplementedError (odd zip versions), EOFError …
        code = {".docx": "corrupt_docx", ".xlsx": "corrupt_xlsx"}.get(ext, "corrupt_zip")
        raise import_error(code) from exc
    for member, reader, code in (("word/document.xml", read_docx, "corrupt_docx"),
                                 ("xl/workbook.xml", read_xlsx, "corrupt_xlsx")):
        if member in names:
            try:
                return reader(data)
            except PlanImportError:
                raise
            except Exception as exc:  # a damaged part deep inside the package
                raise import_error(code) from exc
    if "content.xml" in names and "mimetype" in names:
        raise import_error("opendocument")
    if ext in (".docx", ".xlsx"):
        raise import_error("corrupt_docx" if ext == ".docx" else "corrupt_xlsx")
    raise import_error("other_zip")


