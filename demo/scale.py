"""Province-scale synthetic data for benchmarks (``manage.py generate_scale``).

One province, its cities and counties (70 committees by default), 40 member units each,
one plan a year per committee (30 tasks, about 3 assigned units and 1.5 targets each;
lower plans derive from higher ones, the first target of each province and city plan is
split among the committees below), monthly rounds for 5 years, and every report filled:
about 380,000 reports and 570,000 figures.

Rows are written in bulk (COPY on PostgreSQL) rather than through the report services,
but consistently with the model constraints: one report per round, task and assigned
unit; figures only for the task's targets, never negative; submission times around the
due date; a few reports returned (with the return in the history), waiting, or late.
"""
from __future__ import annotations

import datetime
import random
import sys
import time
from dataclasses import dataclass
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, transaction

from core.bulk import bulk_insert
from reports.models import ProgressReport, ReportingRound, TargetValue
from targets.models import Allocation, Target
from tasks.models import Assignment, Section, Task, WorkPlan
from units.models import Committee, Unit

ROOT_CODE = "scale-prov"
TZ = datetime.timezone(datetime.timedelta(hours=8))

DEPARTMENTS = [
    "残联", "民政局", "人社局", "财政局", "教育局", "卫健委", "住建局", "交通运输局", "发改委", "农业农村局",
    "公安局", "司法局", "文旅局", "体育局", "统计局", "医保局", "税务局", "市场监管局", "应急管理局", "乡村振兴局",
    "总工会", "团委", "妇联", "工信局", "自然资源局", "生态环境局", "水利局", "商务局", "退役军人事务局", "国资委",
    "广电局", "网信办", "宣传部", "组织部", "编办", "政法委", "法院", "检察院", "气象局", "卫生计生委",
]
SECTIONS = ["强化残疾人社会保障", "促进残疾人就业增收", "提升残疾人康复服务", "推进无障碍环境建设", "加强组织保障"]
INDICATORS = [
    ("城镇新增残疾人就业", "人"), ("残疾人职业技能培训", "人次"), ("残疾人基本康复服务", "人"),
    ("困难残疾人家庭无障碍改造", "户"), ("残疾儿童康复救助", "人"), ("辅助器具适配", "件"),
    ("新建残疾人之家", "个"), ("残疾人托养服务", "人"), ("农村困难残疾人危房改造", "户"),
]
CEILING = ("残疾人家庭返贫发生率", "%")
TASK_TEXTS = [
    "落实困难残疾人生活补贴和重度残疾人护理补贴制度，确保应发尽发。",
    "开展残疾人就业促进专项行动，多渠道帮扶残疾人就业创业。",
    "实施残疾人精准康复服务行动，提高基本康复服务覆盖率。",
    "推进困难重度残疾人家庭无障碍改造，改善残疾人居家生活条件。",
    "加强残疾儿童康复救助，建立残疾儿童早筛早诊早干预机制。",
    "开展残疾人职业技能培训，提升残疾人就业能力。",
]


@dataclass
class Scale:
    cities: int = 9
    counties: int = 60
    units: int = 40
    tasks: int = 30
    years: tuple = (2021, 2022, 2023, 2024, 2025)
    months: int = 12
    seed: int = 2021


class Progress:
    """A text progress bar on stdout (one line per step when not a terminal)."""

    def __init__(self, total, out=None, quiet=False):
        self.total, self.done, self.out, self.quiet = total, 0, out or sys.stdout, quiet
        self.started = time.monotonic()
        self.tty = hasattr(self.out, "isatty") and self.out.isatty()

    def step(self, label, n=1):
        self.done += n
        if self.quiet:
            return
        share = self.done / self.total if self.total else 1
        bar = "#" * int(share * 30)
        line = f"[{bar:<30}] {share:6.1%} {time.monotonic() - self.started:6.1f}s {label}"
        self.out.write(("\r" + line) if self.tty else line + "\n")
        if self.tty and self.done >= self.total:
            self.out.write("\n")
        self.out.flush()


# Named sizes. "largest": the largest province (21 cities, 183 counties, 60 member units each,
# 45 tasks a plan, monthly reports for 5 years: about 1.66 million reports). Generate it in a
# database of its own (the committee codes are those of the default set).
PRESETS = {
    "default": {},
    "largest": {"cities": 21, "counties": 183, "units": 60, "tasks": 45},
}


def exists() -> bool:
    return WorkPlan.objects.filter(committee__code=ROOT_CODE).exists()


def generate(scale: Scale | None = None, out=None, quiet=False) -> dict:
    """Create the synthetic province; returns counts. Does nothing if it is already there."""
    scale = scale or Scale()
    if exists():
        return {"created": False}
    rng = random.Random(scale.seed)
    progress = Progress(1 + len(scale.years) * 2, out, quiet)
    with transaction.atomic():
        committees, units = _committees_and_units(scale)
    progress.step("残工委与成员单位")
    counts = {"created": True, "committees": len(committees), "units": sum(len(u) for u in units.values()),
              "reports": 0, "figures": 0}
    parent_plans = {}
    for year in scale.years:
        with transaction.atomic():
            plans = _plans(scale, year, committees, units, rng)
        progress.step(f"{year}年 计划、任务与目标")
        with transaction.atomic():
            reports, figures = _reports(scale, year, plans, rng)
        counts["reports"] += reports
        counts["figures"] += figures
        progress.step(f"{year}年 月报 {reports} 份、数值 {figures} 个")
        parent_plans[year] = plans
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [ProgressReport, TargetValue]):
                cursor.execute(sql)
            cursor.execute("ANALYZE")
    return counts


# ---------------------------------------------------------------- committees and units

def _committees_and_units(scale):
    province = Committee.objects.create(code=ROOT_CODE, name="示范省残疾人工作委员会", short_name="示范省残工委",
                                        region="示范省", level=Committee.Level.PROVINCE)
    cities = Committee.objects.bulk_create([
        Committee(code=f"scale-c{i}", name=f"示范省第{i}市残疾人工作委员会", short_name=f"第{i}市残工委",
                  region=f"第{i}市", level=Committee.Level.CITY, parent=province)
        for i in range(1, scale.cities + 1)
    ])
    counties = Committee.objects.bulk_create([
        Committee(code=f"scale-x{j}", name=f"示范省第{j}县残疾人工作委员会", short_name=f"第{j}县残工委",
                  region=f"第{j}县", level=Committee.Level.COUNTY, parent=cities[(j - 1) % len(cities)])
        for j in range(1, scale.counties + 1)
    ]) if cities else []
    committees = [province, *cities, *counties]
    prefix = {Committee.Level.PROVINCE: "省", Committee.Level.CITY: "市", Committee.Level.COUNTY: "县"}
    rows = []
    for committee in committees:
        for k in range(scale.units):
            name = DEPARTMENTS[k % len(DEPARTMENTS)] + ("" if k < len(DEPARTMENTS) else str(k // len(DEPARTMENTS)))
            rows.append(Unit(committee=committee, code=f"u{k + 1}", short_name=prefix[committee.level] + name,
                             full_name=f"{committee.region}{name}", order=k + 1,
                             kind=Unit.Kind.FEDERATION if k == 0 else Unit.Kind.GOVERNMENT))
    created = Unit.objects.bulk_create(rows)
    units = {}
    for unit in created:
        units.setdefault(unit.committee_id, []).append(unit)
    for committee in committees:
        members = units[committee.pk]
        committee.office_unit = members[0]
        # 机构改革: the last unit (卫生计生委) was renamed; its duties went to 卫健委 (index 5).
        if len(members) >= len(DEPARTMENTS):
            old = members[len(DEPARTMENTS) - 1]
            old.successor, old.is_active, old.renamed_on = members[5], False, datetime.date(2019, 1, 1)
            old.save(update_fields=["successor", "is_active", "renamed_on"])
    Committee.objects.bulk_update(committees, ["office_unit"])
    return committees, units


# ---------------------------------------------------------------- plans, tasks, targets

def _plans(scale, year, committees, units, rng):
    """One published plan per committee for ``year``; returns [(plan, committee, tasks)]."""
    by_id = {c.pk: c for c in committees}
    plans = WorkPlan.objects.bulk_create([
        WorkPlan(committee=c, title=f"{c.short_name}{year}年残疾人工作重点任务", kind=WorkPlan.Kind.KEY_TASKS,
                 issuer=c.name, doc_number=f"{c.short_name}发〔{year}〕1号", issued_on=datetime.date(year, 2, 20),
                 period_start=year, period_end=year, status=WorkPlan.Status.PUBLISHED)
        for c in committees
    ])
    plan_of = {p.committee_id: p for p in plans}
    for plan in plans:
        parent_committee = by_id[plan.committee_id].parent_id
        plan.parent = plan_of.get(parent_committee)
    WorkPlan.objects.bulk_update(plans, ["parent"])

    sections = Section.objects.bulk_create([
        Section(plan=p, number=str("一二三四五"[i]), path=str("一二三四五"[i]), title=title, order=i)
        for p in plans for i, title in enumerate(SECTIONS)
    ])
    section_of = {(s.plan_id, s.order): s for s in sections}
    per_section = max(1, -(-scale.tasks // len(SECTIONS)))
    # Tasks level by level so that each task can point at its parent plan's task.
    task_of = {}
    levels = [Committee.Level.PROVINCE, Committee.Level.CITY, Committee.Level.COUNTY]
    for level in levels:
        level_plans = [p for p in plans if by_id[p.committee_id].level == level]
        created = Task.objects.bulk_create([
            Task(plan=p, section=section_of[(p.pk, i // per_section)], ref=str(i + 1), order=i + 1,
                 text=f"{TASK_TEXTS[i % len(TASK_TEXTS)]}（第{i + 1}项）", deadline=datetime.date(year, 12, 31),
                 parent=task_of.get((p.parent_id, i)))
            for p in level_plans for i in range(scale.tasks)
        ])
        for task in created:
            task_of[(task.plan_id, task.order - 1)] = task

    assignments, targets = [], []
    first_value = {}
    siblings = {}
    for c in committees:
        if c.parent_id:
            siblings[c.parent_id] = siblings.get(c.parent_id, 0) + 1
    for plan in plans:
        members = [u for u in units[plan.committee_id] if u.successor_id is None]
        for i in range(scale.tasks):
            task = task_of[(plan.pk, i)]
            lead = members[(i % (len(members) - 1)) + 1] if len(members) > 1 else members[0]
            others = [u for u in members if u is not lead]
            chosen = [lead, *rng.sample(others, min(2, len(others)))]
            for order, unit in enumerate(chosen):
                role = Assignment.Role.LEAD if order == 0 else Assignment.Role.PARTICIPATING
                assignments.append(Assignment(task=task, unit=unit, role=role, order=order))
            scale_factor = {Committee.Level.PROVINCE: 5000, Committee.Level.CITY: 600}.get(
                by_id[plan.committee_id].level, 80)
            for k in range(1 if i % 2 else 2):
                if i % 10 == 7 and k == 0:
                    targets.append(Target(task=task, indicator=CEILING[0], measure_unit=CEILING[1], order=k,
                                          comparator=Target.Comparator.AT_MOST, value=Decimal(3),
                                          quote=f"{CEILING[0]}控制在3%以内"))
                    continue
                indicator, measure = INDICATORS[(i + k) % len(INDICATORS)]
                value = Decimal(scale_factor * (1 + (i * 7 + k * 3) % 5))
                if i == 0 and k == 0:  # split among the committees below: a lower plan's target is its share
                    parent_committee = by_id[plan.committee_id].parent_id
                    if plan.parent_id in first_value:
                        value = (first_value[plan.parent_id] / siblings[parent_committee]).quantize(Decimal(1))
                    first_value[plan.pk] = value
                targets.append(Target(task=task, indicator=indicator, measure_unit=measure, order=k, value=value,
                                      quote=f"{indicator}{value}{measure}以上"))
    Assignment.objects.bulk_create(assignments, batch_size=2000)
    Target.objects.bulk_create(targets, batch_size=2000)

    # Splits: tasks 3, 9, 15 … among their units; each plan's first target among the committees below.
    children = {}
    for c in committees:
        if c.parent_id:
            children.setdefault(c.parent_id, []).append(c)
    assigned = {}
    for a in assignments:
        assigned.setdefault(a.task_id, []).append(a.unit_id)
    allocations = []
    for target in targets:
        task = target.task
        index = task.order - 1
        below = children.get(task.plan.committee_id, [])
        if index == 0 and target.order == 0 and below:
            share = (target.value / len(below)).quantize(Decimal("0.0001"))
            allocations += [Allocation(target=target, committee=c, value=share) for c in below]
        elif index % 6 == 2 and target.comparator != Target.Comparator.AT_MOST:
            weights = [Decimal("0.5"), Decimal("0.3"), Decimal("0.2")]
            allocations += [Allocation(target=target, unit_id=u, value=(target.value * w).quantize(Decimal(1)))
                            for u, w in zip(assigned[task.pk], weights, strict=False)]
    Allocation.objects.bulk_create(allocations, batch_size=2000)

    tasks_by_plan = {}
    targets_by_task = {}
    for target in targets:
        targets_by_task.setdefault(target.task_id, []).append(target)
    for a in assignments:
        tasks_by_plan.setdefault(a.task.plan_id, {}).setdefault(a.task_id, []).append(a.unit_id)
    return [(p, tasks_by_plan.get(p.pk, {}), targets_by_task) for p in plans]


# ---------------------------------------------------------------- rounds, reports, figures

def _month_end(year, month):
    nxt = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - datetime.timedelta(days=1)


def _reports(scale, year, plans, rng):
    rounds = ReportingRound.objects.bulk_create([
        ReportingRound(plan=p, period_kind=ReportingRound.PeriodKind.MONTH, period_label=f"{year}年{m}月",
                       period_start=datetime.date(year, m, 1), period_end=_month_end(year, m),
                       opens_on=_month_end(year, m) - datetime.timedelta(days=4),
                       due_on=_month_end(year, m) + datetime.timedelta(days=10), closed=True)
        for p, _tasks, _targets in plans for m in range(1, scale.months + 1)
    ])
    rounds_of = {}
    for rnd in rounds:
        rounds_of.setdefault(rnd.plan_id, []).append(rnd)

    next_report = (ProgressReport.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    next_value = (TargetValue.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    report_rows, value_rows, history_rows = [], [], []
    Status = ProgressReport.Status
    for plan, tasks, targets_by_task in plans:
        for task_id, unit_ids in tasks.items():
            task_targets = targets_by_task.get(task_id, [])
            pace = {u: 0.75 + rng.random() * 0.5 for u in unit_ids}  # how fast each unit goes
            for month, rnd in enumerate(rounds_of[plan.pk], start=1):
                elapsed = month / scale.months
                for unit_id in unit_ids:
                    roll = rng.random()
                    status = (Status.RETURNED if roll < 0.01 else Status.APPROVED if roll < 0.02
                              else Status.SUBMITTED if roll < 0.03 else Status.ACCEPTED)
                    late = rng.random() < 0.1
                    day = rnd.due_on + datetime.timedelta(days=rng.randint(1, 10) if late else -rng.randint(0, 8))
                    submitted = datetime.datetime.combine(day, datetime.time(9 + rng.randint(0, 8)), TZ)
                    reviewed = submitted + datetime.timedelta(days=2) if status in (Status.ACCEPTED,
                                                                                   Status.RETURNED) else None
                    report_id = next_report
                    next_report += 1
                    report_rows.append((
                        report_id, rnd.pk, task_id, unit_id,
                        f"{rnd.period_label}，按照任务分工推进落实，完成阶段性工作，组织开展专项督导和业务培训。",
                        "基层工作力量不足。" if month % 3 == 0 else "", "继续加强调度，确保完成全年任务。",
                        status, 4, submitted, reviewed or submitted, submitted, submitted, reviewed,
                        "请补充具体数据。" if status == Status.RETURNED else "",
                    ))
                    if status == Status.ACCEPTED and rng.random() < 0.03:  # returned once, then accepted
                        history_rows.append((report_id, rnd.pk, task_id, unit_id, Status.RETURNED, 3,
                                             submitted, submitted, reviewed - datetime.timedelta(days=1), "~",
                                             "办公室退回：请补充具体数据。"))
                    if status == Status.RETURNED:
                        history_rows.append((report_id, rnd.pk, task_id, unit_id, Status.RETURNED, 4,
                                             submitted, submitted, reviewed, "~", "办公室退回：请补充具体数据。"))
                    for target in task_targets:
                        if target.measure_unit == "%":
                            value = Decimal(str(round(1 + rng.random() * 2.4, 1)))
                        else:
                            share = target.value / max(len(unit_ids), 1)
                            value = Decimal(int(float(share) * elapsed * pace[unit_id] * (0.95 + rng.random() * 0.1)))
                        value_rows.append((next_value, report_id, target.pk, value, ""))
                        next_value += 1
    report_columns = ("id", "round_id", "task_id", "unit_id", "progress", "problems", "next_steps", "status",
                      "version", "created_at", "updated_at", "submitted_at", "approved_at", "reviewed_at",
                      "review_comment")
    bulk_insert(ProgressReport, report_columns, report_rows)
    bulk_insert(TargetValue, ("id", "report_id", "target_id", "value", "note"), value_rows)
    history = ProgressReport.history.model
    bulk_insert(history, ("id", "round_id", "task_id", "unit_id", "status", "version", "created_at", "updated_at",
                          "history_date", "history_type", "history_change_reason", "progress", "problems",
                          "next_steps", "review_comment"),
                ((*row, "", "", "", "请补充具体数据。") for row in history_rows))
    return len(report_rows), len(value_rows)
