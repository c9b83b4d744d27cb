"""The 考核 annex: an Excel workbook (a ranking sheet, then one sheet per unit with its lines)
and a Word 公文 (``core.gongwen``). Every user text goes through ``core.xlsx.safe_cell``."""
from __future__ import annotations

import io
import re

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from core.gongwen import Gongwen
from core.xlsx import safe_cell

from .selectors import BAND_LABELS

THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDE5F0")
WRAP = Alignment(wrap_text=True, vertical="top")
NUMBER = "0.00"


def _points(value):
    return f"{value:+.2f}" if value else "0.00"


def _setup(ws, title, headers, widths):
    """Title row, header row (repeated on every printed page), A4 landscape fit to width."""
    ws.append([safe_cell(title)])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.row_dimensions[1].height = 24
    ws.append([safe_cell(h) for h in headers])
    ws.row_dimensions[2].height = 36  # two lines of wrapped header text
    for col, width in enumerate(widths, start=1):
        cell = ws.cell(row=2, column=col)
        cell.font, cell.fill, cell.border = Font(bold=True), HEAD_FILL, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"
    ps = ws.page_setup
    ps.paperSize = ws.PAPERSIZE_A4
    ps.orientation = ws.ORIENTATION_LANDSCAPE
    ps.fitToWidth, ps.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _row(ws, values, number_cols=()):
    ws.append([safe_cell(v) for v in values])
    r = ws.max_row
    for col in range(1, len(values) + 1):
        cell = ws.cell(row=r, column=col)
        cell.border, cell.alignment = BOX, WRAP
        if col in number_cols:
            cell.number_format = NUMBER


def sheet_name(index, name, used):
    base = re.sub(r"[\[\]:*?/\\']", "", f"{index}.{name}")[:31] or str(index)
    candidate, n = base, 2
    while candidate in used:
        candidate = f"{base[:28]}~{n}"
        n += 1
    used.add(candidate)
    return candidate


def build_xlsx(scheme, cards, max_total) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "排名"
    items = list(scheme.items.all())
    headers = ["排名", "单位", "类别", *[f"{i.display_label}（{i.points}分）" for i in items], "总分", "等次"]
    widths = [7, 26, 12, *[14] * len(items), 10, 8]
    today = timezone.localdate()
    _setup(ws, f"{scheme.committee.name}{scheme.year}年度考核结果（满分{max_total}分，{today:%Y年%m月%d日}导出）",
           headers, widths)
    n_items = len(items)
    for card in cards:
        by_kind = {i.kind: i.points for i in card.items}
        _row(ws, [card.rank, card.name, "成员单位" if card.kind == "unit" else "下级残工委",
                  *[by_kind.get(i.kind) for i in items], card.total, BAND_LABELS.get(card.band, "")],
             number_cols=range(4, 5 + n_items))
    used = {"排名"}
    site = getattr(settings, "LUOSHI_SITE_URL", "").rstrip("/")
    for card in cards:
        sheet = wb.create_sheet(sheet_name(card.rank, card.name, used))
        _setup(sheet, f"{card.name}：{card.total}分，第{card.rank}名，{BAND_LABELS.get(card.band, '')}",
               ["考核项目", "分值", "得分", "加减分", "依据（报告、目标、任务或录入）", "链接"], [16, 8, 8, 9, 60, 34])
        for item in card.items:
            _row(sheet, [item.label, item.max_points, item.points, None, item.summary, ""], number_cols=(2, 3))
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
            for line in item.lines:
                link = f"{site}{line.link}" if line.link.startswith("/") else line.link
                _row(sheet, ["", None, None, line.points, line.text, link], number_cols=(4,))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def build_docx(scheme, cards, max_total) -> bytes:
    doc = Gongwen()
    doc.title(f"{scheme.committee.name}{scheme.year}年度{'成员单位' if any(c.kind == 'unit' for c in cards) else ''}"
              f"工作考核结果")
    items = list(scheme.items.all())
    intro = (f"根据《{scheme.title}》" + (f"（{scheme.doc_number}）" if scheme.doc_number else "") +
             f"，依据各单位{scheme.year}年度报送的进展报告、已采纳数据和汇总结果，对{len(cards)}个单位进行了考核。"
             f"满分{max_total}分。每一分均可追溯到报告、目标、任务或办公室录入的加分扣分。")
    doc.paragraph(intro)
    doc.heading("考核办法", level=1)
    for item in items:
        rule = f"{item.display_label}{item.points}分"
        if item.kind == "timeliness":
            rule += f"；缺报1次扣{item.per_missing}分，迟报1次扣{item.per_late}分，扣完为止"
        elif item.kind == "returns":
            rule += f"；报告被退回1次扣{item.per_return}分，扣完为止"
        elif item.kind == "completeness":
            rule += "，按已采纳报告占应报报告的比例计分"
        elif item.kind == "targets":
            rule += "，按牵头目标加权完成率计分，单个目标最高按100%计"
        elif item.kind == "tasks":
            rule += "，按牵头任务完成比例计分"
        elif item.kind == "adjustments":
            rule = f"{item.display_label}：办公室据实录入，加分合计不超过{item.points}分" if item.points else \
                f"{item.display_label}：办公室据实录入"
        doc.heading(rule + "。", level=2, keep_with_next=False)
    doc.paragraph(f"等次：{scheme.excellent_from}分及以上为优秀，{scheme.good_from}分及以上为良好，"
                  f"{scheme.fair_from}分及以上为一般，其余为较差。")
    doc.heading("考核结果", level=1)
    item_width = min(14, 88 // max(len(items), 1))
    doc.table(["排名", "单位", *[i.display_label for i in items], "总分", "等次"],
              [[c.rank, c.name, *[f"{i.points}" for i in c.items], f"{c.total}", BAND_LABELS.get(c.band, "")]
               for c in cards], widths_mm=[12, 154 - 12 - 16 - 12 - item_width * len(items), *[item_width] * len(items),
                                           16, 12])
    doc.heading("各单位得分依据", level=1)
    for card in cards:
        doc.heading(f"{card.name}：{card.total}分（第{card.rank}名，{BAND_LABELS.get(card.band, '')}）", level=2)
        for item in card.items:
            deductions = "；".join(f"{ln.text} {_points(ln.points)}分" for ln in item.lines)
            doc.paragraph(f"{item.label}得{item.points}分（{item.summary}）" + (f"：{deductions}。" if deductions else "。"))
    doc.blank()
    doc.paragraph(f"{scheme.committee.name}办公室", indent=False, align="right")
    doc.paragraph(f"{timezone.localdate():%Y年%m月%d日}".replace("年0", "年").replace("月0", "月"), indent=False,
                  align="right")
    return doc.to_bytes()
