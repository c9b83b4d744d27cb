"""Read the facts a scheme scores, in a constant number of queries whatever the number of units.

Member units: the reports of the year counted by timeliness (due date with any extension,
submission day in Beijing time) and acceptance — and, read only when a card's lines are read,
the late, missing and unaccepted ones one by one — each return (from the report history), the
stored target and task roll-ups of the tasks a unit leads, the office's entries. A renamed unit (机构改革) and its successor
are one subject, scored under the unit that carries the duties today.

Lower committees: their own plans' stored roll-up (``UnitRollup`` sums, ``TargetRollup``,
``TaskRollup``) — the committee is scored on its own plan, not on the plan above.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import BooleanField, Case, CharField, Count, F, FilteredRelation, Q, Sum, Value, When
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
        self.details = None  # the member units' reports one by one, read on demand (_ReportDetails)

    def add(self, key, name, kind, link=""):
        self.names[key], self.kinds[key], self.links[key] = name, kind, link


def load_facts(scheme: ScoringScheme, *, today=None, scored_units=None, lower_committee_ids=None) -> Subjects:
    """Facts of every subject of ``scheme``. ``scored_units`` and ``lower_committee_ids`` (the scheme's
    choices) save two queries when the caller knows them."""
    choices = None
    if scored_units is not None and lower_committee_ids is not None:
        choices = {scheme.pk: (set(scored_units), set(lower_committee_ids))}
    return load_facts_many([scheme], today=today, choices=choices)[scheme.pk]


def load_facts_many(schemes, *, today=None, choices=None) -> dict:
    """Facts of several schemes of one year at once, in the same constant number of queries
    (every query covers all their plans): {scheme id: Subjects}."""
    schemes = list(schemes)
    if not schemes:
        return {}
    years = {s.year for s in schemes}
    if len(years) != 1:
        raise ValueError("load_facts_many: schemes of one year only")
    year = years.pop()
    today = today or timezone.localdate()
    ids = [s.pk for s in schemes]
    if choices is None:
        choices = {pk: (set(), set()) for pk in ids}
        through = ScoringScheme.units.through
        for scheme_id, unit_id in through.objects.filter(scoringscheme_id__in=ids).values_list(
                "scoringscheme_id", "unit_id"):
            choices[scheme_id][0].add(unit_id)
        through = ScoringScheme.lower_committees.through
        for scheme_id, committee_id in through.objects.filter(scoringscheme_id__in=ids).values_list(
                "scoringscheme_id", "committee_id"):
            choices[scheme_id][1].add(committee_id)
    result = {pk: Subjects() for pk in ids}
    own = {s.committee_id: s for s in schemes if s.score_member_units}
    lower_of = {}  # lower committee → schemes scoring it
    for s in schemes:
        for committee_id in choices[s.pk][1]:
            lower_of.setdefault(committee_id, []).append(s)
    plans = scheme_plan_ids(set(own) | set(lower_of), year)
    weights = defaultdict(dict)
    for scheme_id, target_id, weight in TargetWeight.objects.filter(scheme_id__in=ids).values_list(
            "scheme_id", "target_id", "weight"):
        weights[scheme_id][target_id] = weight
    adjustments = list(ScoreAdjustment.objects.filter(scheme_id__in=ids).values_list(
        "id", "scheme_id", "unit_id", "committee_id", "points", "reason").order_by("id"))
    scheme_link = _link("scoring-scheme") + "#adjustment-{}"  # scheme id, entry id

    if own:
        _member_units(own, result, choices, plans, weights, today, year)
    if lower_of:
        _lower_committees(lower_of, result, plans, weights, year)
    for pk, scheme_id, unit_id, committee_id, points, reason in adjustments:
        subjects = result[scheme_id]
        key = f"u{subjects.current.get(unit_id, unit_id)}" if unit_id else f"c{committee_id}"
        if key in subjects.names:
            subjects.facts[key].adjustments.append(
                rules.AdjustmentLine(reason, scheme_link.format(scheme_id, pk), points))
    return result


def _member_units(own, result, choices, plans, weights, today, year):
    """Member units of the schemes in ``own`` ({committee id: scheme}), from their own plans."""
    year_start, year_end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    plan_subjects = {}  # plan id → (Subjects, wanted units or None, the scheme's target weights)
    successor, names = {}, {}
    for pk, name, succ in (Unit.objects.filter(committee_id__in=list(own))
                           .values_list("id", "short_name", "successor_id").order_by()):
        names[pk] = name
        if succ:
            successor[pk] = succ

    def current(unit_id):
        seen = {unit_id}
        while unit_id in successor and successor[unit_id] not in seen:
            unit_id = successor[unit_id]
            seen.add(unit_id)
        return unit_id

    currents = {pk: current(pk) for pk in names}
    unit_link = _link("unit-overview")
    for committee_id, scheme in own.items():
        subjects = result[scheme.pk]
        subjects.current = currents
        chosen = choices[scheme.pk][0]
        wanted = {currents.get(u, u) for u in chosen} if chosen else None
        for plan_id in plans.get(committee_id, ()):
            plan_subjects[plan_id] = (subjects, wanted, weights[scheme.pk])
        for unit_id in sorted(wanted or ()):  # chosen units with nothing this year still get a card
            subjects.add(f"u{unit_id}", names.get(unit_id, ""), "unit", unit_link.format(unit_id))
    plan_ids = list(plan_subjects)

    key_cache = {}

    def key_of(plan_id, unit_id):
        found = key_cache.get((plan_id, unit_id))
        if found is None:
            found = key_cache[(plan_id, unit_id)] = _key_of(plan_id, unit_id)
        return found

    def _key_of(plan_id, unit_id):
        subjects, wanted, _w = plan_subjects[plan_id]
        cur = currents.get(unit_id, unit_id)
        if wanted is not None and cur not in wanted:
            return subjects, None
        key = f"u{cur}"
        if key not in subjects.names:
            subjects.add(key, names.get(cur, ""), "unit", unit_link.format(cur))
        return subjects, key

    report_link, history_link, task_link = _link("report-detail"), _link("report-history"), _link("task-detail")

    # Leads: the tasks each current unit leads (a task led by a unit and its renamed predecessor counts once).
    leads = defaultdict(set)
    task_labels = {}
    for task_id, plan_id, unit_id, ref, text in (
            Assignment.objects.filter(task__plan_id__in=plan_ids, role=Assignment.Role.LEAD)
            .values_list("task_id", "task__plan_id", "unit_id", "task__ref", Left("task__text", 24)).order_by()):
        subjects, key = key_of(plan_id, unit_id)
        if key:
            leads[task_id].add(key)
            task_labels[task_id] = (f"任务{ref}", text)

    # Reports of the year, counted per plan, unit, timeliness and acceptance in one scan: what the
    # points are computed from. The late, missing and unaccepted reports one by one (what the lines
    # show) are read when a card's lines are first read, for the whole scheme at once.
    tz = ZoneInfo(settings.TIME_ZONE)
    year_reports = (
        ProgressReport.objects.filter(round__plan_id__in=plan_ids, round__period_end__gte=year_start,
                                      round__period_end__lte=year_end)
        .alias(extension=FilteredRelation("round__extensions", condition=Q(round__extensions__unit_id=F("unit_id"))))
        .annotate(due=Coalesce(F("extension__due_on"), F("round__due_on")), day=TruncDate("submitted_at", tzinfo=tz))
    )
    timeliness = Case(When(submitted_at__isnull=False, day__lte=F("due"), then=Value(rules.ON_TIME)),
                      When(submitted_at__isnull=False, then=Value(rules.LATE)),
                      When(due__lt=today, then=Value(rules.MISSING)), default=Value(rules.NOT_DUE),
                      output_field=CharField())
    accepted = Case(When(status=Status.ACCEPTED, then=Value(True)), default=Value(False), output_field=BooleanField())
    year_reports = year_reports.annotate(t=timeliness)
    counts = (year_reports.annotate(a=accepted).values("round__plan_id", "unit_id", "t", "a")
              .annotate(n=Count("id")).order_by().values_list("round__plan_id", "unit_id", "t", "a", "n"))
    ReportLine = rules.ReportLine
    labels = {(rules.ON_TIME, True): "按时报送并已采纳", (rules.ON_TIME, False): "按时报送、未采纳",
              (rules.LATE, True): "迟报", (rules.LATE, False): "迟报、未采纳", (rules.MISSING, False): "缺报"}
    for plan_id, unit_id, kind, is_accepted, n in counts:
        if kind == rules.NOT_DUE:
            continue
        subjects, key = key_of(plan_id, unit_id)
        if key is not None:
            subjects.facts[key].reports.append(
                ReportLine(labels.get((kind, is_accepted), ""), "", kind, is_accepted, n))
    # Returns, from the report history: each time a report of the year went back to the unit.
    history = ProgressReport.history.model
    returns = (history.objects.filter(round__plan_id__in=plan_ids, round__period_end__gte=year_start,
                                      round__period_end__lte=year_end, status=Status.RETURNED, history_type="~")
               .values_list("id", "round__plan_id", "unit_id", "round__period_label", "task__ref")
               .annotate(n=Count("history_id")).order_by("id"))
    for pk, plan_id, unit_id, period, ref, n in returns:
        subjects, key = key_of(plan_id, unit_id)
        if key:
            subjects.facts[key].returns.append(rules.ReturnLine(f"{period} 任务{ref}", history_link.format(pk), n))

    # Targets and tasks the unit leads, from the stored roll-up.
    for plan_id, target_id, task_id, indicator, comparator, ratio in (
            TargetRollup.objects.filter(plan_id__in=plan_ids, year=year, target__ambiguous=False)
            .values_list("plan_id", "target_id", "task_id", "target__indicator", "target__comparator", "ratio")
            .order_by("task_id", "target_id")):
        keys = leads.get(task_id)
        if not keys:
            continue
        subjects, _wanted, scheme_weights = plan_subjects[plan_id]
        weight = scheme_weights.get(target_id, ONE)
        line = rules.TargetLine(f"{task_labels[task_id][0]} {indicator}", task_link.format(task_id), ratio, weight,
                                comparator == Target.Comparator.AT_MOST)
        for key in sorted(keys):
            subjects.facts[key].targets.append(line)
    for plan_id, task_id, status in (TaskRollup.objects.filter(plan_id__in=plan_ids, year=year)
                                     .values_list("plan_id", "task_id", "status").order_by("task_id")):
        keys = leads.get(task_id)
        if not keys:
            continue
        subjects = plan_subjects[plan_id][0]
        line = rules.TaskLine(" ".join(task_labels[task_id]), task_link.format(task_id), int(status == TaskStatus.DONE))
        for key in sorted(keys):
            subjects.facts[key].tasks.append(line)

    # Each scheme's member units read their reports one by one (for the lines) from one loader.
    plans_of = defaultdict(list)
    for plan_id, (subjects, _wanted, _w) in plan_subjects.items():
        plans_of[id(subjects)].append(plan_id)
    for subjects, _wanted, _w in plan_subjects.values():
        if subjects.details is None:
            details = subjects.details = _ReportDetails(year_reports, plans_of[id(subjects)], key_of, report_link)
            for key, facts in subjects.facts.items():
                if key.startswith("u"):
                    facts.report_details = partial(details.of, key)


class _ReportDetails:
    """The late, missing and unaccepted reports of one scheme's member units, a line each, read in one
    query the first time any of its cards shows its lines (a unit's page, the annex, the API)."""

    def __init__(self, year_reports, plan_ids, key_of, report_link):
        self.year_reports, self.plan_ids, self.key_of, self.report_link = year_reports, plan_ids, key_of, report_link
        self.lines = None

    def of(self, key):
        if self.lines is None:
            self.lines = self._load()
        return self.lines.get(key, [])

    def _load(self):
        # ``year_reports`` carries the timeliness the counts use (``t``): the same classification, once.
        rows = (self.year_reports.filter(round__plan_id__in=self.plan_ids).exclude(t=rules.NOT_DUE)
                .exclude(t=rules.ON_TIME, status=Status.ACCEPTED)
                .values_list("id", "round__plan_id", "unit_id", "round__period_label", "task__ref", "due", "day",
                             "status", "t")
                .order_by("round__period_end", "task__order", "id"))
        lines = defaultdict(list)
        for pk, plan_id, unit_id, period, ref, due, day, status, timeliness in rows:
            _subjects, key = self.key_of(plan_id, unit_id)
            if key is None:
                continue
            label = f"{period} 任务{ref}（截止{due.isoformat()}" + (f"，{day.isoformat()}报送）" if day else "，未报送）")
            lines[key].append(rules.ReportLine(label, self.report_link.format(pk), timeliness,
                                               status == Status.ACCEPTED))
        return lines


def _lower_committees(lower_of, result, plans, weights, year):
    """Lower committees ({committee id: [schemes scoring it]}), each on its own plans' stored roll-up."""
    names = dict(Committee.objects.filter(id__in=list(lower_of)).values_list("id", "name"))
    dash = _link("plan-dashboard") + f"?year={year}"
    links = {}
    for committee_id, schemes in sorted(lower_of.items()):
        own_plans = plans.get(committee_id)
        links[committee_id] = dash.format(own_plans[0]) if own_plans else ""
        for scheme in schemes:
            result[scheme.pk].add(f"c{committee_id}", names.get(committee_id, ""), "committee", links[committee_id])
    plan_committee = {p: c for c, ids in plans.items() if c in lower_of for p in ids}
    plan_ids = list(plan_committee)

    def each(committee_id):
        key = f"c{committee_id}"
        for scheme in lower_of[committee_id]:
            yield scheme.pk, result[scheme.pk].facts[key]

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
        link = links[committee_id]
        late = max(submitted - on_time, 0)
        missing = max(expected - submitted, 0)
        accepted_left = min(accepted, expected)
        lines = []
        for timeliness, count, text in ((rules.ON_TIME, on_time, "按时报送"), (rules.LATE, late, "迟报"),
                                        (rules.MISSING, missing, "缺报")):
            if not count:
                continue
            taken = min(accepted_left, count)
            accepted_left -= taken
            if taken:
                lines.append(rules.ReportLine(f"本级计划各成员单位报告（{text}，已采纳）", link, timeliness, True, taken))
            if count - taken:
                lines.append(rules.ReportLine(f"本级计划各成员单位报告（{text}，未采纳）", link, timeliness, False,
                                              count - taken))
        for _pk, facts in each(committee_id):
            facts.reports.extend(lines)
            if returned:
                facts.returns.append(rules.ReturnLine("本级计划各成员单位报告", link, returned))
    target_link = _link("task-detail")
    for plan_id, target_id, task_id, ref, indicator, comparator, ratio in (
            TargetRollup.objects.filter(plan_id__in=plan_ids, year=year, target__ambiguous=False)
            .values_list("plan_id", "target_id", "task_id", "task__ref", "target__indicator", "target__comparator",
                         "ratio").order_by("plan_id", "task_id", "target_id")):
        for scheme_id, facts in each(plan_committee[plan_id]):
            facts.targets.append(rules.TargetLine(
                f"任务{ref} {indicator}", target_link.format(task_id), ratio, weights[scheme_id].get(target_id, ONE),
                comparator == Target.Comparator.AT_MOST))
    for plan_id, total, done in (TaskRollup.objects.filter(plan_id__in=plan_ids, year=year).values("plan_id")
                                 .annotate(n=Count("id"), d=Count("id", filter=Q(status=TaskStatus.DONE)))
                                 .order_by().values_list("plan_id", "n", "d")):
        committee_id = plan_committee[plan_id]
        for _pk, facts in each(committee_id):
            facts.tasks.append(rules.TaskLine("本级计划的任务", links[committee_id], done, total))
