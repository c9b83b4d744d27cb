"""Reads of the stored roll-ups for the dashboard, the year-end summary and the API.

Nothing here recomputes: the numbers come from the rows ``rollups.engine`` wrote. Who
may read them is decided by ``units.selectors.access_for`` (through ``visible_plans``):
the dashboard and the summary are for the committee-wide roles — office, admin and
leaders — of the plan's committee and of the committees above it.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from core.formatting import percent_text
from reports.models import ProgressReport
from targets.models import Target
from targets.selectors import revision_text, revisions_for_plans
from tasks.models import Assignment, Section, Task, WorkPlan
from tasks.selectors import visible_plans
from units.models import Committee, Unit
from units.selectors import access_for

from .models import (
    LIGHT_OF_STATUS,
    CommitteeRollup,
    Light,
    RollupRun,
    SummaryFile,
    TargetRollup,
    TargetStatus,
    TaskRollup,
    TaskStatus,
    UnitRollup,
)


def dashboard_plans(user):
    """Plans whose dashboard the user may open: committee-wide roles of the plan's committee or above."""
    access = access_for(user)
    plans = visible_plans(user).exclude(status=WorkPlan.Status.DRAFT)
    if access.is_superuser:
        return plans
    return plans.filter(committee_id__in=access.wide_committee_ids)


def get_dashboard_plan(user, pk):
    return get_object_or_404(dashboard_plans(user).select_related("committee"), pk=pk)


def plan_years(plan):
    return list(range(plan.period_start, plan.period_end + 1))


def pick_year(plan, raw):
    """The year asked for (``?year=``), or this year kept within the plan's period; 404 outside it."""
    if raw in (None, ""):
        return plan.current_year()
    try:
        year = int(raw)
    except (TypeError, ValueError):
        raise Http404(_("年度应为四位数字。")) from None
    if not plan.period_start <= year <= plan.period_end:
        raise Http404(_("该计划不包含%(year)s年度。") % {"year": year})
    return year


def derived_plan_ids(plan, year):
    """The plan and every plan of a lower committee derived from it (recursively) that covers ``year``."""
    found, frontier = [plan.pk], [plan.pk]
    while frontier:
        children = list(WorkPlan.objects.for_year(year).filter(parent_id__in=frontier)
                        .exclude(status=WorkPlan.Status.DRAFT).exclude(pk__in=found).values_list("pk", flat=True))
        found += children
        frontier = children
    return found


@dataclass
class TaskLine:
    task: Task
    rollup: TaskRollup | None
    targets: list = field(default_factory=list)  # [TargetLine]
    notes: list = field(default_factory=list)  # [(unit name, 存在问题)] of the units' latest reports this year

    @property
    def explanation(self):
        """The units' explanations (存在问题) shown beside a yellow or red light."""
        if self.light not in (Light.YELLOW, Light.RED) or not self.notes:
            return ""
        return "；".join(f"{name}：{text}" for name, text in self.notes)

    @property
    def status(self):
        return self.rollup.status if self.rollup else TaskStatus.NOT_STARTED

    @property
    def status_label(self):
        return TaskStatus(self.status).label

    @property
    def light(self):
        return LIGHT_OF_STATUS[self.status]

    @property
    def light_label(self):
        return Light(self.light).label

    @property
    def projection_percent(self):
        return percent_text(self.rollup.projection if self.rollup else None)

    @property
    def reason(self):
        """One line saying why the light is what it is (the worst target's reason, or the reports)."""
        counted = [t for t in self.targets if not t.target.ambiguous]
        if counted:
            worst = max(counted, key=_severity)
            text = worst.reason
            return f"{worst.target.indicator}：{text}" if len(counted) > 1 else text
        rollup = self.rollup
        if not rollup or rollup.status == TaskStatus.NOT_STARTED:
            return _("尚无已采纳的报告")
        return _("%(reported)s / %(assigned)s 个责任单位已有采纳的报告") % {
            "reported": rollup.units_reported, "assigned": rollup.units_assigned}


# how bad a target's status is, to pick the one that explains a task's light
TARGET_SEVERITY = {TargetStatus.REACHED: 0, TargetStatus.ON_TRACK: 1, TargetStatus.NO_DATA: 2,
                   TargetStatus.BEHIND: 3, TargetStatus.AT_RISK: 4}


def _severity(line):
    """Sort key of a target line: the worse status first, then the lower ratio."""
    ratio = line.rollup.ratio if line.rollup and line.rollup.ratio is not None else Decimal(0)
    return TARGET_SEVERITY.get(line.status, 0), -ratio


def pace_percent(ratio):
    """A ratio as short percent text for reasons: 0.62 → "62%", 0.7479 → "74.8%"."""
    text = percent_text(ratio)
    return text.replace(".0%", "%") if text else text


def target_reason(status, ratio, expected, ceiling=False):
    """The one-line reason of a target's light, e.g. "目标完成率 62%，低于序时进度 75%"."""
    if status == TargetStatus.NO_DATA or ratio is None:
        return _("暂无已采纳的数据")
    values = {"ratio": pace_percent(ratio), "expected": pace_percent(expected)}
    if ceiling:
        if status == TargetStatus.AT_RISK:
            return _("已用上限 %(ratio)s，已超出上限") % values
        return _("已用上限 %(ratio)s") % values
    if status == TargetStatus.REACHED:
        return _("目标完成率 %(ratio)s，已达成") % values
    if expected is None:
        return _("目标完成率 %(ratio)s") % values
    if ratio < expected:
        if status == TargetStatus.ON_TRACK:
            return _("目标完成率 %(ratio)s，略低于序时进度 %(expected)s（在容差内）") % values
        return _("目标完成率 %(ratio)s，低于序时进度 %(expected)s") % values
    return _("目标完成率 %(ratio)s，达到序时进度 %(expected)s") % values


@dataclass
class TargetLine:
    target: Target
    rollup: TargetRollup | None
    contributors: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # the task's units' explanations, as on its TaskLine
    revisions: list = field(default_factory=list)  # PlanChange rows: the target revised after publishing

    @property
    def revision_text(self):
        """"调整：目标值 5000 → 5600（2026-11-30，原因：…）", or "" for a target never revised."""
        return revision_text(self.revisions)

    @property
    def explanation(self):
        if self.status not in (TargetStatus.BEHIND, TargetStatus.AT_RISK) or not self.notes:
            return ""
        return "；".join(f"{name}：{text}" for name, text in self.notes)

    @property
    def status(self):
        return self.rollup.status if self.rollup else TargetStatus.NO_DATA

    @property
    def status_label(self):
        return TargetStatus(self.status).label

    @property
    def reached(self):
        return self.rollup.reached if self.rollup else Decimal(0)

    @property
    def percent(self):
        """Attainment in percent for a progress bar (0–100), ``None`` without data."""
        if not self.rollup or self.rollup.ratio is None:
            return None
        return max(0, min(100, round(float(self.rollup.ratio) * 100)))

    @property
    def ratio_percent(self):
        return percent_text(self.rollup.ratio if self.rollup else None)

    @property
    def projection_percent(self):
        return percent_text(self.rollup.projection if self.rollup else None)

    @property
    def expected_percent(self):
        return percent_text(self.rollup.expected if self.rollup else None)

    @property
    def light(self):
        return LIGHT_OF_STATUS[TARGET_TASK_STATUS[self.status]]

    @property
    def reason(self):
        rollup = self.rollup
        if rollup is None:
            return target_reason(TargetStatus.NO_DATA, None, None)
        return target_reason(rollup.status, rollup.ratio, rollup.expected,
                             self.target.comparator == Target.Comparator.AT_MOST)


TARGET_TASK_STATUS = {TargetStatus.NO_DATA: TaskStatus.NOT_STARTED, TargetStatus.ON_TRACK: TaskStatus.ON_TRACK,
                      TargetStatus.BEHIND: TaskStatus.BEHIND, TargetStatus.AT_RISK: TaskStatus.AT_RISK,
                      TargetStatus.REACHED: TaskStatus.DONE}


@dataclass
class PlanRollup:
    plans: list
    year: int
    runs: dict
    sections: dict
    tasks: list  # [TaskLine] in plan order
    units: list  # [UnitRollup] with .unit
    committees: dict
    unit_names: dict

    @property
    def run(self):
        return self.runs.get(self.plans[0].pk) if self.plans else None

    @property
    def computed(self):
        return any(run.computed_at for run in self.runs.values())

    def outline(self):
        """[(section or None, [TaskLine])] of the first plan in document order."""
        plan_id = self.plans[0].pk
        groups, order = defaultdict(list), []
        for line in self.tasks:
            if line.task.plan_id != plan_id:
                continue
            key = line.task.section_id
            if key not in groups:
                order.append(key)
            groups[key].append(line)
        return [(self.sections.get(key), groups[key]) for key in order]

    def section_chart(self):
        """Attainment by section of the first plan: average capped completion of the targets with figures."""
        rows = []
        for section, lines in self.outline():
            ratios, total, reached = [], 0, 0
            for line in lines:
                for t in line.targets:
                    if t.target.ambiguous:
                        continue
                    total += 1
                    reached += t.status == TargetStatus.REACHED
                    if t.rollup and t.rollup.ratio is not None and t.target.comparator != Target.Comparator.AT_MOST:
                        ratios.append(min(t.rollup.ratio, Decimal(1)))
            label = f"{section.number} {section.title}" if section else _("未分章节")
            average = (sum(ratios) / len(ratios) * 100).quantize(Decimal("0.1")) if ratios else None
            rows.append({"label": label, "tasks": len(lines), "targets": total, "reached": reached,
                         "average": average})
        return rows


def load_rollup(plans, year) -> PlanRollup:
    """Everything stored about ``plans`` (WorkPlan objects, first = main) for ``year``, in a fixed number of queries."""
    plan_ids = [p.pk for p in plans]
    runs = {r.plan_id: r for r in RollupRun.objects.filter(plan_id__in=plan_ids, year=year)}
    sections = {s.pk: s for s in Section.objects.filter(plan_id__in=plan_ids)}
    tasks = list(
        Task.objects.filter(plan_id__in=plan_ids).order_by("plan_id", "order", "pk").prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.only("id", "task_id", "unit_id", "role", "order")
                     .order_by("role", "order")))
    )
    task_rollups = {r.task_id: r for r in TaskRollup.objects.filter(plan_id__in=plan_ids, year=year)}
    target_rollups = {r.target_id: r for r in TargetRollup.objects.filter(plan_id__in=plan_ids, year=year)}
    committee_ids = {p.committee_id for p in plans}
    committees = dict(Committee.objects.values_list("id", "name"))
    unit_names = dict(Unit.objects.filter(committee_id__in=committee_ids).values_list("id", "short_name"))
    revisions = revisions_for_plans(plan_ids)
    targets = defaultdict(list)
    for target in Target.objects.filter(task__plan_id__in=plan_ids).order_by("task_id", "order", "pk"):
        rollup = target_rollups.get(target.pk)
        contributors = rollup.contributor_list(unit_names, committees) if rollup else []
        targets[target.task_id].append(TargetLine(target, rollup, contributors,
                                                  revisions=revisions.get(target.pk, [])))
    position = {pid: i for i, pid in enumerate(plan_ids)}
    tasks.sort(key=lambda t: (position[t.plan_id], t.order, t.pk))
    notes = explanations(plan_ids, year, unit_names)
    lines = [TaskLine(task, task_rollups.get(task.pk), targets.get(task.pk, []), notes.get(task.pk, []))
             for task in tasks]
    for line in lines:
        for t in line.targets:
            t.target.task = line.task  # already loaded: no query per target
            t.notes = line.notes
    units = list(UnitRollup.objects.filter(plan_id__in=plan_ids, year=year).select_related("unit"))
    units.sort(key=lambda u: (position[u.plan_id], u.unit.order, u.unit.short_name))
    return PlanRollup(list(plans), year, runs, sections, lines, units, committees, unit_names)


def explanations(plan_ids, year, unit_names) -> dict:
    """{task: [(unit name, 存在问题)]}: each unit's latest submitted explanation on the task in ``year``
    (lead units first, as their reports are read first) — one query."""
    latest = defaultdict(dict)
    rows = (ProgressReport.objects.filter(round__plan_id__in=plan_ids, round__period_end__year=year)
            .exclude(status__in=[ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED]).exclude(problems="")
            .order_by("round__period_end", "pk").values_list("task_id", "unit_id", "problems"))
    for task_id, unit_id, text in rows:
        latest[task_id][unit_id] = text.strip().rstrip("。；;")
    return {task_id: [(unit_names.get(unit_id, ""), text) for unit_id, text in by_unit.items() if text]
            for task_id, by_unit in latest.items()}


def committee_rollups(plan, year, plan_ids):
    """Own-scope rollups of the committees of ``plan_ids`` (the derived plans) for the summary, main first."""
    committee_ids = list(WorkPlan.objects.filter(pk__in=plan_ids).values_list("committee_id", flat=True))
    rows = list(CommitteeRollup.objects.filter(committee_id__in=committee_ids, year=year)
                .select_related("committee").order_by("committee__level", "committee__code", "scope"))
    return rows


def summary_files(plan, year):
    return {f.kind: f for f in SummaryFile.objects.filter(plan=plan, year=year)}


def get_summary_file(user, pk):
    """A generated summary file the user may download (same reach as the plan's dashboard)."""
    return get_object_or_404(
        SummaryFile.objects.select_related("plan").filter(plan__in=dashboard_plans(user).values("pk")), pk=pk
    )


SUMMARY_CONTENT_TYPES = {
    SummaryFile.Kind.WORKBOOK: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    SummaryFile.Kind.DRAFT: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def open_summary_file(sf):
    """The file of a summary the caller may download (``get_summary_file``), opened for reading.

    The one download path of the web page and the API; raises ``Http404`` with a message
    saying why when the file is not (or no longer) there.
    """
    if not sf.is_ready:
        raise Http404(_("该文件尚未生成。"))
    try:
        return sf.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("文件已被重新生成替换，请重新打开下载链接。")) from None

