"""Word (.docx) and Excel (.xlsx) files -> :class:`Document`.

Word: paragraphs and tables in body order (content controls looked into), merged
table cells repeated over the grid, and the numbers of auto-numbered paragraphs
rendered back in front of their text — Word keeps "一、" or "1." of a list out of
the paragraph text, and a plan without its numbers has no outline.

Excel: every visible sheet; the task table's header row is found by its words (a
title row often sits above it); merged cells carry their value into every cell
they cover (the read-only reader does not expose merges, so they are read from the
sheet XML).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime

from .document import Document, Table, TextBlock
from .errors import import_error
from .markers import int_to_cn
from .tables import find_header

__all__ = ["read_docx", "read_xlsx"]

MAX_SHEET_ROWS = 20_000
MAX_SHEET_COLUMNS = 60
# Merged ranges: a few hundred in a real task table; each range is filled cell by cell,
# so their number and the cells they fill are capped before any work is done.
MAX_MERGED_RANGES = 5_000
MAX_MERGED_CELLS = 500_000

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"


def _roman(n: int) -> str:
    values = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
              (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for value, letters in values:
        while n >= value:
            out += letters
            n -= value
    return out


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "japaneseCounting"):
        return int_to_cn(n)
    if fmt == "chineseLegalSimplified" and n < 10:
        return _CN_LEGAL[n]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return _CIRCLED[n - 1]
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return _HEAVENLY_STEMS[n - 1]
    if fmt == "lowerLetter" and 1 <= n <= 26:
        return chr(ord("a") + n - 1)
    if fmt == "upperLetter" and 1 <= n <= 26:
        return chr(ord("A") + n - 1)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


class _WordNumbering:
    """Renders the list numbers Word draws in front of auto-numbered paragraphs."""

    def __init__(self, document) -> None:
        from docx.oxml.ns import qn

        self._qn = qn
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.styles = document.styles.element if document.styles is not None else None
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in numbering.findall(qn("w:abstractNum")):
            abstract[node.get(qn("w:abstractNumId"))] = self._levels_of(node)
        for num in numbering.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            levels = dict(abstract.get(ref.get(qn("w:val")) if ref is not None else "", {}))
            for override in num.findall(qn("w:lvlOverride")):
                lvl = override.find(qn("w:lvl"))
                if lvl is not None:
                    levels.update(self._levels_of_node_list([lvl]))
                start = override.find(qn("w:startOverride"))
                ilvl = int(override.get(qn("w:ilvl"), "0"))
                if start is not None and ilvl in levels:
                    fmt, text, _ = levels[ilvl]
                    levels[ilvl] = (fmt, text, int(start.get(qn("w:val"), "1")))
            self.levels[num.get(qn("w:numId"))] = levels

    def _val(self, node, tag: str) -> str | None:
        child = node.find(self._qn(tag))
        return child.get(self._qn("w:val")) if child is not None else None

    def _levels_of(self, abstract_node) -> dict[int, tuple[str, str, int]]:
        return self._levels_of_node_list(abstract_node.findall(self._qn("w:lvl")))

    def _levels_of_node_list(self, lvls) -> dict[int, tuple[str, str, int]]:
        levels = {}
        for lvl in lvls:
            ilvl = int(lvl.get(self._qn("w:ilvl"), "0"))
            start = self._val(lvl, "w:start")
            levels[ilvl] = (self._val(lvl, "w:numFmt") or "decimal", self._val(lvl, "w:lvlText") or "",
                            int(start) if start and start.lstrip("-").isdigit() else 1)
        return levels

    def _num_pr(self, paragraph):
        qn = self._qn
        ppr = paragraph.find(qn("w:pPr"))
        num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if num_pr is not None:
            return self._val(num_pr, "w:numId"), int(self._val(num_pr, "w:ilvl") or 0)
        style_id = self._val(ppr, "w:pStyle") if ppr is not None else None
        for _ in range(5):  # numbering inherited from the paragraph style
            if not style_id or self.styles is None:
                return None
            style = next((s for s in self.styles.findall(qn("w:style"))
                          if s.get(qn("w:styleId")) == style_id), None)
            if style is None:
                return None
            sppr = style.find(qn("w:pPr"))
            num_pr = sppr.find(qn("w:numPr")) if sppr is not None else None
            if num_pr is not None and self._val(num_pr, "w:numId"):
                return self._val(num_pr, "w:numId"), int(self._val(num_pr, "w:ilvl") or 0)
            style_id = self._val(style, "w:basedOn")
        return None

    def prefix(self, paragraph) -> str:
        """The number Word shows before this paragraph ('' if it is not numbered)."""
        found = self._num_pr(paragraph)
        if not found:
            return ""
        num_id, ilvl = found
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl][2] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        fmt, text, _ = levels[ilvl]
        if fmt in ("bullet", "none"):
            return ""

        def render(m: re.Match) -> str:
            level = int(m.group(1)) - 1
            level_fmt, _, start = levels.get(level, ("decimal", "", 1))
            return _format_number(counters.get(level, start), level_fmt)

        return re.sub(r"%([1-9])", render, text)


def _iter_body(element):
    """Paragraphs and tables of the body in order, looking inside content controls."""
    from docx.oxml.ns import qn

    for child in element.iterchildren():
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag in (qn("w:sdt"), qn("w:customXml")):
            content = child.find(qn("w:sdtContent")) if child.tag == qn("w:sdt") else child
            if content is not None:
                yield from _iter_body(content)


def _docx_table(tbl, parent) -> Table:
    """A Word table as a grid: a spanned cell repeats across its columns and down its rows."""
    from docx.oxml.ns import qn
    from docx.table import _Cell

    rows: list[list[str]] = []
    for tr in tbl.findall(qn("w:tr")):
        row: list[str] = []
        trpr = tr.find(qn("w:trPr"))
        before = trpr.find(qn("w:gridBefore")) if trpr is not None else None
        if before is not None:
            row.extend([""] * int(before.get(qn("w:val"), "0") or 0))
        for tc in tr.findall(qn("w:tc")):
            tcpr = tc.find(qn("w:tcPr"))
            span_el = tcpr.find(qn("w:gridSpan")) if tcpr is not None else None
            vmerge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
            span = max(1, min(50, int(span_el.get(qn("w:val"), "1")))) if span_el is not None else 1
            col = len(row)
            if vmerge is not None and vmerge.get(qn("w:val"), "continue") == "continue" and rows:
                above = rows[-1]
                text = above[col] if col < len(above) else ""
            else:
                text = _Cell(tc, parent).text
            row.extend([text] * span)
        rows.append(row)
    return Table(rows)


def read_docx(data: bytes) -> Document:
    import docx
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise import_error("corrupt_docx") from exc
    numbering = _WordNumbering(document)
    blocks: list[TextBlock | Table] = []
    for element in _iter_body(document.element.body):
        if element.tag == qn("w:tbl"):
            blocks.append(_docx_table(element, document))
            continue
        text = numbering.prefix(element) + Paragraph(element, document).text
        if not blocks or not isinstance(blocks[-1], TextBlock):
            blocks.append(TextBlock())
        blocks[-1].lines.extend(text.split("\n"))
    return Document(blocks=blocks, kind="docx")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


_MERGE_RE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+[0-9]+):([A-Z]+[0-9]+)\"")


def _merged_ranges(data: bytes, sheet) -> list[tuple[int, int, int, int]]:
    """Merged ranges of a read-only sheet (openpyxl does not expose them in that mode)."""
    from openpyxl.utils.cell import range_boundaries

    path = getattr(sheet, "_worksheet_path", None)
    if not path:
        return []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read(path.lstrip("/"))
    except (KeyError, zipfile.BadZipFile, OSError):
        return []
    ranges = []
    for m in _MERGE_RE.finditer(xml):
        if len(ranges) >= MAX_MERGED_RANGES:
            raise import_error("too_many_merges")
        min_col, min_row, max_col, max_row = range_boundaries(f"{m.group(1).decode()}:{m.group(2).decode()}")
        ranges.append((min_col, min_row, max_col, max_row))
    return ranges


def _sheet_rows(data: bytes, sheet) -> list[list[str]]:
    rows: list[list[str]] = []
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # some writers store a wrong A1:A1 dimension; read what is there
    for values in sheet.iter_rows(values_only=True):
        if len(rows) >= MAX_SHEET_ROWS:
            break
        rows.append([_cell_text(v) for v in values[:MAX_SHEET_COLUMNS]])
    width = max((len(r) for r in rows), default=0)
    for row in rows:
        row.extend([""] * (width - len(row)))
    filled = 0
    for min_col, min_row, max_col, max_row in _merged_ranges(data, sheet):
        if min_row > len(rows) or min_col > width:
            continue
        filled += (min(max_row, len(rows)) - min_row + 1) * (min(max_col, width) - min_col + 1)
        if filled > MAX_MERGED_CELLS:
            raise import_error("too_many_merges")
        value = rows[min_row - 1][min_col - 1]
        for r in range(min_row - 1, min(max_row, len(rows))):
            for c in range(min_col - 1, min(max_col, width)):
                rows[r][c] = value
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    return rows


def read_xlsx(data: bytes) -> Document:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise import_error("corrupt_xlsx") from exc
    blocks: list[TextBlock | Table] = []
    try:
        for sheet in workbook.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue
            rows = _sheet_rows(data, sheet)
            if not rows:
                continue
            found = find_header(rows)
            if found is None:
                blocks.append(TextBlock(Table(rows).as_lines()))
                continue
            header = found[0]
            if header:
                blocks.append(TextBlock(Table(rows[:header]).as_lines()))  # title rows
            blocks.append(Table(rows[header:]))
    finally:
        workbook.close()
    if not blocks:
        raise import_error("xlsx_empty")
    return Document(blocks=blocks, kind="xlsx")
