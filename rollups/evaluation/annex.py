"""The five-year plan evaluation as a Word 公文 (``core.gongwen``) and an Excel workbook (A4 landscape,
header rows repeated on every page). Every user text goes through ``core.xlsx.safe_cell``."""
from __future__ import annotations

import io
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from core.gongwen import Gongwen
from core.xlsx import safe_cell

from .rules import KIND_LABELS, pct

THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDE5F0")
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")


def number(value) -> str:
    if value is None:
        return "—"
    d = Decimal(value).normalize()
    return f"{d:f}"


def direction_word(outcome):
    return "≤" if outcome.terms.direction == "<=" else "≥"


def title_of(plan, ev):
    return f"{plan.title}主要指标{ev.label}报告（{ev.year}年）"


def table_rows(plan, ev):
    """One row per indicator: the cells both files show (years as columns)."""
    years = list(range(plan.period_start, ev.year + 1))
    headers = ["序号", "指标", "单位", "属性", f"{plan.period_start - 1}年基期", f"{plan.period_end}年目标",
               *[f"{y}年" for y in years], "当前值", "目标完成比", "完成进度", "序时进度", "进度比", "评估结论", "原因"]
    rows = []
    for o in ev.outcomes:
        rows.append([o.indicator.number, o.terms.name + ("（累计）" if o.terms.cumulative and "累计" not in o.terms.name else ""), o.terms.measure_unit,
                     KIND_LABELS.get(o.terms.kind, ""), number(o.terms.baseline),
                     f"{direction_word(o)}{number(o.terms.target)}",
                     *[number(o.values[y][0]) if y in o.values else "—" for y in years], number(o.current),
                     pct(o.ratio_to_target), pct(o.completion), pct(o.elapsed), pct(o.ratio_to_elapsed),
                     o.judgement_label, o.reason])
    return headers, rows, years


def build_xlsx(plan, ev) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = ev.label
    headers, rows, years = table_rows(plan, ev)
    widths = [6, 28, 7, 8, 10, 10, *[10] * len(years), 10, 10, 9, 9, 9, 11, 34]
    ws.append([safe_cell(title_of(plan, ev))])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.row_dimensions[1].height = 24
    ws.append([safe_cell(h) for h in headers])
    ws.row_dimensions[2].height = 32
    for col, width in enumerate(widths, start=1):
        cell = ws.cell(row=2, column=col)
        cell.font, cell.fill, cell.border, cell.alignment = Font(bold=True), HEAD_FILL, BOX, CENTER
        ws.column_dimensions[get_column_letter(col)].width = width
    for values in rows:
        ws.append([safe_cell(v) for v in values])
        r = ws.max_row
        # LibreOffice and Excel do not grow rows written by openpyxl: size them for the wrapped name and reason
        lines = max(-(-len(str(values[1])) // 13), -(-len(str(values[-1])) // 16), 1)
        ws.row_dimensions[r].height = 15 * lines + 3
        for col in range(1, len(values) + 1):
            cell = ws.cell(row=r, column=col)
            cell.border = BOX
            cell.alignment = WRAP if col in (2, len(values)) else CENTER
    ws.append([])
    ws.append([safe_cell(ev.sentence())])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(headers))
    ws.cell(row=ws.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[ws.max_row].height = 36
    if ev.index is not None:
        ws.append([safe_cell(f"加权综合指数：{ev.index}（按各指标权重，完成进度最高按100%计）")])
    ws.append([safe_cell(f"序时进度：{ev.year}年末为规划期{ev.start}—{ev.end}年的{pct(ev.outcomes[0].elapsed) if ev.outcomes else ''}；"
                         f"导出日期：{timezone.localdate():%Y-%m-%d}")])
    ws.freeze_panes = "C3"
    ws.print_title_rows = "1:2"
    ps = ws.page_setup
    ps.paperSize = ws.PAPERSIZE_A4
    ps.orientation = ws.ORIENTATION_LANDSCAPE
    ps.fitToWidth, ps.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def build_docx(plan, ev) -> bytes:
    doc = Gongwen()
    doc.title(title_of(plan, ev))
    doc.paragraph(f"根据《{plan.title}》" + (f"（{plan.doc_number}）" if plan.doc_number else "") +
                  f"确定的主要指标，依据{ev.start}—{ev.year}年各年度数值（办公室录入并注明来源的数值，"
                  f"或各年度工作计划中与指标关联的目标汇总数），对规划主要指标进行{ev.label}。")
    doc.heading("总体情况", level=1)
    doc.paragraph(ev.sentence())
    if ev.index is not None:
        doc.paragraph(f"按各指标权重计算，加权综合指数为{ev.index}（完成进度最高按100%计）。")
    doc.heading("评估方法", level=1)
    doc.paragraph(f"序时进度为{ev.year}年末已过规划期年数占规划期年数的比例（{pct(ev.outcomes[0].elapsed) if ev.outcomes else '—'}）。"
                  "期末水平类指标的完成进度为当前值较基期值的变化占目标变化的比例，累计类指标为累计值占目标值的比例。"
                  "达到目标值的为“已完成”；完成进度不低于序时进度的为“预计能完成”；"
                  "预期性指标完成进度达到序时进度80%的也为“预计能完成”；其余为“完成有难度”。")
    doc.heading("分项指标评估", level=1)
    for o in ev.outcomes:
        doc.heading(f"{o.terms.name}（{KIND_LABELS.get(o.terms.kind, '')}）：{o.judgement_label}", level=2,
                    keep_with_next=False)
        history = "，".join(f"{y}年{number(v[0])}{o.terms.measure_unit}" for y, v in o.values.items()) or "暂无年度数据"
        base = f"基期值{number(o.terms.baseline)}{o.terms.measure_unit}" if o.terms.baseline is not None else "无基期值"
        doc.paragraph(f"{base}，规划目标{direction_word(o)}"
                      f"{number(o.terms.target)}{o.terms.measure_unit}；{history}。当前值{number(o.current)}"
                      f"{o.terms.measure_unit if o.current is not None else ''}，为目标的{pct(o.ratio_to_target)}，"
                      f"完成进度{pct(o.completion)}，序时进度{pct(o.elapsed)}。{o.reason}。")
    doc.page_break()
    doc.heading("主要指标评估表", level=1, numbered=False)
    doc.table(["序号", "指标", "属性", "基期", "目标", "当前值", "完成进度", "序时进度", "结论"],
              [[o.indicator.number, o.terms.name, KIND_LABELS.get(o.terms.kind, ""), number(o.terms.baseline),
                f"{direction_word(o)}{number(o.terms.target)}", number(o.current), pct(o.completion),
                pct(o.elapsed), o.judgement_label] for o in ev.outcomes],
              widths_mm=[10, 42, 14, 14, 16, 16, 16, 14, 14])
    doc.blank()
    doc.paragraph(f"{plan.committee.name}办公室", indent=False, align="right")
    doc.paragraph(f"{timezone.localdate():%Y年%m月%d日}".replace("年0", "年").replace("月0", "月"), indent=False,
                  align="right")
    return doc.to_bytes()
