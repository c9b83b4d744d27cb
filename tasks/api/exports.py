"""A plan's tasks and targets as a spreadsheet (.xlsx) or CSV, one row per task and target.

Every text cell goes through ``core.xlsx.safe_cell``: a cell beginning with = + - @,
a tab or a line break is written as plain text, never as a formula (also in CSV).
"""
import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.xlsx import safe_cell, safe_row
from tasks.models import Assignment
from tasks.selectors import tasks_with_details


def headers():
    return [
        _("序号"), _("章节"), _("任务内容"), _("牵头单位"), _("参加单位"), _("完成时限"),
        _("指标"), _("比较方式"), _("目标值"), _("计量单位"), _("原文"),
    ]


def plan_rows(plan):
    """Rows of ``plan``: a task without targets is one row; a task with n targets is n rows."""
    tasks = tasks_with_details(plan).order_by("order", "id")
    for task in tasks:
        leads = "、".join(a.unit.display_name for a in task.assignments.all() if a.role == Assignment.Role.LEAD)
        parts = "、".join(
            a.unit.display_name for a in task.assignments.all() if a.role == Assignment.Role.PARTICIPATING
        )
        if task.all_member_units:
            parts = "、".join(filter(None, [parts, _("各成员单位")]))
        section = f"{task.section.number} {task.section.title}" if task.section_id else ""
        head = [task.ref, section, task.text, leads, parts, task.deadline]
        targets = list(task.targets.all())
        if not targets:
            yield head + [None] * 5
        for target in targets:
            yield head + [target.indicator, target.get_comparator_display(), target.value, target.measure_unit,
                          target.quote]


def plan_xlsx(plan) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(safe_cell(_("任务与目标")))
    ws.column_dimensions["C"].width = 60
    ws.append(safe_row([plan.title]))
    ws.append(safe_row([plan.doc_number or "", plan.period_label]))
    ws.append(safe_row(headers()))
    for row in plan_rows(plan):
        ws.append(safe_row(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def plan_csv(plan) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel and WPS open Chinese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row(headers()))
    for row in plan_rows(plan):
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


