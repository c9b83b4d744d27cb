"""What a file is, judged by its bytes (magic numbers and container member names), never by
its name. One rule for every upload: plan documents (``tasks.importer``) and evidence files
(``reports.uploads``). Plain Python, no Django, so the importer stays framework-free."""

PDF = "pdf"
ZIP = "zip"  # an Office Open XML container (.docx, .xlsx) or any other zip
OLE = "ole"  # an OLE2 compound file: .doc, .xls, .wps, .et, or an encrypted .docx/.xlsx
RTF = "rtf"
PNG, JPEG, GIF, BMP, TIFF, WEBP = "png", "jpeg", "gif", "bmp", "tiff", "webp"
OTHER = "other"

IMAGES = frozenset({PNG, JPEG, GIF, BMP, TIFF, WEBP})
HEAD_BYTES = 1024  # how much of the start of a file ``sniff`` needs

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG), (b"GIF87a", GIF), (b"GIF89a", GIF),
    (b"II*\x00", TIFF), (b"MM\x00*", TIFF), (b"BM", BMP),
)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


def sniff(head: bytes) -> str:
    """The kind of a file from its first bytes (``HEAD_BYTES`` are enough)."""
    pdf_at = head[:HEAD_BYTES].find(b"%PDF-")
    # A PDF may carry a few bytes of junk before its header, but not a text that quotes it.
    if pdf_at == 0 or (pdf_at > 0 and b"\n" not in head[:pdf_at].strip()):
        return PDF
    if head.startswith(_ZIP_MAGIC):
        return ZIP
    if head.startswith(OLE_MAGIC):
        return OLE
    if head.startswith(b"{\\rtf"):
        return RTF
    for magic, kind in _IMAGE_MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return OTHER


def office_kind(member_names) -> str | None:
    """``"docx"`` or ``"xlsx"`` for an Office Open XML zip (by its member names), else ``None``."""
    names = set(member_names)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


_WORD_STREAM = "WordDocument".encode("utf-16-le")  # OLE directory entries name streams in UTF-16LE
_EXCEL_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
_ENCRYPTED_STREAM = "EncryptionInfo".encode("utf-16-le")


def ole_kind(data: bytes) -> str | None:
    """``"doc"`` (Word 97 binary; Kingsoft .wps is the same), ``"xls"`` (Excel 97; Kingsoft .et),
    ``"encrypted"`` (a password-protected Office file) or ``None`` for another or a damaged OLE2
    file. Needs the whole file: the directory that names the streams may sit at its end."""
    if not data.startswith(OLE_MAGIC):
        return None
    if _ENCRYPTED_STREAM in data:
        return "encrypted"
    if _WORD_STREAM in data:
        return "doc"
    if any(stream in data for stream in _EXCEL_STREAMS):
        return "xls"
    return None
