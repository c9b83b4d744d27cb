"""The 任务分工表 (序号 / 工作任务 / 牵头单位 / 参加单位 / 完成时限) as .xlsx and .docx, ready to print.

A4, the header row repeated on every page, section headings as full-width rows. Every
user-written cell of the workbook goes through ``safe_cell`` (no formula injection).
"""
import io

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.translation import gettext as _

from core.xlsx import safe_cell

from . import selectors

HEADERS = ("序号", "工作任务", "牵头单位", "参加单位", "完成时限")


def division_rows(plan):
    """``[("section", title) | ("task", [序号, 工作任务, 牵头单位, 参加单位, 完成时限])]`` in document order."""
    rows = []
    for section, tasks in selectors.plan_outline(plan):
        if section is not None:
            sep = "" if section.depth else "、"
            rows.append(("section", f"{section.number}{sep}{section.title}"))
        for task in tasks:
            parts = [u.display_name for u in task.participating_units]
            if task.all_member_units:
                parts.append(_("各成员单位"))
            rows.append(("task", [
                task.ref, task.text, "、".join(u.display_name for u in task.lead_units), "、".join(parts),
                f"{task.deadline.year}年{task.deadline.month}月{task.deadline.day}日" if task.deadline else "",
            ]))
    return rows


WIDTHS = (7, 62, 20, 34, 14)  # column widths of the workbook, in characters


def _text_width(value) -> int:
    """Printed width in Latin characters: a Chinese character takes two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(value or ""))


def _title(plan):
    return f"{plan.title} · {_('任务分工表')}"


def build_division_xlsx(plan) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    wb = Workbook()
    ws = wb.active
    ws.title = _("任务分工表")
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    ws.append([safe_cell(_title(plan))])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([_(h) for h in HEADERS])
    for cell in ws[2]:
        cell.font, cell.border = Font(bold=True), border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
    for kind, value in division_rows(plan):
        if kind == "section":
            ws.append([safe_cell(value)])
            r = ws.max_row
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=5)
            ws.cell(r, 1).font = Font(bold=True)
            for c in range(1, 6):
                ws.cell(r, c).border = border
        else:
            ws.append([safe_cell(v) for v in value])
            for cell in ws[ws.max_row]:
                cell.alignment, cell.border = wrap, border
            # Spreadsheet programs do not grow a row for wrapped text written by openpyxl: set its height.
            lines = max(-(-_text_width(v) // (w - 2)) for v, w in zip(value, WIDTHS, strict=True))
            ws.row_dimensions[ws.max_row].height = 15 * max(1, lines)
    for col, width in zip("ABCDE", WIDTHS, strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def build_division_docx(plan) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "宋体", Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(_title(plan))
    run.bold, run.font.size = True, Pt(16)
    rows = division_rows(plan)
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    table.autofit = False
    widths = (Cm(1.5), Cm(12.2), Cm(4), Cm(5.5), Cm(2.5))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    header = table.rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for cell, text, width in zip(header.cells, HEADERS, widths, strict=True):
        cell.width = width
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(_(text)).bold = True
    for kind, value in rows:
        cells = table.add_row().cells
        if kind == "section":
            for cell, width in zip(cells, widths, strict=True):
                cell.width = width
            merged = cells[0].merge(cells[4])
            merged.paragraphs[0].add_run(value).bold = True
            continue
        for cell, text, width in zip(cells, value, widths, strict=True):
            cell.width = width
            cell.paragraphs[0].add_run(str(text))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _filename(plan, ext):
    from urllib.parse import quote

    name = f"{plan.title}-任务分工表.{ext}"
    return f"attachment; filename=\"division.{ext}\"; filename*=UTF-8''{quote(name)}"


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def division_xlsx(request, pk):
    plan = selectors.get_plan(request.user, pk)
    response = HttpResponse(build_division_xlsx(plan), content_type=XLSX)
    response["Content-Disposition"] = _filename(plan, "xlsx")
    return response


@login_required
def division_docx(request, pk):
    plan = selectors.get_plan(request.user, pk)
    response = HttpResponse(build_division_docx(plan), content_type=DOCX)
    response["Content-Disposition"] = _filename(plan, "docx")
    return response
