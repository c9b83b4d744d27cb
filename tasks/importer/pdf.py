"""Text-layer PDF files -> :class:`Document`.

Text comes in reading order with paragraph ends marked (see ``pdf_layout``); ruled
task-division tables are taken as tables (a table that goes on over the next page
without its header is appended to the one before); lines repeated at the top or
bottom of most pages (running heads, page numbers) are dropped. A PDF without a text
layer (a scan) is refused with a request for OCR, an encrypted one with a request
for an unprotected copy.
"""

from __future__ import annotations

import io
import re
from collections import Counter

from .document import Document, Table, TextBlock
from .errors import import_error
from .normalize import is_page_furniture
from .pdf_layout import region_lines
from .tables import find_header

__all__ = ["read_pdf"]

MAX_PDF_PAGES = 500
_DIGITS_RE = re.compile(r"\d+")


def _is_password_error(exc: BaseException) -> bool:
    """pdfminer's password errors arrive wrapped (pdfplumber re-raises); look through."""
    seen = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        name = type(current).__name__
        if "Password" in name or "Encrypt" in name or "password" in str(current).lower():
            return True
        for nested in (current.__cause__, current.__context__, *getattr(current, "args", ())):
            if isinstance(nested, BaseException):
                stack.append(nested)
    return False


def _pdf_table_rows(table) -> list[list[str]]:
    return [[c or "" for c in row] for row in (table.extract() or [])]


def _page_text(page, bbox=None) -> list[str]:
    """Lines in reading order with paragraph ends marked; plain extraction if that fails."""
    try:
        return region_lines(page, bbox)
    except Exception:  # geometry is a refinement: fall back to pdfplumber's own order
        region = page if bbox is None else page.crop(bbox, strict=False)
        return (region.extract_text() or "").split("\n")


def _read_pdf_page(page, state: dict) -> list[TextBlock | Table]:
    """One page: its text, and any task-division table (with a header, or continuing one)."""
    try:
        found = page.find_tables()
    except Exception:  # table finding is a bonus; the text is what matters
        found = []
    task_tables = []
    for table in found:
        rows = _pdf_table_rows(table)
        width = max((len(r) for r in rows), default=0)
        # a headerless table continues the last task table only if it is as wide and
        # opens the page (the header is not always repeated after a page break)
        continues = (width == state.get("task_width") and not task_tables
                     and table.bbox[1] - page.bbox[1] < 0.3 * page.height)
        if rows and (find_header(rows) is not None or continues):
            task_tables.append((table.bbox, rows))
            state["task_width"] = width
    if not task_tables:
        return [TextBlock(_page_text(page))]
    blocks: list[TextBlock | Table] = []
    x0, top, x1, bottom = page.bbox
    y = top
    for bbox, rows in sorted(task_tables, key=lambda t: t[0][1]):
        if bbox[1] > y:
            blocks.append(TextBlock(_page_text(page, (x0, y, x1, bbox[1]))))
        if find_header(rows) is None and state.get("last_table") is not None:
            state["last_table"].rows.extend(rows)  # the table goes on from the previous page
        else:
            table_block = Table(rows)
            state["last_table"] = table_block
            blocks.append(table_block)
        y = max(y, bbox[3])
    if y < bottom:
        blocks.append(TextBlock(_page_text(page, (x0, y, x1, bottom))))
    return blocks


def _edge_lines(blocks: list[TextBlock | Table]) -> list[str]:
    """The first two and last two text lines of a page, where running heads sit."""
    texts = [b for b in blocks if isinstance(b, TextBlock)]
    if not texts:
        return []
    first = [line for line in texts[0].lines if line.strip()][:2]
    last = [line for line in texts[-1].lines if line.strip()][-2:]
    return list(dict.fromkeys(first + last))


def _mask(line: str) -> str:
    """A running head with its page number masked: '— 3 —' and '— 4 —' are the same."""
    return _DIGITS_RE.sub("#", "".join(line.split()))


def _strip_running_heads(pages: list[list[TextBlock | Table]]) -> None:
    """Drop lines repeated at the top or bottom of most pages (running heads, footers)."""
    if len(pages) < 3:
        return
    counts = Counter(_mask(line) for blocks in pages for line in _edge_lines(blocks))
    repeated = {key for key, n in counts.items() if n >= max(3, 0.5 * len(pages)) and len(key) <= 40}
    if not repeated:
        return
    for blocks in pages:
        edge_lines = set(_edge_lines(blocks))
        for block in blocks:
            if isinstance(block, TextBlock):
                block.lines = [line for line in block.lines if not (line in edge_lines and _mask(line) in repeated)]


def read_pdf(data: bytes) -> Document:
    """A text-layer PDF as text blocks and task tables; refuses scans and encrypted files."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        raise import_error("pdf_encrypted" if _is_password_error(exc) else "pdf_corrupt") from exc
    try:
        try:
            pages = pdf.pages
        except Exception as exc:
            raise import_error("pdf_encrypted" if _is_password_error(exc) else "pdf_corrupt") from exc
        if len(pages) > MAX_PDF_PAGES:
            raise import_error("pdf_too_many_pages")
        state: dict = {}
        per_page: list[list[TextBlock | Table]] = []
        chars = images = 0
        for page in pages:
            chars += len(page.chars)
            images += len(page.images)
            per_page.append(_read_pdf_page(page, state))
            page.flush_cache()
    finally:
        pdf.close()
    if chars == 0:
        raise import_error("pdf_image_only" if images else "pdf_no_text")
    _strip_running_heads(per_page)
    blocks = [block for blocks in per_page for block in blocks]
    document = Document(blocks=blocks, kind="pdf", wrapped=True, marked_breaks=True)
    text = "".join(document.lines)
    if text.count("(cid:") * 6 > max(1, len(text.replace(" ", ""))) * 0.5:
        raise import_error("pdf_bad_font")
    if not document.has_content():
        raise import_error("pdf_no_text")
    if not any(isinstance(b, Table) for b in blocks) and not any(
        not is_page_furniture(line) and line.strip() for line in document.lines
    ):
        raise import_error("pdf_no_text")
    return document
