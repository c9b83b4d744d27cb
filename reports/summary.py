"""The year-end summary (年度工作总结) of a plan: an Excel workbook and a Word draft.

* The workbook (openpyxl, write-only so that large sheets stream row by row): 汇总
  (tasks by status, targets reached / not reached, units' timeliness, and the committees
  below when asked), 任务, 目标, 单位 and 报告 (every accepted report of the year).
  Chinese headers, frozen header rows, column widths, number formats and conditional
  colours for status. Every user-written text goes through ``reports.xlsx.safe_cell``.
* The Word draft (python-docx): overall figures, then per section the tasks, their
  figures and each unit's latest accepted narrative, ready for the office to edit.

Both read the stored roll-up (``reports.rollup_selectors``), never recompute it (unless
the plan-year was never rolled up). ``generate`` — run by the ``generate_summary`` job —
writes each file to storage under a new name and then points the ``SummaryFile`` row at
it in one transaction; the previous file is deleted only after that commit, so a
download always gets a whole file.
"""
from __future__ import annotations

import datetime
import logging
import os
import re
import tempfile
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Case, DateTimeField, Func, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from tasks.models import WorkPlan
from units.selectors import access_for

from . import rollup
from .models import ProgressReport, ReportingRound, RollupRun, SummaryFile, TargetValue
from .models.rollup import Light, TargetStatus, TaskStatus
from .rollup_selectors import committee_rollups, derived_plan_ids, load_rollup
from .xlsx import safe_cell

logger = logging.getLogger(__name__)

PERCENT = "0.0%"
FIGURE = "#,##0.####"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="0B4F8A")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
THIN = Side(style="thin", color="C9CED6")
HEADER_BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE_FONT = Font(bold=True, size=14)
SECTION_FONT = Font(bold=True, size=12, color="0B4F8A")
# Status colours (text is always there too): red, amber, green, grey.
STATUS_FILLS = {
    "red": (PatternFill("solid", fgColor="F8D7DA"), Font(color="A1161B", bold=True)),
    "yellow": (PatternFill("solid", fgColor="FFF3CD"), Font(color="8A5300", bold=True)),
    "green": (PatternFill("solid", fgColor="D4EDDA"), Font(color="1D6B2F", bold=True)),
    "grey": (PatternFill("solid", fgColor="E9ECEF"), Font(color="4A4A4A")),
}
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Styled:
    """A cell of the summary sheet with a style (title, section heading, header, or a number format)."""

    value: object
    style: str = ""


@dataclass
class Column:
    header: str
    width: float
    number_format: str | None = None


@dataclass
class SheetSpec:
    title: str
    columns: list  # [Column]
    rows: object  # iterable of row lists (values already neutralised with safe_cell)
    freeze: str | None = "A2"
    status_columns: dict = field(default_factory=dict)  # column index (1-based) → {label: colour}
    header: bool = True


TZ = ZoneInfo(settings.TIME_ZONE)


def _local(dt):
    """A datetime as naive Beijing time (Excel has no time zones); naive ones already are."""
    if dt is None or dt.tzinfo is None:
        return dt
    return dt.astimezone(TZ).replace(tzinfo=None)


class LocalTime(Func):
    """A timestamp column read as naive Beijing time (PostgreSQL converts it; elsewhere ``_local`` does)."""

    output_field = DateTimeField()

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} AT TIME ZONE %s)", [*params, settings.TIME_ZONE]

    def as_sql(self, compiler, connection, **extra):
        return compiler.compile(self.source_expressions[0])


def _status_colours():
    task = {
        TaskStatus.DONE.label: "green", TaskStatus.ON_TRACK.label: "green", TaskStatus.BEHIND.label: "yellow",
        TaskStatus.AT_RISK.label: "red", TaskStatus.NOT_STARTED.label: "grey",
    }
    target = {
        TargetStatus.REACHED.label: "green", TargetStatus.ON_TRACK.label: "green",
        TargetStatus.BEHIND.label: "yellow", TargetStatus.AT_RISK.label: "red", TargetStatus.NO_DATA.label: "grey",
    }
    light = {Light.GREEN.label: "green", Light.YELLOW.label: "yellow", Light.RED.label: "red", Light.GREY.label: "grey"}
    return {str(k): v for k, v in task.items()}, {str(k): v for k, v in target.items()}, \
        {str(k): v for k, v in light.items()}


def _units_text(task, role, names):
    return "、".join(names.get(a.unit_id, "") for a in task.assignments.all() if a.role == role)


def _contributors_text(contributors):
    parts = []
    for c in contributors:
        figure = "—" if c["figure"] is None else f"{c['figure'].normalize():f}"
        text = f"{c['name']} {figure}"
        if c["share"] is not None:
            text += _("（分解 %(share)s）") % {"share": f"{c['share'].normalize():f}"}
        if not c["counted"]:
            text += _("（未计入）")
        parts.append(text)
    return "；".join(parts)


# ---------------------------------------------------------------- the workbook's sheets

class WorkbookData:
    """The rows of every sheet of a plan's (and, with ``include_lower``, its lower plans') year."""

    def __init__(self, plan, year, include_lower=False):
        self.plan, self.year, self.include_lower = plan, year, include_lower
        ids = derived_plan_ids(plan, year) if include_lower else [plan.pk]
        plans = {p.pk: p for p in WorkPlan.objects.filter(pk__in=ids).select_related("committee")}
        self.plans = [plans[i] for i in ids if i in plans]
        self.data = load_rollup(self.plans, year)
        self.committee_of = {p.pk: p.committee.short_name or p.committee.name for p in self.plans}
        self.many = len(self.plans) > 1

    def sheets(self):
        return [self.summary_sheet(), self.task_sheet(), self.target_sheet(), self.unit_sheet(), self.report_sheet()]

    def _lead(self):
        return [Column(_("残工委"), 16)] if self.many else []

    def _committee(self, plan_id):
        return [safe_cell(self.committee_of[plan_id])] if self.many else []

    def summary_sheet(self):
        run = self.data.run
        plan = self.plan
        rows = [
            [Styled(safe_cell(_("%(title)s %(year)s年度工作总结（汇总表）") % {"title": plan.title, "year": self.year}),
                    "title")],
            [_("残工委"), safe_cell(plan.committee.name)],
            [_("文号"), safe_cell(plan.doc_number or "—")],
            [_("数据截至"), run.as_of if run and run.as_of else "—"],
            [_("汇总时间"), _local(run.computed_at) if run and run.computed_at else _("尚未汇总")],
            [_("生成时间"), _local(timezone.now())],
            [],
            [Styled(_("一、任务完成情况"), "section")],
            [Styled(_("状态"), "header"), Styled(_("任务数"), "header"), Styled(_("占比"), "header")],
        ]
        total = run.tasks_total if run else 0
        for status in (TaskStatus.DONE, TaskStatus.ON_TRACK, TaskStatus.BEHIND, TaskStatus.AT_RISK,
                       TaskStatus.NOT_STARTED):
            n = getattr(run, f"tasks_{status.value}", 0) if run else 0
            rows.append([str(status.label), n, Styled(Decimal(n) / total if total else 0, PERCENT)])
        rows.append([_("合计"), total, Styled(1 if total else 0, PERCENT)])
        rows += [[], [Styled(_("二、量化目标完成情况"), "section")],
                 [Styled(_("目标"), "header"), Styled(_("个数"), "header"), Styled(_("占比"), "header")]]
        targets = run.targets_total if run else 0
        reached = run.targets_reached if run else 0
        with_data = run.targets_with_data if run else 0
        for label, n in ((_("已达成"), reached), (_("未达成"), with_data - reached), (_("暂无数据"), targets - with_data)):
            rows.append([label, n, Styled(Decimal(n) / targets if targets else 0, PERCENT)])
        rows.append([_("合计"), targets, Styled(1 if targets else 0, PERCENT)])
        expected = run.reports_expected if run else 0
        rows += [[], [Styled(_("三、成员单位报送情况"), "section")],
                 [Styled(_("项目"), "header"), Styled(_("数值"), "header")],
                 [_("应报（份）"), expected], [_("按时报送（份）"), run.reports_on_time if run else 0],
                 [_("按时率"), Styled(Decimal(run.reports_on_time) / expected if expected else 0, PERCENT)],
                 [_("已采纳（份）"), run.reports_accepted if run else 0],
                 [_("完整率"), Styled(Decimal(run.reports_accepted) / expected if expected else 0, PERCENT)],
                 [_("退回（次）"), run.returns if run else 0]]
        late = sorted((u for u in self.data.units if u.plan_id == plan.pk and u.reports_expected),
                      key=lambda u: (u.on_time_rate or 0, u.unit.order))[:10]
        if late:
            rows += [[], [Styled(_("按时率最低的单位"), "section")],
                     [Styled(h, "header") for h in (_("单位"), _("应报"), _("按时"), _("按时率"), _("完整率"))]]
            rows += [[safe_cell(u.unit.short_name), u.reports_expected, u.reports_on_time,
                      Styled(u.on_time_rate or 0, PERCENT), Styled(u.completeness or 0, PERCENT)] for u in late]
        if self.many:
            rows += [[], [Styled(_("四、下级残工委完成情况"), "section")],
                     [Styled(h, "header") for h in (_("残工委"), _("任务数"), _("已完成"), _("进展顺利"), _("进度滞后"),
                                                    _("存在风险"), _("未启动"), _("目标数"), _("已达成目标"),
                                                    _("按时率"), _("完整率"))]]
            for c in committee_rollups(self.plan, self.year, [p.pk for p in self.plans]):
                if c.scope != "own":
                    continue
                rows.append([safe_cell(c.committee.name), c.tasks_total, c.tasks_done, c.tasks_on_track,
                             c.tasks_behind, c.tasks_at_risk, c.tasks_not_started, c.targets_total,
                             c.targets_reached, Styled(c.on_time_rate or 0, PERCENT),
                             Styled(c.completeness or 0, PERCENT)])
        columns = [Column("", 26), Column("", 14), Column("", 12), Column("", 12), Column("", 12), Column("", 12),
                   Column("", 12), Column("", 12), Column("", 12), Column("", 12), Column("", 12)]
        return SheetSpec(_("汇总"), columns, rows, freeze=None, header=False)

    def task_sheet(self):
        task_colours, _target, light_colours = _status_colours()
        sections, names = self.data.sections, self.data.unit_names
        columns = [*self._lead(), Column(_("章节"), 22), Column(_("序号"), 7), Column(_("任务内容"), 60),
                   Column(_("牵头单位"), 18), Column(_("参加单位"), 26), Column(_("状态"), 11),
                   Column(_("信号灯"), 8), Column(_("完成率"), 9, PERCENT), Column(_("预计年底完成率"), 12, PERCENT),
                   Column(_("目标数"), 8), Column(_("已达成目标"), 10), Column(_("已采纳报告"), 10),
                   Column(_("数据截至"), 11, DATE)]

        def rows():
            for line in self.data.tasks:
                task, r = line.task, line.rollup
                section = sections.get(task.section_id)
                yield [*self._committee(task.plan_id),
                       safe_cell(f"{section.number} {section.title}" if section else ""), safe_cell(task.ref),
                       safe_cell(task.text), safe_cell(_units_text(task, "lead", names)),
                       safe_cell(_units_text(task, "participating", names)), str(line.status_label),
                       str(line.light_label),
                       r.ratio if r else None, r.projection if r else None, r.targets_total if r else 0,
                       r.targets_reached if r else 0, r.reports_accepted if r else 0, r.as_of if r else None]

        offset = len(self._lead())
        return SheetSpec(_("任务"), columns, rows(),
                         status_columns={offset + 6: task_colours, offset + 7: light_colours})

    def target_sheet(self):
        _task, target_colours, _light = _status_colours()
        columns = [*self._lead(), Column(_("任务序号"), 8), Column(_("指标"), 26), Column(_("比较方式"), 9),
                   Column(_("目标值"), 12, FIGURE), Column(_("计量单位"), 8), Column(_("完成值"), 12, FIGURE),
                   Column(_("完成率"), 9, PERCENT), Column(_("预计年底完成率"), 12, PERCENT), Column(_("状态"), 10),
                   Column(_("数据截至"), 11, DATE), Column(_("各单位完成情况"), 60)]

        def rows():
            for line in self.data.tasks:
                for t in line.targets:
                    target, r = t.target, t.rollup
                    yield [*self._committee(line.task.plan_id), safe_cell(line.task.ref), safe_cell(target.indicator),
                           str(target.get_comparator_display()), target.value, safe_cell(target.measure_unit),
                           t.reached, r.ratio if r else None, r.projection if r else None, str(t.status_label),
                           r.as_of if r else None, safe_cell(_contributors_text(t.contributors))]

        return SheetSpec(_("目标"), columns, rows(), status_columns={len(self._lead()) + 9: target_colours})

    def unit_sheet(self):
        columns = [*self._lead(), Column(_("单位"), 20), Column(_("应报"), 8), Column(_("已报送"), 8),
                   Column(_("按时报送"), 9), Column(_("逾期或未报"), 10), Column(_("已采纳"), 8),
                   Column(_("退回次数"), 9), Column(_("按时率"), 9, PERCENT), Column(_("完整率"), 9, PERCENT)]

        def rows():
            for u in self.data.units:
                yield [*self._committee(u.plan_id), safe_cell(u.unit.short_name),
                       u.reports_expected, u.reports_submitted, u.reports_on_time, u.reports_late,
                       u.reports_accepted, u.returns, u.on_time_rate, u.completeness]

        return SheetSpec(_("单位"), columns, rows())

    def report_sheet(self):
        columns = [*self._lead(), Column(_("期次"), 14), Column(_("任务序号"), 8), Column(_("任务"), 40),
                   Column(_("单位"), 16), Column(_("进展情况"), 60), Column(_("存在问题"), 36), Column(_("下步打算"), 36),
                   Column(_("目标完成值"), 36), Column(_("提交时间"), 18), Column(_("采纳时间"), 18)]
        return SheetSpec(_("报告"), columns, self._report_rows())

    def _report_rows(self):
        """Every accepted report of the year, plans in order, streamed from one server-side cursor.

        The figures are read first (one query: a short text per report); texts repeated on
        many rows (period, task, unit) are neutralised once.
        """
        start, end = datetime.date(self.year, 1, 1), datetime.date(self.year, 12, 31)
        plan_ids = [p.pk for p in self.plans]
        tasks = {line.task.pk: (safe_cell(line.task.ref), safe_cell(line.task.text)) for line in self.data.tasks}
        indicators = {t.target.pk: t.target.indicator for line in self.data.tasks for t in line.targets}
        rounds = {pk: safe_cell(label) for pk, label in ReportingRound.objects.filter(
            plan_id__in=plan_ids, period_end__range=(start, end)).values_list("pk", "period_label")}
        accepted = ProgressReport.Status.ACCEPTED
        figures = {}
        for report_id, target_id, value in TargetValue.objects.filter(
                report__round_id__in=list(rounds), report__status=accepted).order_by(
                "report_id", "target__order").values_list("report_id", "target_id", "value"):
            text = f"{indicators.get(target_id, '')} {value.normalize():f}"
            figures[report_id] = f"{figures[report_id]}；{text}" if report_id in figures else text
        position = Case(*[When(round__plan_id=pk, then=Value(i)) for i, pk in enumerate(plan_ids)],
                        output_field=IntegerField())
        reports = (ProgressReport.objects.filter(round_id__in=list(rounds), status=accepted)
                   .annotate(position=position)
                   .order_by("position", "round__period_end", "round_id", "task__order", "unit__order", "pk")
                   .values_list("pk", "round__plan_id", "round_id", "task_id", "unit_id", "progress", "problems",
                                "next_steps", LocalTime("submitted_at"), LocalTime("reviewed_at")))
        units, committees = {}, {}
        for pk, plan_id, round_id, task_id, unit_id, progress, problems, next_steps, submitted, reviewed in \
                reports.iterator(chunk_size=5000):
            unit = units.get(unit_id)
            if unit is None:
                unit = units[unit_id] = safe_cell(self.data.unit_names.get(unit_id, ""))
            committee = committees.get(plan_id)
            if committee is None:
                committee = committees[plan_id] = self._committee(plan_id)
            ref, text = tasks.get(task_id, ("", ""))
            yield [*committee, rounds[round_id], ref, text, unit, safe_cell(progress), safe_cell(problems),
                   safe_cell(next_steps), safe_cell(figures.get(pk, "")), _local(submitted), _local(reviewed)]


# ---------------------------------------------------------------- writing the workbook

class _Styles:
    def __init__(self, ws):
        self.ws = ws

    def cell(self, value, style):
        cell = WriteOnlyCell(self.ws, value=value)
        if style == "title":
            cell.font = TITLE_FONT
        elif style == "section":
            cell.font = SECTION_FONT
        elif style == "header":
            cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, HEADER_ALIGN, HEADER_BORDER
        elif style:
            cell.number_format = style
        return cell


def write_workbook(dest, sheets):
    """Write ``sheets`` (SheetSpec) to ``dest`` (a path or a binary file) in write-only mode."""
    wb = Workbook(write_only=True)
    for spec in sheets:
        ws = wb.create_sheet(title=spec.title)
        styles = _Styles(ws)
        for index, column in enumerate(spec.columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        if spec.freeze:
            ws.freeze_panes = spec.freeze
        count = 0
        if spec.header:
            ws.append([styles.cell(c.header, "header") for c in spec.columns])
            ws.print_title_rows = "1:1"
            count = 1
        formats = [(i, c.number_format) for i, c in enumerate(spec.columns) if c.number_format]
        for row in spec.rows:
            if formats:
                row = list(row)
                for i, number_format in formats:
                    if i < len(row) and row[i] is not None and not isinstance(row[i], Styled):
                        row[i] = styles.cell(row[i], number_format)
            ws.append([styles.cell(v.value, v.style) if isinstance(v, Styled) else v for v in row])
            count += 1
        if spec.header and count > 1:
            last = get_column_letter(len(spec.columns))
            ws.auto_filter.ref = f"A1:{last}{count}"
            for column, colours in spec.status_columns.items():
                letter = get_column_letter(column)
                for label, colour in colours.items():
                    fill, font = STATUS_FILLS[colour]
                    ws.conditional_formatting.add(
                        f"{letter}2:{letter}{count}",
                        CellIsRule(operator="equal", formula=[f'"{label}"'], fill=fill, font=font),
                    )
    wb.save(dest)


def plain_rows(sheets):
    """The same cells without any style: ``[(title, [rows])]`` (used to measure bare openpyxl)."""
    result = []
    for spec in sheets:
        rows = [[c.header for c in spec.columns]] if spec.header else []
        rows += [[v.value if isinstance(v, Styled) else v for v in row] for row in spec.rows]
        result.append((spec.title, rows))
    return result


# ---------------------------------------------------------------- the Word draft

def _t(text):
    """Text python-docx can store (XML forbids most control characters)."""
    return _XML_ILLEGAL.sub("", str(text or ""))


def _percent(ratio):
    return "—" if ratio is None else f"{(ratio * 100).quantize(Decimal('0.1'))}%"


def _number(value):
    return "—" if value is None else f"{Decimal(value).normalize():f}"


def latest_narratives(plan, year):
    """Each unit's latest accepted report of the year on each task of ``plan``: {task id: [report]}."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    reports = (ProgressReport.objects.filter(round__plan_id=plan.pk, status=ProgressReport.Status.ACCEPTED,
                                             round__period_end__range=(start, end))
               .select_related("unit", "round").order_by("task_id", "unit__order", "unit_id", "-round__period_end"))
    latest, seen = {}, set()
    for report in reports:
        key = (report.task_id, report.unit_id)
        if key in seen:
            continue
        seen.add(key)
        latest.setdefault(report.task_id, []).append(report)
    return latest


def write_draft(dest, plan, year, include_lower=False):
    """The Word draft of the year-end summary of ``plan`` to ``dest`` (a path or binary file)."""
    from docx import Document
    from docx.shared import Pt

    data = WorkbookData(plan, year, include_lower)
    roll = data.data
    run = roll.run
    narratives = latest_narratives(plan, year)
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(11)
    doc.add_heading(_t(_("%(committee)s%(year)s年度工作总结（草稿）") % {"committee": plan.committee.name,
                                                                   "year": year}), level=0)
    doc.add_paragraph(_t(_("根据《%(title)s》%(doc)s，现将%(year)s年度工作完成情况总结如下。本稿由系统根据各成员单位已采纳的"
                           "进展报告自动生成，请办公室核改。") % {
        "title": plan.title, "doc": f"（{plan.doc_number}）" if plan.doc_number else "", "year": year}))
    doc.add_heading(_("一、总体情况"), level=1)
    if run and run.computed_at:
        doc.add_paragraph(_t(_(
            "全年共部署重点任务%(total)s项，已完成%(done)s项，进展顺利%(on)s项，进度滞后%(behind)s项，存在风险%(risk)s项，"
            "未启动%(idle)s项。量化目标%(targets)s个，已达成%(reached)s个。成员单位应报进展报告%(expected)s份，按时报送"
            "%(on_time)s份（按时率%(rate)s），已采纳%(accepted)s份，退回%(returns)s次。数据截至%(as_of)s。") % {
            "total": run.tasks_total, "done": run.tasks_done, "on": run.tasks_on_track, "behind": run.tasks_behind,
            "risk": run.tasks_at_risk, "idle": run.tasks_not_started, "targets": run.targets_total,
            "reached": run.targets_reached, "expected": run.reports_expected, "on_time": run.reports_on_time,
            "rate": _percent(Decimal(run.reports_on_time) / run.reports_expected if run.reports_expected else None),
            "accepted": run.reports_accepted, "returns": run.returns,
            "as_of": run.as_of.isoformat() if run.as_of else "—"}))
    else:
        doc.add_paragraph(_("该年度尚未汇总。"))
    doc.add_heading(_("二、重点任务完成情况"), level=1)
    for section, lines in roll.outline():
        if section:
            doc.add_heading(_t(f"{section.number}、{section.title}" if not section.depth else
                               f"{section.number}{section.title}"), level=2)
        for line in lines:
            task = line.task
            doc.add_heading(_t(f"{task.ref}. {task.short_text}"), level=3)
            doc.add_paragraph(_t(task.text))
            units = []
            names = roll.unit_names
            lead, part = _units_text(task, "lead", names), _units_text(task, "participating", names)
            if lead:
                units.append(_("牵头单位：%(u)s") % {"u": lead})
            if part:
                units.append(_("参加单位：%(u)s") % {"u": part})
            if units:
                doc.add_paragraph(_t("；".join(units)))
            p = doc.add_paragraph()
            p.add_run(_("完成情况：")).bold = True
            p.add_run(_t(_("%(status)s（%(light)s）") % {"status": line.status_label, "light": line.light_label}))
            if line.rollup and line.rollup.projection is not None:
                p.add_run(_t(_("，按目前进度预计年底完成%(p)s") % {"p": _percent(line.rollup.projection)}))
            for t in line.targets:
                target = t.target
                doc.add_paragraph(_t(_("%(indicator)s：目标%(cmp)s%(value)s%(unit)s，完成%(reached)s%(unit)s，完成率%(ratio)s，"
                                       "%(status)s。") % {
                    "indicator": target.indicator, "cmp": target.get_comparator_display(),
                    "value": target.display_value, "unit": target.measure_unit, "reached": _number(t.reached),
                    "ratio": _percent(t.rollup.ratio if t.rollup else None), "status": t.status_label}),
                    style="List Bullet")
            for report in narratives.get(task.pk, ()):
                p = doc.add_paragraph()
                p.add_run(_t(f"{report.unit.short_name}（{report.round.period_label}）：")).bold = True
                p.add_run(_t(report.progress))
                if report.problems.strip():
                    doc.add_paragraph(_t(_("存在问题：%(t)s") % {"t": report.problems}))
                if report.next_steps.strip():
                    doc.add_paragraph(_t(_("下步打算：%(t)s") % {"t": report.next_steps}))
    doc.add_heading(_("三、存在的问题"), level=1)
    risky = [line for line in roll.tasks if line.task.plan_id == plan.pk
             and line.status in (TaskStatus.AT_RISK, TaskStatus.BEHIND)]
    if risky:
        doc.add_paragraph(_("以下任务进度滞后或存在风险，请结合各单位报告归纳原因："))
        for line in risky:
            doc.add_paragraph(_t(f"{line.task.ref}. {line.task.short_text}（{line.status_label}）"), style="List Bullet")
    else:
        doc.add_paragraph(_("（请办公室根据各单位报告归纳。）"))
    doc.add_heading(_("四、下步工作打算"), level=1)
    doc.add_paragraph(_("（请办公室根据各单位的下步打算归纳。）"))
    if data.many:
        doc.add_heading(_("附：下级残工委完成情况"), level=1)
        rows = [c for c in committee_rollups(plan, year, [p.pk for p in data.plans]) if c.scope == "own"]
        table = doc.add_table(rows=1, cols=6)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, (_("残工委"), _("任务数"), _("已完成"), _("滞后或风险"),
                                                     _("目标达成"), _("按时率")), strict=True):
            cell.text = text
        for c in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, (c.committee.name, c.tasks_total, c.tasks_done,
                                          c.tasks_behind + c.tasks_at_risk, f"{c.targets_reached}/{c.targets_total}",
                                          _percent(c.on_time_rate)), strict=True):
                cell.text = _t(text)
    doc.save(dest)


# ---------------------------------------------------------------- requests and generation

KIND_SUFFIX = {SummaryFile.Kind.WORKBOOK: ".xlsx", SummaryFile.Kind.DRAFT: ".docx"}


def _check_year(plan, year):
    if not isinstance(year, int) or not plan.period_start <= year <= plan.period_end:
        raise ValidationError({"year": [_("年度应在计划的期间 %(period)s 之内。") % {"period": plan.period_label}]})


@transaction.atomic
def request_summary(*, plan, year, user, include_lower=False) -> list[SummaryFile]:
    """The office asks for the year-end summary: mark both files pending and queue the job after commit."""
    if not access_for(user).is_office_of(plan.committee_id):
        raise PermissionDenied(_("只有本级残工委办公室可以生成年度总结。"))
    _check_year(plan, year)
    if plan.status == WorkPlan.Status.DRAFT:
        raise ValidationError(_("草稿状态的计划不能生成年度总结，请先发布计划。"))
    files = []
    now = timezone.now()
    for kind in SummaryFile.Kind.values:
        sf, _created = SummaryFile.objects.select_for_update().get_or_create(plan=plan, year=year, kind=kind)
        sf.status, sf.requested_at, sf.requested_by, sf.error = SummaryFile.Status.PENDING, now, user, ""
        sf.include_lower = include_lower
        sf.full_clean()
        sf.save()
        files.append(sf)
    from . import jobs

    transaction.on_commit(lambda: jobs.generate_summary.delay(plan.pk, year, None, include_lower, user.pk))
    return files


def _filename(plan, year, kind):
    base = re.sub(r'[\\/:*?"<>|\s]+', "", f"{plan.committee.short_name or plan.committee.name}{year}年度工作总结")
    return f"{base}{'汇总表' if kind == SummaryFile.Kind.WORKBOOK else '草稿'}{KIND_SUFFIX[kind]}"


def generate(*, plan_id, year, kinds=None, include_lower=False, user_id=None) -> list[int]:
    """Write the summary files of a plan-year and swap them in; returns the SummaryFile ids written.

    Idempotent: running it again writes fresh files and replaces the previous ones.
    """
    plan = WorkPlan.objects.select_related("committee").filter(pk=plan_id).first()
    if plan is None or not plan.period_start <= year <= plan.period_end:
        return []
    plan_ids = derived_plan_ids(plan, year) if include_lower else [plan.pk]
    computed = set(RollupRun.objects.filter(plan_id__in=plan_ids, year=year, computed_at__isnull=False)
                   .values_list("plan_id", flat=True))
    for missing in plan_ids:
        if missing not in computed:
            rollup.recompute_plan(missing, year)
    written = []
    for kind in kinds or SummaryFile.Kind.values:
        written.append(_generate_one(plan, year, kind, include_lower, user_id))
    return written


def _generate_one(plan, year, kind, include_lower, user_id):
    suffix = KIND_SUFFIX[kind]
    stored = None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, f"summary{suffix}")
            if kind == SummaryFile.Kind.WORKBOOK:
                write_workbook(path, WorkbookData(plan, year, include_lower).sheets())
            else:
                write_draft(path, plan, year, include_lower)
            with open(path, "rb") as fh:
                stored = default_storage.save(f"summaries/{year}/{uuid.uuid4().hex}{suffix}", File(fh))
            size = os.path.getsize(path)
        with transaction.atomic():
            sf, _created = SummaryFile.objects.select_for_update().get_or_create(plan=plan, year=year, kind=kind)
            old = sf.file.name if sf.file else ""
            sf.file.name = stored
            sf.filename = _filename(plan, year, kind)
            sf.size, sf.status, sf.error = size, SummaryFile.Status.READY, ""
            sf.include_lower = include_lower
            sf.generated_at = timezone.now()
            sf.generation += 1
            if user_id and not sf.requested_by_id:
                sf.requested_by_id = user_id
            sf.save()
            if old and old != stored:
                transaction.on_commit(lambda: default_storage.delete(old))
        return sf.pk
    except Exception as exc:
        logger.exception("year-end summary %s of plan %s (%s) failed", kind, plan.pk, year)
        if stored:
            default_storage.delete(stored)
        SummaryFile.objects.update_or_create(
            plan=plan, year=year, kind=kind,
            defaults={"status": SummaryFile.Status.FAILED, "error": str(exc)[:500]},
        )
        raise
