"""Word documents laid out as a 公文 (GB/T 9704-2012), with python-docx. No app imports.

* A4 (210 × 297 mm); margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (type area 156 × 225 mm).
* Title: 方正小标宋简体 二号 (22 pt), centred. Body: 仿宋_GB2312 三号 (16 pt), 22 lines × 28 characters:
  the document grid fixes the line pitch at 225 mm ÷ 22 ≈ 28.95 pt and the character pitch at
  156 mm ÷ 28 ≈ 15.79 pt.
* Tables (annexes): 仿宋 五号 (10.5 pt), header row repeated on every page, off the line grid.
* Headings: 一、 黑体; （一） 楷体_GB2312; 1. and （1） 仿宋_GB2312 — all 三号.
* Page numbers "— 1 —" in 4号 宋体, odd pages on the right, even pages on the left, one character in.
* Fonts a machine may lack are declared with their fallbacks (``FALLBACKS``) in the document's font
  table (``w:altName``), so Word, WPS and LibreOffice substitute the intended family.

Usage::

    doc = Gongwen()
    doc.title("关于2021年度成员单位工作考核结果的通报")
    doc.heading("一、考核办法", level=1)
    doc.paragraph("……")
    doc.table(["排名", "单位", "得分"], rows)
    data = doc.to_bytes()
"""
from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
FALLBACKS = {
    TITLE_FONT: "宋体", BODY_FONT: "仿宋", KAI_FONT: "楷体", HEI_FONT: "SimHei", PAGE_NUMBER_FONT: "SimSun",
}
TITLE_SIZE, BODY_SIZE, PAGE_NUMBER_SIZE, TABLE_SIZE = Pt(22), Pt(16), Pt(14), Pt(10.5)
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
LINE_PITCH = Pt(225 / 25.4 * 72 / LINES_PER_PAGE)  # ≈ 28.95 pt
CHARS_WIDTH_PT = 156 / 25.4 * 72  # 442.2 pt
CHAR_SPACING = -5  # twentieths of a point: 16 pt − 0.25 pt = 15.75 pt a character, 28 a line
HEADING_FONTS = {1: HEI_FONT, 2: KAI_FONT, 3: BODY_FONT, 4: BODY_FONT}

CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (for 一、 and （一） headings up to 99)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def heading_prefix(level: int, n: int) -> str:
    return {1: f"{cn_number(n)}、", 2: f"（{cn_number(n)}）", 3: f"{n}.", 4: f"（{n}）"}[level]


def _set_font(run, name, size=None, bold=None):
    run.font.name = LATIN_FONT if name == BODY_FONT else name
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:ascii"), LATIN_FONT if name == BODY_FONT else name)
    fonts.set(qn("w:hAnsi"), LATIN_FONT if name == BODY_FONT else name)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.font.bold = bold


def _fixed_lines(paragraph, pitch=LINE_PITCH):
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = pitch
    fmt.space_before = fmt.space_after = Pt(0)


class Gongwen:
    """A 公文 being written. ``landscape`` pages are for wide annex tables (same margins, turned)."""

    def __init__(self):
        self.doc = Document()
        self._counters = {1: 0, 2: 0, 3: 0, 4: 0}
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.orientation = WD_ORIENT.PORTRAIT
        section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
        section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
        section.header_distance, section.footer_distance = Mm(15), Mm(20)
        self._grid(section)
        style = self.doc.styles["Normal"]
        style.font.size = BODY_SIZE
        style.font.name = LATIN_FONT
        rpr = style.element.get_or_add_rPr()
        rpr.get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(CHAR_SPACING))
        rpr.append(spacing)
        _fixed_lines_style = style.paragraph_format
        _fixed_lines_style.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        _fixed_lines_style.line_spacing = LINE_PITCH
        _fixed_lines_style.space_before = _fixed_lines_style.space_after = Pt(0)
        self._page_numbers(section)
        self._declare_fallbacks()

    # ---- page set-up

    @staticmethod
    def _grid(section):
        """22 lines a page: a line grid with the fixed line pitch (w:docGrid type="lines").

        28 characters a line come from the character spacing of the body text (``CHAR_SPACING``:
        16 pt characters condensed by 0.25 pt, 28 × 15.75 pt ≤ 442 pt < 29 × 15.75 pt), which Word,
        WPS and LibreOffice all honour alike — a character grid (``linesAndChars``) is read
        differently by each of them."""
        sect = section._sectPr
        grid = sect.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            sect.append(grid)
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(round(LINE_PITCH.pt * 20)))
        for name in ("w:charSpace",):
            if grid.get(qn(name)) is not None:
                del grid.attrib[qn(name)]

    def _page_numbers(self, section):
        settings = self.doc.settings.element
        if settings.find(qn("w:evenAndOddHeaders")) is None:
            settings.append(OxmlElement("w:evenAndOddHeaders"))
        for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                              (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
            footer.is_linked_to_previous = False
            p = footer.paragraphs[0]
            p.alignment = align
            fmt = p.paragraph_format
            fmt.left_indent = fmt.right_indent = Pt(14)  # one character in
            for text in ("— ", None, " —"):
                run = p.add_run()
                _set_font(run, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
                if text is not None:
                    run.text = text
                    continue
                for kind, value in (("begin", None), ("instr", " PAGE "), ("separate", None), ("end", None)):
                    if kind == "instr":
                        el = OxmlElement("w:instrText")
                        el.set(qn("xml:space"), "preserve")
                        el.text = value
                    else:
                        el = OxmlElement("w:fldChar")
                        el.set(qn("w:fldCharType"), kind)
                    run._element.append(el)
                    if kind == "separate":
                        t = OxmlElement("w:t")
                        t.text = "1"
                        run._element.append(t)

    def _declare_fallbacks(self):
        """Name each Chinese font with its fallback in the font table (w:altName)."""
        part = self.doc.part
        font_part = None
        for rel in part.rels.values():
            if rel.reltype.endswith("/fontTable"):
                font_part = rel.target_part
        if font_part is None:
            return
        from docx.oxml import parse_xml

        root = parse_xml(font_part.blob)
        for name, alt in FALLBACKS.items():
            font = OxmlElement("w:font")
            font.set(qn("w:name"), name)
            alt_el = OxmlElement("w:altName")
            alt_el.set(qn("w:val"), alt)
            font.append(alt_el)
            charset = OxmlElement("w:charset")
            charset.set(qn("w:val"), "86")  # GB2312
            font.append(charset)
            root.append(font)
        from lxml import etree

        font_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    # ---- content

    def title(self, text):
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fixed_lines(p, Pt(LINE_PITCH.pt * 1.2))
        _set_font(p.add_run(text), TITLE_FONT, TITLE_SIZE)
        self.blank()
        return p

    def blank(self):
        p = self.doc.add_paragraph()
        _fixed_lines(p)
        return p

    def heading(self, text, level=1, numbered=True, keep_with_next=True):
        """A heading of ``level`` 1–4; ``numbered`` prefixes 一、 / （一） / 1. / （1） and restarts lower levels.
        ``keep_with_next=False`` for a heading that is a whole item (a run of them must be free to break)."""
        if numbered:
            self._counters[level] += 1
            for lower in range(level + 1, 5):
                self._counters[lower] = 0
            text = heading_prefix(level, self._counters[level]) + text
        p = self.doc.add_paragraph()
        _fixed_lines(p)
        p.paragraph_format.first_line_indent = Pt(BODY_SIZE.pt * 2)
        p.paragraph_format.keep_with_next = keep_with_next
        _set_font(p.add_run(text), HEADING_FONTS[level], BODY_SIZE, bold=level == 3 or None)
        return p

    def paragraph(self, text, indent=True, align=None):
        p = self.doc.add_paragraph()
        _fixed_lines(p)
        if indent:
            p.paragraph_format.first_line_indent = Pt(BODY_SIZE.pt * 2)
        if align == "right":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _set_font(p.add_run(text), BODY_FONT, BODY_SIZE)
        return p

    def table(self, headers, rows, widths_mm=None, size=TABLE_SIZE):
        """A ruled table (header row repeated on every page) in 仿宋 of ``size``."""
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        header = table.rows[0]
        tr_pr = header._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        tr_pr.append(repeat)
        for cell, text in zip(header.cells, headers, strict=True):
            self._cell(cell, text, size, bold=True, font=HEI_FONT)
        for values in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                self._cell(cell, "" if value is None else str(value), size)
        if widths_mm:
            table.autofit = False
            for column, width in zip(table.columns, widths_mm, strict=True):
                column.width = Mm(width)
            for row in table.rows:
                for cell, width in zip(row.cells, widths_mm, strict=True):
                    cell.width = Mm(width)
        return table

    @staticmethod
    def _cell(cell, text, size, bold=None, font=BODY_FONT):
        p = cell.paragraphs[0]
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
        snap = OxmlElement("w:snapToGrid")  # table text keeps its own line height, off the page's line grid
        snap.set(qn("w:val"), "0")
        p._p.get_or_add_pPr().append(snap)
        _set_font(p.add_run(text), font, size, bold=bold)

    def page_break(self):
        self.doc.add_page_break()

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()
