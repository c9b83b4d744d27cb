"""Read the facts a scheme scores, in a constant number of queries whatever the number of units.

Member units: each report of the year (due date with any extension, submission day in Beijing
time, status), each return (from the report history), the stored target and task roll-ups
of the tasks a unit leads, the office's entries. A renamed unit (机构改革) and its successor
are one subject, scored under the unit that carries the duties today.

Lower committees: their own plans' stored roll-up (``UnitRollup`` sums, ``TargetRollup``,
``TaskRollup``) — the committee is scored on its own plan, not on the plan above.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, FilteredRelation, Q, Sum
from django.db.models.functions import Coalesce, Left, TruncDate
from django.urls import reverse
from django.utils import timezone

from reports.models import ProgressReport
from targets.models import Target
from tasks.models import Assignment, WorkPlan
from units.models import Committee, Unit

from ..models import TargetRollup, TaskRollup, TaskStatus, UnitRollup
from ..models_scoring import ScoreAdjustment, ScoringScheme, TargetWeight
from . import rules

Status = ProgressReport.Status
ONE = Decimal(1)


def _link(name):
    """A URL template for ``name`` (one reverse() for thousands of links)."""
    return reverse(name, args=[987654321]).replace("987654321", "{}")


def scheme_plan_ids(committee_ids, year):
    """{committee id: [plan ids]} of the plans of the year that count (published or closed)."""
    plans = defaultdict(list)
    rows = (WorkPlan.objects.for_year(year).filter(committee_id__in=committee_ids)
            .exclude(status=WorkPlan.Status.DRAFT).values_list("committee_id", "id").order_by("id"))
    for committee_id, plan_id in rows:
        plans[committee_id].append(plan_id)
    return plans


class Subjects:
    """The member units and lower committees a scheme scores, with their names and facts."""

    def __init__(self):
        self.names, self.kinds, self.links = {}, {}, {}
        self.facts = defaultdict(rules.Facts)
        self.current = {}  # unit id → the unit carrying its duties today

    def add(self, key, name, kind, link=""):
        self.names[key], self.kinds[key], self.links[key] = name, kind, link


def load_facts(scheme: ScoringScheme, *, unit_ids=None, committee_ids=None, today=None,
               scored_units=None, lower_committee_ids=None) -> Subjects:
    """Facts of every subject of ``scheme`` (or only the given units / lower committees).

    ``scored_units`` and ``lower_committee_ids`` (the scheme's choices) save two queries when known.
    """
    today = today or timezone.localdate()
    year = scheme.year
    year_start, year_end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    subjects = Subjects()
    if scored_units is None:
        scored_units = set(scheme.units.values_list("id", flat=True))
    if lower_committee_ids is None:
        lower_committee_ids = set(scheme.lower_committees.values_list("id", flat=True))
    lower = set(lower_committee_ids) if committee_ids is None else set(lower_committee_ids) & set(committee_ids)
    plans = scheme_plan_ids({scheme.committee_id} | lower, year)
    own_plans = plans.get(scheme.committee_id, [])
    weights = dict(TargetWeight.objects.filter(scheme=scheme).values_list("target_id", "weight"))
    adjustments = list(ScoreAdjustment.objects.filter(scheme=scheme)
                       .values_list("id", "unit_id", "committee_id", "points", "reason").order_by("id"))
    adj_link = reverse("scoring-scheme", args=[scheme.pk]) + "#adjustment-{}"

    if scheme.score_member_units and (unit_ids is None or unit_ids):
        _member_units(scheme, subjects, own_plans, weights, scored_units, unit_ids, today, year_start, year_end)
        for pk, unit_id, _c, points, reason in adjustments:
            key = f"u{subjects.current.get(unit_id, unit_id)}" if unit_id else None
            if key in subjects.names:
                subjects.facts[key].adjustments.append(rules.AdjustmentLine(reason, adj_link.format(pk), points))
    if lower and (unit_ids is None or committee_ids):
        _lower_committees(subjects, plans, lower, weights, year)
        for pk, _u, committee_id, points, reason in adjustments:
            key = f"c{committee_id}" if committee_id else None
            if key in subjects.names:
                subjects.facts[key].adjustments.append(rules.AdjustmentLine(reason, adj_link.format(pk), points))
    return subjects


def _member_units(scheme, subjects, plan_ids, weights, scored_units, only_units, today, year_start, year_end):
    successor = {}
    units = {}
    for pk, name, succ, order in (Unit.objects.filter(committee_id=scheme.committee_id)
                                  .values_list("id", "short_name", "successor_id", "order").order_by("order", "id")):
        units[pk] = (name, order)
        if succ:
            successor[pk] = succ

    def current(unit_id):
        seen = {unit_id}
        while unit_id in successor and successor[unit_id] not in seen:
            unit_id = successor[unit_id]
            seen.add(unit_id)
        return unit_id

    subjects.current = {pk: current(pk) for pk in units}
    wanted = {subjects.current[u] for u in scored_units if u in units} if scored_units else None
    if only_units is not None:
        only = {subjects.current.get(u, u) for u in only_units}
        wanted = only if wanted is None else wanted & only

    def key_of(unit_id):
        cur = subjects.current.get(unit_id, unit_id)
        if wanted is not None and cur not in wanted:
            return None
        key = f"u{cur}"
        if key not in subjects.names:
            name = units.get(cur, ("", 0))[0]
            subjects.add(key, name, "unit", reverse("unit-overview", args=[cur]))
        return key

    report_link, history_link = _link("report-detail"), _link("report-history")
    target_link, task_link = _link("task-detail"), _link("task-detail")

    # Leads: the tasks each current unit leads (a task led by a unit and its renamed predecessor counts once).
    leads = defaultdict(set)
    task_labels = {}
    for task_id, unit_id, ref, text in (Assignment.objects.filter(task__plan_id__in=plan_ids,
                                                                   role=Assignment.Role.LEAD)
                                        .values_list("task_id", "unit_id", "task__ref", Left("task__text", 24))
                                        .order_by()):
        key = key_of(unit_id)
        if key:
            leads[task_id].add(key)
            task_labels[task_id] = f"任务{ref} {text}"

    # Reports of the year, each with its timeliness.
    tz = ZoneInfo(settings.TIME_ZONE)
    reports = (
        ProgressReport.objects.filter(round__plan_id__in=plan_ids, round__period_end__gte=year_start,
                                      round__period_end__lte=year_end)
        .alias(extension=FilteredRelation("round__extensions", condition=Q(round__extensions__unit_id=F("unit_id"))))
        .annotate(due=Coalesce(F("extension__due_on"), F("round__due_on")), day=TruncDate("submitted_at", tzinfo=tz))
        .values_list("id", "unit_id", "round__period_label", "task__ref", "due", "day", "status")
        .order_by("round__period_end", "task__order", "id")
    )
    for pk, unit_id, period, ref, due, day, status in reports:
        key = key_of(unit_id)
        if key is None:
            continue
        if day is not None:
            timeliness = rules.ON_TIME if day <= due else rules.LATE
        elif due < today:
            timeliness = rules.MISSING
        else:
            timeliness = rules.NOT_DUE
        if timeliness == rules.NOT_DUE:
            continue
        label = f"{period} 任务{ref}（截止{due:%Y-%m-%d}" + (f"，{day:%Y-%m-%d}报送）" if day else "，未报送）")
        subjects.facts[key].reports.append(
            rules.ReportLine(label, report_link.format(pk), timeliness, status == Status.ACCEPTED))

    # Returns, from the report history: each time a report of the year went back to the unit.
    history = ProgressReport.history.model
    returns = (history.objects.filter(round__plan_id__in=plan_ids, round__period_end__gte=year_start,
                                      round__period_end__lte=year_end, status=Status.RETURNED, history_type="~")
               .values_list("id", "unit_id", "round__period_label", "task__ref").annotate(n=Count("history_id"))
               .order_by("id"))
    for pk, unit_id, period, ref, n in returns:
        key = key_of(unit_id)
        if key:
            subjects.facts[key].returns.append(rules.ReturnLine(f"{period} 任务{ref}", history_link.format(pk), n))

    # Targets and tasks the unit leads, from the stored roll-up.
    for target_id, task_id, indicator, comparator, ratio in (
            TargetRollup.objects.filter(plan_id__in=plan_ids, year=scheme.year, target__ambiguous=False)
            .values_list("target_id", "task_id", "target__indicator", "target__comparator", "ratio")
            .order_by("task_id", "target_id")):
        for key in sorted(leads.get(task_id, ())):
            subjects.facts[key].targets.append(rules.TargetLine(
                f"{task_labels[task_id].split(' ')[0]} {indicator}", target_link.format(task_id), ratio,
                weights.get(target_id, ONE), comparator == Target.Comparator.AT_MOST))
    for task_id, status in (TaskRollup.objects.filter(plan_id__in=plan_ids, year=scheme.year)
                            .values_list("task_id", "status").order_by("task_id")):
        for key in sorted(leads.get(task_id, ())):
            subjects.facts[key].tasks.append(
                rules.TaskLine(task_labels[task_id], task_link.format(task_id), int(status == TaskStatus.DONE)))
    # Units chosen by the scheme but with nothing this year still get a card (full points where nothing was due).
    for unit_id in sorted(wanted or ()):
        key_of(unit_id)


def _lower_committees(subjects, plans, lower, weights, year):
    names = dict(Committee.objects.filter(id__in=lower).values_list("id", "name"))
    dash = _link("plan-dashboard") + f"?year={year}"
    first_plan = {c: ids[0] for c, ids in plans.items()}
    for committee_id in sorted(lower):
        link = dash.format(first_plan[committee_id]) if committee_id in first_plan else ""
        subjects.add(f"c{committee_id}", names.get(committee_id, ""), "committee", link)
    plan_committee = {p: c for c, ids in plans.items() if c in lower for p in ids}
    plan_ids = list(plan_committee)
    sums = (UnitRollup.objects.filter(plan_id__in=plan_ids, year=year).values("plan_id")
            .annotate(e=Sum("reports_expected"), s=Sum("reports_submitted"), o=Sum("reports_on_time"),
                      a=Sum("reports_accepted"), r=Sum("returns")).order_by()
            .values_list("plan_id", "e", "s", "o", "a", "r"))
    totals = defaultdict(lambda: [0, 0, 0, 0, 0])
    for plan_id, *values in sums:
        row = totals[plan_committee[plan_id]]
        for i, v in enumerate(values):
            row[i] += v or 0
    for committee_id, (expected, submitted, on_time, accepted, returned) in totals.items():
        key = f"c{committee_id}"
        link = subjects.links[key]
        late = max(submitted - on_time, 0)
        missing = max(expected - submitted, 0)
        accepted_left = min(accepted, expected)
        facts = subjects.facts[key]
        for timeliness, count, text in ((rules.ON_TIME, on_time, "按时报送"), (rules.LATE, late, "迟报"),
                                        (rules.MISSING, missing, "缺报")):
            if not count:
                continue
            taken = min(accepted_left, count)
            accepted_left -= taken
            if taken:
                facts.reports.append(rules.ReportLine(f"本级计划各成员单位报告（{text}，已采纳）", link, timeliness, True,
                                                      taken))
            if count - taken:
                facts.reports.append(rules.ReportLine(f"本级计划各成员单位报告（{text}，未采纳）", link, timeliness,
                                                      False, count - taken))
        if returned:
            facts.returns.append(rules.ReturnLine("本级计划各成员单位报告", link, returned))
    target_link = _link("task-detail")
    for plan_id, target_id, task_id, ref, indicator, comparator, ratio in (
            TargetRollup.objects.filter(plan_id__in=plan_ids, year=year, target__ambiguous=False)
            .values_list("plan_id", "target_id", "task_id", "task__ref", "target__indicator", "target__comparator",
                         "ratio").order_by("plan_id", "task_id", "target_id")):
        subjects.facts[f"c{plan_committee[plan_id]}"].targets.append(rules.TargetLine(
            f"任务{ref} {indicator}", target_link.format(task_id), ratio, weights.get(target_id, ONE),
            comparator == Target.Comparator.AT_MOST))
    for plan_id, total, done in (TaskRollup.objects.filter(plan_id__in=plan_ids, year=year).values("plan_id")
                                 .annotate(n=Count("id"), d=Count("id", filter=Q(status=TaskStatus.DONE)))
                                 .order_by().values_list("plan_id", "n", "d")):
        key = f"c{plan_committee[plan_id]}"
        subjects.facts[key].tasks.append(rules.TaskLine("本级计划的任务", subjects.links[key], done, total))
