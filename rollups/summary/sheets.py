"""What the year-end workbook holds: one ``SheetSpec`` per sheet (汇总, 任务, 目标, 单位, 报告), with
rows read from the stored roll-up and the accepted reports. Every user-written text goes
through ``core.xlsx.safe_cell``; rendering is ``rollups.summary.workbook``'s job."""
from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, DateTimeField, Func, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forked import can_fork, rows_in_child
from core.xlsx import safe_cell
from reports.models import ProgressReport, ReportingRound, TargetValue
from rollups.models import Light, TargetStatus, TaskStatus
from rollups.selectors import committee_rollups, derived_plan_ids, load_rollup
from targets.models import Target
from tasks.models import Task, WorkPlan
from units.models import Unit

PERCENT = "0.0%"
FIGURE = "#,##0.####"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"

# Report rows are read for this many plans at a time (the province: 70 plans, ~1,000 reports each).
PLANS_PER_READ = 16

XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


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
    write_first: bool = False  # its rows are ready before the others' (made by a child process)


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


def units_text(task, role, names):
    return "、".join(names.get(a.unit_id, "") for a in task.assignments.all() if a.role == role)


def _contributors_text(contributors):
    parts = []
    share_text = not_counted = None  # translated once a call, not once a contributor
    for c in contributors:
        figure = "—" if c["figure"] is None else f"{c['figure'].normalize():f}"
        text = f"{c['name']} {figure}"
        if c["share"] is not None:
            share_text = share_text or _("（分解 %(share)s）")
            text += share_text % {"share": f"{c['share'].normalize():f}"}
        if not c["counted"]:
            not_counted = not_counted or _("（未计入）")
            text += not_counted
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
        self.committee_of = {p.pk: p.committee.short_name or p.committee.name for p in self.plans}
        self.many = len(self.plans) > 1

    @cached_property
    def data(self):
        """The stored roll-up (read when a sheet's rows are first needed)."""
        return load_rollup(self.plans, self.year)

    def sheets(self):
        """The five sheets in the order a reader sees them; their rows are made as they are read.

        Where ``LUOSHI_WORKBOOK_CHILD_READER`` allows and outside a transaction, two forked child
        processes make the rows while the caller writes (the writing is one core's work): one the
        report rows (nine in ten of the province's cells), one the four sheets of the stored
        roll-up. The report sheet is then written first: its rows come first.
        """
        specs = [self.summary_sheet(), self.task_sheet(), self.target_sheet(), self.unit_sheet(),
                 self.report_sheet()]
        if settings.LUOSHI_WORKBOOK_CHILD_READER and can_fork():
            *rollup_specs, report_spec = specs
            report_rows, rollup_rows = report_spec.rows, [spec.rows for spec in rollup_specs]
            report_spec.rows = rows_in_child(lambda: [report_rows], batch_size=500)[0]
            report_spec.write_first = True
            for spec, rows in zip(rollup_specs, rows_in_child(lambda: rollup_rows, parts=4, batch_size=500),
                                  strict=True):
                spec.rows = rows
        return specs

    def _lead(self):
        return [Column(_("残工委"), 16)] if self.many else []

    def _committee(self, plan_id):
        return [safe_cell(self.committee_of[plan_id])] if self.many else []

    def summary_sheet(self):
        columns = [Column("", 26), Column("", 18), Column("", 12), Column("", 12), Column("", 12), Column("", 12),
                   Column("", 12), Column("", 12), Column("", 12), Column("", 12), Column("", 12)]
        return SheetSpec(_("汇总"), columns, self._summary_rows(), freeze=None, header=False)

    def _summary_rows(self):
        run = self.data.run
        plan = self.plan
        rows = [
            [Styled(safe_cell(_("%(title)s %(year)s年度工作总结（汇总表）") % {"title": plan.title, "year": self.year}),
                    "title")],
            [_("残工委"), safe_cell(plan.committee.name)],
            [_("文号"), safe_cell(plan.doc_number or "—")],
            [_("数据截至"), Styled(run.as_of, DATE) if run and run.as_of else "—"],
            [_("汇总时间"), Styled(_local(run.computed_at), DATETIME) if run and run.computed_at else _("尚未汇总")],
            [_("生成时间"), Styled(_local(timezone.now()), DATETIME)],
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
        yield from rows

    def task_sheet(self):
        task_colours, _target, light_colours = _status_colours()
        columns = [*self._lead(), Column(_("章节"), 22), Column(_("序号"), 7), Column(_("任务内容"), 60),
                   Column(_("牵头单位"), 18), Column(_("参加单位"), 26), Column(_("状态"), 11),
                   Column(_("信号灯"), 8), Column(_("完成率"), 9, PERCENT), Column(_("预计年底完成率"), 12, PERCENT),
                   Column(_("目标数"), 8), Column(_("已达成目标"), 10), Column(_("已采纳报告"), 10),
                   Column(_("数据截至"), 11, DATE)]

        def rows():
            sections, names = self.data.sections, self.data.unit_names
            for line in self.data.tasks:
                task, r = line.task, line.rollup
                section = sections.get(task.section_id)
                yield [*self._committee(task.plan_id),
                       safe_cell(f"{section.number} {section.title}" if section else ""), safe_cell(task.ref),
                       safe_cell(task.text), safe_cell(units_text(task, "lead", names)),
                       safe_cell(units_text(task, "participating", names)), str(line.status_label),
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
                   Column(_("数据截至"), 11, DATE), Column(_("各单位完成情况"), 60), Column(_("调整情况"), 40)]

        def rows():
            comparators = {}  # comparator → its label, translated once
            for line in self.data.tasks:
                for t in line.targets:
                    target, r = t.target, t.rollup
                    comparator = comparators.get(target.comparator)
                    if comparator is None:
                        comparator = comparators[target.comparator] = str(target.get_comparator_display())
                    yield [*self._committee(line.task.plan_id), safe_cell(line.task.ref), safe_cell(target.indicator),
                           comparator, target.value, safe_cell(target.measure_unit),
                           t.reached, r.ratio if r else None, r.projection if r else None, str(t.status_label),
                           r.as_of if r else None, safe_cell(_contributors_text(t.contributors)),
                           safe_cell(t.revision_text)]

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
        """Every accepted report of the year, plans in order, read a few plans at a time: the first
        plan alone (its rows come at once), then groups of ``PLANS_PER_READ`` (sorts small enough for
        memory, few enough queries).

        Each group's figures are read first (one query: a short text per report); texts repeated
        on many rows (period, task, unit) are neutralised once.
        """
        start, end = datetime.date(self.year, 1, 1), datetime.date(self.year, 12, 31)
        plan_ids = [p.pk for p in self.plans]
        # Its own small lookups, not the stored roll-up's: a child process may make these rows alone.
        tasks = {pk: (safe_cell(ref), safe_cell(text)) for pk, ref, text in
                 Task.objects.filter(plan_id__in=plan_ids).values_list("pk", "ref", "text")}
        indicators = dict(Target.objects.filter(task__plan_id__in=plan_ids).values_list("pk", "indicator"))
        unit_names = dict(Unit.objects.filter(committee_id__in={p.committee_id for p in self.plans})
                          .values_list("pk", "short_name"))
        rounds, rounds_of = {}, defaultdict(list)
        for pk, plan_id, label in ReportingRound.objects.filter(
                plan_id__in=plan_ids, period_end__range=(start, end)).values_list("pk", "plan_id", "period_label"):
            rounds[pk] = safe_cell(label)
            rounds_of[plan_id].append(pk)
        accepted = ProgressReport.Status.ACCEPTED
        units, committees = {}, {}
        with_rounds = [pk for pk in plan_ids if rounds_of[pk]]
        for group in [with_rounds[:1]] + [with_rounds[i:i + PLANS_PER_READ]
                                          for i in range(1, len(with_rounds), PLANS_PER_READ)]:
            if not group:
                continue
            round_ids = [r for pk in group for r in rounds_of[pk]]
            figures = {}
            for report_id, target_id, value in TargetValue.objects.filter(
                    report__round_id__in=round_ids, report__status=accepted).order_by(
                    "report_id", "target__order").values_list("report_id", "target_id", "value"):
                text = f"{indicators.get(target_id, '')} {value.normalize():f}"
                figures[report_id] = f"{figures[report_id]}；{text}" if report_id in figures else text
            position = Case(*[When(round__plan_id=pk, then=Value(i)) for i, pk in enumerate(group)],
                            output_field=IntegerField())
            reports = (ProgressReport.objects.filter(round_id__in=round_ids, status=accepted)
                       .annotate(position=position)
                       .order_by("position", "round__period_end", "round_id", "task__order", "unit__order", "pk")
                       .values_list("pk", "round__plan_id", "round_id", "task_id", "unit_id", "progress", "problems",
                                    "next_steps", LocalTime("submitted_at"), LocalTime("reviewed_at")))
            for pk, plan_id, round_id, task_id, unit_id, progress, problems, next_steps, submitted, reviewed in \
                    reports.iterator(chunk_size=2000):
                unit = units.get(unit_id)
                if unit is None:
                    unit = units[unit_id] = safe_cell(unit_names.get(unit_id, ""))
                committee = committees.get(plan_id)
                if committee is None:
                    committee = committees[plan_id] = self._committee(plan_id)
                ref, text = tasks.get(task_id, ("", ""))
                yield [*committee, rounds[round_id], ref, text, unit, safe_cell(progress), safe_cell(problems),
                       safe_cell(next_steps), safe_cell(figures.get(pk, "")), _local(submitted), _local(reviewed)]
