"""The plan importer's readers (tasks/importer/readers.py): file bytes -> Document.

Files are built here from the fixture documents (Word with python-docx, Excel with
openpyxl, PDF with reportlab) and must parse to the same tasks and units as the
fixture's plain text. No database and no Django.
"""

from __future__ import annotations

import io
import json
import zipfile

import docx
import openpyxl
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks.importer import PlanImportError, parse_file, parse_plan, read_document
from tasks.importer.document import Table, TextBlock
from tests.plan_fixtures import PLANS

FIXTURES = PLANS


def _fixture_text(name: str) -> str:
    return (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")


def _expected(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))


def _no_targets(_text):
    return []


def _units_of(plan: dict) -> list[tuple]:
    return [(t["section"], t["ref"], t["lead_units"], t["participating_units"]) for t in plan["tasks"]]


def _same_as_text(document_plan: dict, name: str) -> None:
    reference = parse_plan(_fixture_text(name), extract_targets=_no_targets)
    assert _units_of(document_plan) == _units_of(reference)


# --- builders --------------------------------------------------------------------------


def _docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_from_lines(lines: list[str]) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    return _docx_bytes(document)


def _add_chinese_numbering(document) -> str:
    """A list definition like Word's Chinese outline: level 0 '一、', level 1 '（一）'."""
    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
        "</w:abstractNum>"
    )
    num = parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(num)
    return "90"


def _numbered_paragraph(document, text: str, num_id: str, level: int) -> None:
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'
    ))


def _division_rows(name: str = "jilin-13th-fyp-division-table") -> list[tuple[str, str, str]]:
    """(ref, task text, units as printed) of the hand-read division table."""
    return [(t["ref"], t["text"], "、".join(t["lead_units"] + t["participating_units"]))
            for t in _expected(name)["tasks"]]


def _xlsx_division() -> bytes:
    """Title row above, a blank row, then columns in an unusual order."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["吉林省残疾人事业“十三五”规划重点任务分工"])
    sheet.merge_cells("A1:C1")
    sheet.append([])
    sheet.append(["负责单位", "序号", "工作任务"])
    for ref, text, units in _division_rows():
        sheet.append([units, int(ref), text])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


try:  # reportlab writes the test PDFs (with a CJK CID font that needs no font file)
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    HAVE_REPORTLAB = True
except ImportError:  # pragma: no cover - reportlab is a test dependency
    HAVE_REPORTLAB = False

assert HAVE_REPORTLAB, "reportlab is a test dependency (pyproject [test]): pip install -e .[test]"


def _text_pdf(lines: list, *, encrypt: str | None = None, width_chars: int = 38) -> bytes:
    """Lines drawn one below the other, a page number at the foot of each page.

    A line given as ``(text, True)`` is justified to the full width, as Word justifies
    every line of a Chinese paragraph but its last.
    """
    size, left = 10.5, 50
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, encrypt=encrypt)
    y = 800

    def footer():
        pdf.setFont("STSong-Light", 9)
        pdf.drawString(280, 30, f"— {pdf.getPageNumber()} —")

    for item in lines:
        text, justify = item if isinstance(item, tuple) else (item, False)
        if y < 60:
            footer()
            pdf.showPage()
            y = 800
        line = pdf.beginText(left, y)
        line.setFont("STSong-Light", size)
        if justify and len(text) > 1:
            natural = pdfmetrics.stringWidth(text, "STSong-Light", size)
            line.setCharSpace(max(0.0, (width_chars * size - natural) / (len(text) - 1)))
        line.textLine(text)
        pdf.drawText(line)
        y -= 16
    footer()
    pdf.save()
    return buffer.getvalue()


def _two_column_pdf(lines: list[tuple[str, bool]], width_chars: int = 17) -> bytes:
    """A gazette page: two justified columns side by side, read top to bottom, left first."""
    size, per_column, gap = 10.5, 44, 24
    column_width = width_chars * size
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    chunks = [lines[i:i + per_column] for i in range(0, len(lines), per_column)]
    for number, chunk in enumerate(chunks):
        left = 50 if number % 2 == 0 else 50 + column_width + gap
        for row, (text, justify) in enumerate(chunk):
            line = pdf.beginText(left, 790 - 16 * row)
            line.setFont("STSong-Light", size)
            if justify and len(text) > 1:
                natural = pdfmetrics.stringWidth(text, "STSong-Light", size)
                line.setCharSpace(max(0.0, (column_width - natural) / (len(text) - 1)))
            line.textLine(text)
            pdf.drawText(line)
        if number % 2 == 1 or number == len(chunks) - 1:
            pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _wrap(text: str, width: int = 38) -> list[tuple[str, bool]]:
    """Break paragraphs at a fixed width, as a PDF page does; all but the last line of a
    paragraph are justified."""
    lines = []
    for paragraph in text.splitlines():
        paragraph = paragraph.strip().replace("\u3000", "")
        pieces = [paragraph[i:i + width] for i in range(0, len(paragraph), width)]
        lines.extend((piece, i < len(pieces) - 1) for i, piece in enumerate(pieces))
    return lines


def _table_pdf(repeat_header: bool = True) -> bytes:
    """The division table as a ruled table over several pages, header repeated or not."""
    style = ParagraphStyle("cjk", fontName="STSong-Light", fontSize=10, leading=13, wordWrap="CJK")
    data = [[Paragraph(h, style) for h in ("序号", "工作任务", "负责单位")]]
    data += [[Paragraph(c, style) for c in row] for row in _division_rows()]
    table = PdfTable(data, colWidths=[30, 280, 150], repeatRows=1 if repeat_header else 0)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(
        [Paragraph("吉林省残疾人事业“十三五”规划重点任务分工", style), Spacer(1, 12), table]
    )
    return buffer.getvalue()


def _image_only_pdf() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (200, 80), "white")
    for x in range(20, 180):
        image.putpixel((x, 40), (0, 0, 0))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.drawImage(ImageReader(image), 100, 600, width=200, height=80)
    pdf.save()
    return buffer.getvalue()


# --- plain text ------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_text_in_any_common_encoding(encoding):
    text = _fixture_text("jilin-2021-key-tasks")
    document = read_document(text.encode(encoding), "plan.txt")
    assert document.kind == "text"
    _same_as_text(parse_plan(document, extract_targets=_no_targets), "jilin-2021-key-tasks")


def test_windows_line_ends_and_unknown_extension():
    data = "一、社会保障\r\n1.落实补贴。（牵头单位：省民政厅）\r\n".encode("gb18030")
    plan = parse_file(data, "计划", extract_targets=_no_targets)
    assert _units_of(plan) == [("一", "1", ["省民政厅"], [])]


def test_csv_division_table():
    data = "序号,工作任务,负责单位\n1,建立制度,省残联、省民政厅\n2,推进工作,省民政厅\n".encode()
    plan = parse_file(data, "分工.csv", extract_targets=_no_targets)
    assert _units_of(plan) == [("", "1", ["省残联"], ["省民政厅"]), ("", "2", ["省民政厅"], [])]


def test_html_saved_as_doc():
    html = ("<html><body><p>吉林省残联2021年工作要点</p><p>一、康复</p>"
            "<p>（一）做好康复服务。</p><table><tr><td>序号</td></tr></table></body></html>")
    plan = parse_file(html.encode(), "plan.htm", extract_targets=_no_targets)
    assert plan["plan"]["title"] == "吉林省残联2021年工作要点"
    assert _units_of(plan) == [("一", "（一）", [], [])]


# --- Word ------------------------------------------------------------------------------


def test_docx_paragraphs_parse_like_the_text():
    lines = _fixture_text("jilin-2021-key-tasks").splitlines()
    document = read_document(_docx_from_lines(lines), "plan.docx")
    assert document.kind == "docx"
    plan = parse_plan(document, extract_targets=_no_targets)
    _same_as_text(plan, "jilin-2021-key-tasks")
    assert plan["plan"] == _expected("jilin-2021-key-tasks")["plan"]


def test_docx_auto_numbered_outline_gets_its_numbers():
    """Word keeps list numbers out of the text; the reader renders them back."""
    document = docx.Document()
    num_id = _add_chinese_numbering(document)
    for line in _fixture_text("jilin-2017-work-points").splitlines():
        line = line.strip()
        if line[:1] in "一二三四五六七八九" and line[1:2] == "、":
            _numbered_paragraph(document, line[2:], num_id, 0)
        elif line.startswith("（") and line[2:3] == "）":
            _numbered_paragraph(document, line[3:], num_id, 1)
        else:
            document.add_paragraph(line)
    plan = parse_file(_docx_bytes(document), "要点.docx", extract_targets=_no_targets)
    _same_as_text(plan, "jilin-2017-work-points")
    assert plan["sections"] == _expected("jilin-2017-work-points")["sections"]


def test_docx_division_table_parses_like_the_text():
    document = docx.Document()
    document.add_paragraph("附件")
    rows = _division_rows()
    table = document.add_table(rows=len(rows) + 1, cols=3)
    for j, header in enumerate(["序号", "工作任务", "负责单位"]):
        table.cell(0, j).text = header
    for i, (ref, text, units) in enumerate(rows, start=1):
        table.cell(i, 0).text, table.cell(i, 1).text = ref, text
        table.cell(i, 2).text = units.replace("、", "\n")  # one unit per line in the cell
    plan = parse_file(_docx_bytes(document), "分工.docx", extract_targets=_no_targets)
    _same_as_text(plan, "jilin-13th-fyp-division-table")


def test_docx_merged_cells():
    document = docx.Document()
    table = document.add_table(rows=5, cols=3)
    for j, header in enumerate(["序号", "工作任务", "负责单位"]):
        table.cell(0, j).text = header
    table.cell(1, 0).merge(table.cell(1, 2)).text = "一、社会保障"
    table.cell(2, 0).text, table.cell(2, 1).text = "1", "落实两项补贴"
    table.cell(3, 0).text, table.cell(3, 1).text = "2", "完善动态调整机制"
    table.cell(2, 2).merge(table.cell(3, 2)).text = "省民政厅、省残联"
    table.cell(4, 0).text, table.cell(4, 1).text, table.cell(4, 2).text = "3", "开展培训", "省人社厅"
    plan = parse_file(_docx_bytes(document), "分工.docx", extract_targets=_no_targets)
    assert plan["sections"] == [{"path": "一", "title": "社会保障"}]
    assert _units_of(plan) == [
        ("一", "1", ["省民政厅"], ["省残联"]),
        ("一", "2", ["省民政厅"], ["省残联"]),
        ("一", "3", ["省人社厅"], []),
    ]


def test_docx_body_order_is_kept():
    document = docx.Document()
    document.add_paragraph("前言")
    document.add_table(rows=1, cols=2).cell(0, 0).text = "表格"
    document.add_paragraph("结尾")
    blocks = read_document(_docx_bytes(document), "a.docx").blocks
    assert [type(b) for b in blocks] == [TextBlock, Table, TextBlock]
    assert blocks[0].lines == ["前言"] and blocks[2].lines == ["结尾"]


# --- Excel -----------------------------------------------------------------------------


def test_xlsx_division_table_with_title_row_and_reordered_columns():
    document = read_document(_xlsx_division(), "分工.xlsx")
    assert document.kind == "xlsx"
    assert isinstance(document.blocks[-1], Table)
    assert document.blocks[-1].rows[0] == ["负责单位", "序号", "工作任务"]  # header found by its words
    plan = parse_plan(document, extract_targets=_no_targets)
    _same_as_text(plan, "jilin-13th-fyp-division-table")
    assert plan["plan"]["title"] == "吉林省残疾人事业“十三五”规划重点任务分工"
    assert (plan["plan"]["period_start"], plan["plan"]["period_end"]) == (2016, 2020)


def test_xlsx_lead_and_participating_columns_and_merged_units():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["序号", "重点任务", "牵头单位", "配合单位", "完成时限"])
    sheet.append([1, "落实两项补贴", "省民政厅", "省财政厅、省残联", "2022年6月底前"])
    sheet.append([2, "完善动态调整机制", None, None, "年底前"])
    sheet.merge_cells("C2:C3")
    sheet.merge_cells("D2:D3")
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = parse_file(buffer.getvalue(), "x.xlsx", extract_targets=_no_targets)
    assert _units_of(plan) == [
        ("", "1", ["省民政厅"], ["省财政厅", "省残联"]),
        ("", "2", ["省民政厅"], ["省财政厅", "省残联"]),
    ]
    assert plan["tasks"][0]["deadline"] == "2022-06-30"


def test_type_is_detected_by_content_not_by_name():
    document = read_document(_xlsx_division(), "renamed.docx")
    assert document.kind == "xlsx"
    lines = _fixture_text("jilin-2021-key-tasks").splitlines()
    assert read_document(_docx_from_lines(lines), "plan.pdf").kind == "docx"


# --- PDF -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["jilin-2021-key-tasks", "jilin-2017-work-points"])
@pytest.mark.parametrize("width", [17, 24, 38])
def test_pdf_of_wrapped_text_parses_like_the_text(name, width):
    data = _text_pdf(_wrap(_fixture_text(name), width), width_chars=width)
    document = read_document(data, "plan.pdf")
    assert document.kind == "pdf"
    plan = parse_plan(document, extract_targets=_no_targets)
    _same_as_text(plan, name)
    reference = parse_plan(_fixture_text(name), extract_targets=_no_targets)
    assert [t["text"] for t in plan["tasks"]] == [t["text"] for t in reference["tasks"]]
    assert [t["deadline"] for t in plan["tasks"]] == [t["deadline"] for t in reference["tasks"]]
    assert plan["plan"] == _expected(name)["plan"]
    assert plan["sections"] == _expected(name)["sections"]


@pytest.mark.parametrize("name", ["jilin-2021-key-tasks", "jilin-2017-work-points"])
def test_two_column_pdf_is_read_column_by_column(name):
    plan = parse_file(_two_column_pdf(_wrap(_fixture_text(name), 17)), "gazette.pdf", extract_targets=_no_targets)
    _same_as_text(plan, name)
    reference = parse_plan(_fixture_text(name), extract_targets=_no_targets)
    assert [t["text"] for t in plan["tasks"]] == [t["text"] for t in reference["tasks"]]


def test_pdf_gazette_text_with_division_table_parses_like_the_text():
    data = _text_pdf(_fixture_text("jilin-13th-fyp-division-table").splitlines())
    document = read_document(data, "gazette.pdf")
    assert not [line for line in document.lines if line.startswith("— ")]  # page footers dropped
    plan = parse_plan(document, extract_targets=_no_targets)
    _same_as_text(plan, "jilin-13th-fyp-division-table")


@pytest.mark.parametrize("repeat_header", [True, False])
def test_pdf_ruled_table_over_several_pages(repeat_header):
    document = read_document(_table_pdf(repeat_header), "分工.pdf")
    assert len(document.tables) == (3 if repeat_header else 1)  # pages without a header continue
    plan = parse_plan(document, extract_targets=_no_targets)
    _same_as_text(plan, "jilin-13th-fyp-division-table")
    assert plan["plan"]["title"] == "吉林省残疾人事业“十三五”规划重点任务分工"


def test_pdf_with_password_is_refused():
    data = _text_pdf(["一、社会保障", "1.落实补贴。"], encrypt="secret")
    with pytest.raises(PlanImportError) as info:
        read_document(data, "plan.pdf")
    assert info.value.code == "pdf_encrypted"
    assert "加密" in str(info.value) and "密码" in str(info.value)


def test_scanned_pdf_asks_for_ocr():
    with pytest.raises(PlanImportError) as info:
        read_document(_image_only_pdf(), "scan.pdf")
    assert info.value.code == "pdf_image_only"
    assert "OCR" in str(info.value) and "文字版" in str(info.value)


def test_ascii_pdf_is_read():
    data = _text_pdf(["Plan 2021", "1. Build 3 centres (lead: Office A)"])
    assert "Plan 2021" in read_document(data, "a.pdf").lines


# --- bad input -------------------------------------------------------------------------


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "filename", "code", "words"), [
    (b"", "plan.docx", "empty", "空"),
    (b"  \r\n\t ", "plan.txt", "blank", "空白"),
    (bytes(range(256)) * 8, "plan.docx", "wrong_content", ".docx"),
    (bytes(range(256)) * 8, "plan.txt", "binary", "二进制"),
    (b"PK\x03\x04" + b"\x00" * 40, "plan.docx", "corrupt_docx", "损坏"),
    (b"PK\x03\x04" + b"\x00" * 40, "plan.xlsx", "corrupt_xlsx", "损坏"),
    (b"%PDF-1.4\n%garbage that is not a pdf\n", "plan.pdf", "pdf_corrupt", "损坏"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "plan.png", "image", "OCR"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "slides.ppt", "ole_unknown", "既不是 Word"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "cut.doc", "convert_failed", "另存为"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le"), "plan.docx",
     "office_encrypted", "密码"),
    (_zip({"readme.txt": b"hello"}), "plan.zip", "other_zip", "解压"),
    (_zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}), "plan.odt",
     "opendocument", ".docx"),
    (_zip({"word/document.xml": b"<not really word"}), "plan.docx", "corrupt_docx", "Word"),
    (_zip({"xl/workbook.xml": b"<not really excel"}), "plan.xlsx", "corrupt_xlsx", "Excel"),
])
def test_bad_files_raise_one_clear_error(data, filename, code, words):
    with pytest.raises(PlanImportError) as info:
        read_document(data, filename)
    assert info.value.code == code
    assert words in str(info.value)
    assert str(info.value) == info.value.message_zh


def test_truncated_docx_is_reported_as_corrupt():
    whole = _docx_from_lines(["一、甲", "1.乙。"])
    with pytest.raises(PlanImportError) as info:
        read_document(whole[: len(whole) // 2], "plan.docx")
    assert info.value.code == "corrupt_docx"


def test_size_limit_is_a_parameter():
    data = "1.建设1个中心。".encode() * 100
    with pytest.raises(PlanImportError) as info:
        read_document(data, "plan.txt", max_bytes=1000)
    assert info.value.code == "too_large" and "MB" in str(info.value)
    assert read_document(data, "plan.txt", max_bytes=len(data)).kind == "text"
    with pytest.raises(PlanImportError):
        parse_file(data, "plan.txt", max_bytes=10, extract_targets=None)


def test_a_readable_file_without_tasks():
    with pytest.raises(PlanImportError) as info:
        parse_file("会议通知：请于周五下午参会。".encode(), "notice.txt", extract_targets=None)
    assert info.value.code == "no_tasks"


def test_an_empty_workbook():
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    with pytest.raises(PlanImportError) as info:
        read_document(buffer.getvalue(), "empty.xlsx")
    assert info.value.code == "xlsx_empty"


def test_non_bytes_input():
    with pytest.raises(PlanImportError):
        read_document("text, not bytes", "plan.txt")  # type: ignore[arg-type]


# --- fuzz: nothing but PlanImportError, whatever the bytes -----------------------------

_EXTENSIONS = st.sampled_from(["plan.docx", "plan.xlsx", "plan.pdf", "plan.txt", "plan", "plan.csv"])
_MAGIC = st.sampled_from([b"", b"%PDF-1.7\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
                          "序号 工作任务 负责单位\n1 ".encode(), "一、\n1.".encode("gb18030")])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_MAGIC, st.binary(max_size=3000), _EXTENSIONS)
def test_readers_never_raise_anything_but_plan_import_error(magic, data, filename):
    try:
        parse_file(magic + data, filename, extract_targets=_no_targets)
    except PlanImportError as exc:
        assert exc.message_zh


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=1, max_value=4000), st.binary(min_size=1, max_size=64))
def test_damaged_office_files_never_raise_anything_else(cut, noise):
    whole = _docx_from_lines(["一、社会保障", "1.落实补贴。（牵头单位：省民政厅）"])
    damaged = whole[:cut] + noise + whole[cut + len(noise):]
    for filename in ("plan.docx", "plan.xlsx"):
        try:
            parse_file(damaged, filename, extract_targets=_no_targets)
        except PlanImportError:
            pass
