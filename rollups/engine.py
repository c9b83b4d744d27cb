"""Roll-ups: what each target, task, unit and committee has reached in a plan's year.

This module is the roll-up's database side: it reads the facts in set-based queries, asks
``rollups.rules`` (pure functions, where the rules of targets and tasks are written down)
what they add up to, and stores the results. Three entry points, all idempotent and safe
to retry (the Celery jobs in ``rollups.jobs`` call them), and all of them run passes of
``_run_pass``:

* ``recompute_for_report(report_id)`` — incremental, after a report is accepted: only the
  report's task (its targets), the report's unit, the plan's totals, the targets above
  that count this committee's figures, and the committee rollups up the hierarchy;
* ``recompute_plan(plan_id)`` / ``recompute_year(year)`` — full: every plan of the year
  in set-based queries (one query per kind of fact, whatever the number of plans), then
  one bulk write (COPY on PostgreSQL).

Each write happens in one transaction that first locks the plan-years' ``RollupRun``
rows (in id order), so roll-ups of one plan never interleave and a worker killed midway
leaves the previous roll-up readable; the next run simply computes everything again.

What is counted here (the rest is in ``rollups.rules``; also in README, "Roll-up"):

* **unit** (per plan and year): reports expected (due date passed — a unit's extension
  counts — or already submitted), submitted, on time (submitted on or before the due
  date, Beijing time), accepted, returns (each return to the unit, from the history);
  on-time rate and completeness (accepted ÷ expected);
* **committee**: the plans' totals of the committee (``own``) and with every committee
  below it (``tree``: county → city → province).
"""
from __future__ import annotations

import datetime
import gc
import hashlib
import logging
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, FilteredRelation, Max, Q, Sum, Value, Window
from django.db.models.functions import Coalesce, RowNumber, TruncDate
from django.utils import timezone

from core.bulk import bulk_insert, bulk_update_rows, copy_formatter, copy_lines
from reports.models import ProgressReport, TargetValue
from targets.models import Allocation, Target
from tasks.models import Assignment, Task, WorkPlan
from units.models import Committee, Unit
from units.selectors import descendant_committee_ids

from . import rules
from .models import CommitteeRollup, RollupRun, TargetRollup, TargetStatus, TaskRollup, TaskStatus, UnitRollup
from .rules import UnitChain

logger = logging.getLogger(__name__)

Status = ProgressReport.Status
PLAN_STATUSES = (WorkPlan.Status.PUBLISHED, WorkPlan.Status.CLOSED)
# The rules spell statuses as plain text; rows store the models' choices, whose repr the row digests
# were computed from (see ``_checksum``).
STORED_TARGET_STATUS = {status.value: status for status in TargetStatus}
STORED_TASK_STATUS = {status.value: status for status in TaskStatus}


def unit_chain_of(committee_ids) -> UnitChain:
    """The renamed units of these committees, each with its successor."""
    return UnitChain(Unit.objects.filter(committee_id__in=committee_ids, successor__isnull=False)
                     .values_list("id", "successor_id").order_by())


def _plain_rows(qs) -> list[tuple]:
    """The rows of a ``values_list`` of ids, counts, Decimals and dates. PostgreSQL's driver returns those
    typed as Django would, so they are fetched without Django's converter call per value (tens of
    thousands of rows in a full pass); other databases go through the ORM."""
    if qs.db != "default" or connection.vendor != "postgresql":
        return list(qs)
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _named(row_type):
    """Database rows as ``row_type`` named tuples, built as ``values_list(named=True)`` builds its own: no
    Python call per row (the pass reads tens of thousands of them)."""
    return partial(tuple.__new__, row_type)


# ---------------------------------------------------------------- what a pass reads and computes

@dataclass(slots=True, frozen=True)
class PlanInfo:
    id: int
    committee_id: int
    parent_id: int | None
    start: datetime.date
    end: datetime.date
    tolerance: Decimal = Decimal(0)  # how far below 序时进度 a target may be before it is 进度滞后


@dataclass(slots=True, frozen=True)
class Scope:
    """What an incremental pass over one plan recomputes: these tasks (with their targets) and these units."""
    task_ids: frozenset[int]
    unit_ids: frozenset[int]


class TargetRow(NamedTuple):
    """A target as a pass reads it."""
    id: int
    task_id: int
    plan_id: int
    value: Decimal
    comparator: str
    per_unit: bool
    ambiguous: bool  # awaiting confirmation that it is a target: computed, not counted in task and plan totals
    measure_unit: str
    indicator: str
    parent_task_id: int | None  # the task of the plan above that this target's task derives from
    pace_weights: list  # per-period weights of its 序时进度 curve (empty: linear)

    @property
    def terms(self) -> rules.TargetTerms:
        return rules.TargetTerms(self.value, self.comparator, self.per_unit, self.measure_unit,
                                 rules.clean_weights(self.pace_weights))


class ReportStats(NamedTuple):
    """Per plan, task and unit: the counts of the year's reports and the latest accepted period."""
    plan_id: int
    task_id: int
    unit_id: int
    expected: int
    submitted: int
    on_time: int
    accepted_in_year: int
    accepted: int  # in this year or before
    last_accepted: datetime.date | None


@dataclass(slots=True)
class TargetResult:
    target_id: int
    task_id: int
    plan_id: int
    ambiguous: bool
    outcome: rules.TargetOutcome


@dataclass(slots=True)
class TaskResult:
    task_id: int
    plan_id: int
    outcome: rules.TaskOutcome
    reports_accepted: int


@dataclass(slots=True)
class UnitResult:
    plan_id: int
    unit_id: int
    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    accepted: int = 0
    returns: int = 0


# ---------------------------------------------------------------- one computation pass

class _Pass:
    """Compute the roll-up of some plans for one year: all of it, or (incremental) only ``scope`` of one plan."""

    def __init__(self, plans: dict[int, PlanInfo], year: int, scope: Scope | None = None, *, today=None):
        if scope is not None and len(plans) != 1:
            raise ValueError("an incremental pass covers one plan")
        self.plans = plans
        self.year = year
        self.year_start, self.year_end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        self.scope = scope
        self.full = scope is None
        self.today = today or timezone.localdate()
        self._iso_cache = {}

    def _iso(self, day):
        if day is None:
            return None
        text = self._iso_cache.get(day)
        if text is None:
            text = self._iso_cache[day] = day.isoformat()
        return text

    # ---- reads (each one query, whatever the number of plans)

    def load(self, unit_chain: UnitChain | None = None):
        """Read everything the pass needs; ``unit_chain`` saves a query when the caller has it."""
        plan_ids = list(self.plans)
        scope = self.scope
        if scope is None:
            self.tasks = dict(Task.objects.filter(plan_id__in=plan_ids).values_list("id", "plan_id").order_by())
        else:
            self.tasks = dict.fromkeys(scope.task_ids, plan_ids[0])

        targets = Target.objects.filter(task__plan_id__in=plan_ids)
        assignments = Assignment.objects.filter(task__plan_id__in=plan_ids)
        if scope is not None:
            targets = targets.filter(task_id__in=scope.task_ids)
            assignments = assignments.filter(task_id__in=scope.task_ids)
        # Targets and their allocations in one query (a target appears once per allocation).
        self.targets, self.allocations = {}, []
        for target_id, *columns, unit_id, committee_id, share in targets.values_list(
            "id", "task_id", "task__plan_id", "value", "comparator", "per_unit", "ambiguous", "measure_unit",
            "indicator", "task__parent_id", "pace_weights", "allocations__unit_id", "allocations__committee_id", "allocations__value",
        ).order_by():
            if target_id not in self.targets:
                self.targets[target_id] = TargetRow(target_id, *columns)
            if share is not None:
                self.allocations.append(rules.Allocation(target_id, unit_id, committee_id, share))
        self.assignments = list(assignments.values_list("task_id", "unit_id").order_by())

        self.chain = chain = unit_chain or unit_chain_of({p.committee_id for p in self.plans.values()})
        self.assigned = defaultdict(set)  # task → its current units
        for task_id, unit_id in self.assignments:
            self.assigned[task_id].add(chain.current(unit_id))
        self.figures = _plain_rows(self._latest_figures()) if self.targets or self.full else []
        self.stats = list(map(_named(ReportStats), _plain_rows(self._report_stats())))
        self.returns = [] if scope is not None and not scope.unit_ids else _plain_rows(self._returns())

    def _report_filter(self):
        q = Q(round__plan_id__in=list(self.plans))
        if self.scope is not None:
            q &= Q(task_id__in=self.scope.task_ids) | Q(unit_id__in=self.scope.unit_ids)
        return q

    def _latest_figures(self):
        """(target, unit, value, period end) of each unit's latest accepted figure for each target."""
        plan_ids = list(self.plans)
        # Naming the plans' targets too (the reports' plans imply them) lets PostgreSQL read just these
        # plans' figures through the target index instead of scanning the figures of every year.
        qs = TargetValue.objects.filter(
            report__round__plan_id__in=plan_ids, report__status=Status.ACCEPTED,
            report__round__period_end__lte=self.year_end,
        )
        if self.scope is None:
            qs = qs.filter(target__task__plan_id__in=plan_ids)
        else:
            qs = qs.filter(report__task_id__in=self.scope.task_ids)
        columns = ("target_id", "report__unit_id", "value", "report__round__period_end")
        if connection.vendor == "postgresql":
            return qs.order_by("target_id", "report__unit_id", "-report__round__period_end", "-report__round_id") \
                .distinct("target_id", "report__unit_id").values_list(*columns)
        return qs.annotate(row=Window(
            RowNumber(), partition_by=[F("target_id"), F("report__unit_id")],
            order_by=[F("report__round__period_end").desc(), F("report__round_id").desc()],
        )).filter(row=1).values_list(*columns)

    def _report_stats(self):
        """Per task and unit: expected, submitted, on time, accepted (this year), and the latest accepted period."""
        in_year = Q(round__period_end__gte=self.year_start)
        qs = (
            ProgressReport.objects.filter(self._report_filter(), round__period_end__lte=self.year_end)
            .alias(
                extension=FilteredRelation("round__extensions", condition=Q(round__extensions__unit_id=F("unit_id"))),
            )
            .annotate(due=Coalesce(F("extension__due_on"), F("round__due_on")),
                      day=TruncDate("submitted_at", tzinfo=ZoneInfo(settings.TIME_ZONE)))
            .values("round__plan_id", "task_id", "unit_id")
            .annotate(
                expected=Count("id", filter=in_year & (Q(due__lt=self.today) | Q(submitted_at__isnull=False))),
                submitted=Count("id", filter=in_year & Q(submitted_at__isnull=False)),
                on_time=Count("id", filter=in_year & Q(day__lte=F("due"))),
                accepted_year=Count("id", filter=in_year & Q(status=Status.ACCEPTED)),
                accepted=Count("id", filter=Q(status=Status.ACCEPTED)),
                last_accepted=Max("round__period_end", filter=Q(status=Status.ACCEPTED)),
            )
            .order_by()
        )
        return qs.values_list("round__plan_id", "task_id", "unit_id", "expected", "submitted", "on_time",
                              "accepted_year", "accepted", "last_accepted")

    def _returns(self):
        """Per task and unit: how many times a report of the year went back to the unit (from the history)."""
        history = ProgressReport.history.model
        return (
            history.objects.filter(
                self._report_filter(), status=Status.RETURNED, history_type="~",
                round__period_end__gte=self.year_start, round__period_end__lte=self.year_end,
            )
            .values("round__plan_id", "task_id", "unit_id").annotate(n=Count("history_id")).order_by()
            .values_list("round__plan_id", "task_id", "unit_id", "n")
        )

    # ---- targets

    def compute_targets(self, stored_derived: StoredDerived):
        """Every target's result. A target split to lower committees counts the figures of their derived
        targets: computed in this pass when they are in it, otherwise read by ``stored_derived``."""
        chain, targets, iso = self.chain, self.targets, self._iso
        own = rules.latest_figures(self.figures, chain)
        unit_shares, committee_shares = rules.split_shares(self.allocations, chain)
        if committee_shares:
            stored_derived.expect(targets[t].task_id for t in committee_shares)
        derived = defaultdict(list)  # (parent task, indicator, committee) → the derived targets in this pass
        for t in targets.values():
            if t.parent_task_id is not None:
                derived[(t.parent_task_id, t.indicator, self.plans[t.plan_id].committee_id)].append(t.id)
        results = {}

        def result_of(target_id):
            if target_id in results:
                return results[target_id]
            t = targets[target_id]
            results[target_id] = None  # guards against a cycle in bad data
            committee_figures = {}
            for committee_id in committee_shares.get(target_id, {}):
                subs = (result_of(d) for d in derived.get((t.task_id, t.indicator, committee_id), ()))
                figure = rules.combined_figure(
                    rules.Figure(sub.outcome.reached, sub.outcome.as_of)
                    for sub in subs if sub is not None and sub.outcome.has_data)
                if figure is None:
                    figure = stored_derived(t, committee_id)
                if figure is not None:
                    committee_figures[committee_id] = figure
            plan = self.plans[t.plan_id]
            outcome = rules.target_outcome(
                t.terms, plan.start, plan.end, own.get(target_id, {}), committee_figures=committee_figures,
                unit_shares=unit_shares.get(target_id), committee_shares=committee_shares.get(target_id),
                assigned=self.assigned.get(t.task_id, ()), iso=iso, tolerance=plan.tolerance)
            results[target_id] = TargetResult(target_id, t.task_id, t.plan_id, t.ambiguous, outcome)
            return results[target_id]

        for target_id in targets:
            result_of(target_id)
        self.target_results = results
        return results

    # ---- tasks and units

    def compute_tasks(self):
        current = self.chain.current
        by_task = defaultdict(list)  # task → its targets' outcomes, but those awaiting confirmation
        for result in self.target_results.values():
            if not result.ambiguous:
                by_task[result.task_id].append(result.outcome)
        reported = defaultdict(dict)  # task → current unit → latest accepted period end
        accepted_in_year = defaultdict(int)
        for stats in self.stats:
            accepted_in_year[stats.task_id] += stats.accepted_in_year
            if stats.accepted:
                unit = current(stats.unit_id)
                known = reported[stats.task_id].get(unit)
                reported[stats.task_id][unit] = max(known, stats.last_accepted) if known else stats.last_accepted
        results = {}
        for task_id, plan_id in self.tasks.items():
            outcome = rules.task_outcome(by_task.get(task_id, ()), self.assigned.get(task_id, frozenset()),
                                         reported.get(task_id, {}), self.plans[plan_id].end)
            results[task_id] = TaskResult(task_id, plan_id, outcome, accepted_in_year.get(task_id, 0))
        self.task_results = results
        return results

    def compute_units(self):
        current = self.chain.current
        results = {}

        def row(plan_id, unit_id):
            key = (plan_id, current(unit_id))
            if key not in results:
                results[key] = UnitResult(plan_id, key[1])
            return results[key]

        wanted = None if self.scope is None else {current(u) for u in self.scope.unit_ids}
        for stats in self.stats:
            if wanted is not None and current(stats.unit_id) not in wanted:
                continue
            r = row(stats.plan_id, stats.unit_id)
            r.expected += stats.expected
            r.submitted += stats.submitted
            r.on_time += stats.on_time
            r.accepted += stats.accepted_in_year
        for plan_id, _task_id, unit_id, returns in self.returns:
            if wanted is not None and current(unit_id) not in wanted:
                continue
            row(plan_id, unit_id).returns += returns
        if self.full:  # every assigned unit has a row, even without reports yet
            for task_id, unit_id in self.assignments:
                row(self.tasks[task_id], unit_id)
        self.unit_results = results
        return results


class StoredDerived:
    """The stored figures of lower committees' derived targets, for targets split to those committees
    whose derived targets are not computed in the same pass: read in one query on first use."""

    def __init__(self, year):
        self.year = year
        self.pending, self.loaded, self.cache = set(), set(), {}

    def expect(self, task_ids):
        self.pending |= set(task_ids) - self.loaded

    def __call__(self, target: TargetRow, committee_id) -> rules.Figure | None:
        """What ``committee_id``'s targets derived from ``target`` reached (summed), as stored."""
        if target.task_id not in self.loaded:
            self.pending.add(target.task_id)
        if self.pending:
            self.loaded |= self.pending
            rows = (TargetRollup.objects.filter(year=self.year, target__task__parent_id__in=self.pending)
                    .exclude(status=TargetStatus.NO_DATA)
                    .values_list("target__task__parent_id", "target__indicator", "plan__committee_id", "reached",
                                 "as_of"))
            self.pending = set()
            found = defaultdict(list)
            for parent_task_id, indicator, committee, reached, as_of in rows:
                found[(parent_task_id, indicator, committee)].append(rules.Figure(reached, as_of))
            for key, figures in found.items():
                self.cache[key] = rules.combined_figure(figures)
        return self.cache.get((target.task_id, target.indicator, committee_id))


# ---------------------------------------------------------------- writing

class StoredTarget(NamedTuple):
    """The computed columns of a ``TargetRollup`` row (like every stored row: the plan, then the key)."""
    plan_id: int
    target_id: int
    task_id: int
    reached: Decimal
    ratio: Decimal | None
    projection: Decimal | None
    status: str
    as_of: datetime.date | None
    contributors: list
    expected: Decimal | None


class StoredTask(NamedTuple):
    plan_id: int
    task_id: int
    status: str
    ratio: Decimal | None
    projection: Decimal | None
    targets_total: int
    targets_reached: int
    targets_with_data: int
    units_assigned: int
    units_reported: int
    reports_accepted: int
    as_of: datetime.date | None


class StoredUnit(NamedTuple):
    plan_id: int
    unit_id: int
    reports_expected: int
    reports_submitted: int
    reports_on_time: int
    reports_accepted: int
    returns: int
    on_time_rate: Decimal | None
    completeness: Decimal | None


ROW_HEAD = ("plan_id", "year", "generation", "computed_at", "checksum")
UPDATE_CHUNK = 2000


def _checksum(row) -> int:
    """A stable 64-bit digest of a row's values (equal values, equal digest — in any process).

    Taken from the plain tuple's repr, not the named tuple's, so that it stays the digest of the rows
    already stored (a repr is also quicker to make than the row's COPY text, which only new rows need)."""
    return int.from_bytes(hashlib.blake2b(tuple.__repr__(row).encode(), digest_size=8).digest(), "big", signed=True)


def _existing(year, plan_ids, scope: Scope | None = None, target_ids=()):
    """{model: {(plan id, key): (row id, checksum)}} of the stored rows a write may replace — one query."""
    targets = TargetRollup.objects.filter(plan_id__in=plan_ids, year=year)
    tasks = TaskRollup.objects.filter(plan_id__in=plan_ids, year=year)
    units = UnitRollup.objects.filter(plan_id__in=plan_ids, year=year)
    if scope is not None:
        targets = targets.filter(target_id__in=target_ids)
        tasks = tasks.filter(task_id__in=scope.task_ids)
        units = units.filter(unit_id__in=scope.unit_ids)
    parts = [qs.annotate(kind=Value(kind)).values_list("id", "plan_id", key, "checksum", "kind").order_by()
             for kind, (qs, key) in enumerate(((targets, "target_id"), (tasks, "task_id"), (units, "unit_id")))]
    found = {TargetRollup: {}, TaskRollup: {}, UnitRollup: {}}
    models_by_kind = (TargetRollup, TaskRollup, UnitRollup)
    for row_id, plan_id, key, digest, kind in parts[0].union(parts[1], parts[2], all=True):
        found[models_by_kind[kind]][(plan_id, key)] = (row_id, digest)
    return found


def _inserter(model, columns, year, generations, now):
    """A function inserting new rows of ``model`` from (row, digest) pairs, returning how many. On
    PostgreSQL the rows are made into COPY text as they stream (the database stores a batch while the
    next is made), the columns every row of a plan shares made once."""
    def head(row, digest):
        return row.plan_id, year, generations[row.plan_id], now, digest

    if connection.vendor != "postgresql":
        return lambda pairs: bulk_insert(model, columns, ((*head(row, digest), *row[1:]) for row, digest in pairs))
    text_of, head_of = copy_formatter(model, columns[len(ROW_HEAD):]), copy_formatter(model, ROW_HEAD[:-1])
    heads = {}  # plan → its rows' first columns as COPY text (all but the digest)

    def lines(pairs):
        for row, digest in pairs:
            shared = heads.get(row.plan_id)
            if shared is None:
                shared = heads[row.plan_id] = head_of(head(row, digest)[:-1])
            yield f"{shared}\t{digest}\t{text_of(row[1:])}"

    return lambda pairs: copy_lines(model, columns, lines(pairs))


def _sync(model, row_type, existing, rows, year, generations, now):
    """Make the stored rows equal ``rows``, of ``row_type`` (a named tuple of the model's columns,
    the plan and the key first).

    Rows whose digest did not change are left alone (they keep the generation that
    computed them; ``RollupRun`` says when the plan-year was last checked), changed ones
    are updated in place, new ones inserted, vanished ones deleted — so a nightly run after
    the day's incremental runs writes almost nothing, and one UPDATE serves an incremental run.
    """
    columns = row_type._fields[1:]
    insert = _inserter(model, (*ROW_HEAD, *columns), year, generations, now)
    if not existing:  # nothing stored: every row is new, digested as it streams to the database
        return insert((row, _checksum(row)) for row in rows)
    fresh, changed = [], []
    for row in rows:
        digest = _checksum(row)
        plan_id = row.plan_id
        known = existing.pop(row[:2], None)  # (plan id, key)
        if known is None:
            fresh.append((row, digest))
        else:
            row_id, stored_digest = known
            if stored_digest != digest:
                changed.append((row_id, generations[plan_id], now, digest, *row[2:]))
    stale = [row_id for row_id, _digest in existing.values()]
    for start in range(0, len(stale), 5000):
        model.objects.filter(id__in=stale[start:start + 5000]).delete()
    for start in range(0, len(changed), UPDATE_CHUNK):
        bulk_update_rows(model, ("generation", "computed_at", "checksum", *columns[1:]),
                         changed[start:start + UPDATE_CHUNK])
    if fresh:
        insert(fresh)
    return len(fresh) + len(changed)


def _write_rows(year, generations, now, pass_: _Pass):
    """Store the pass's results: every row of its plans (full) or only those of its scope."""
    existing = _existing(year, list(pass_.plans), pass_.scope, list(pass_.targets) if pass_.scope else ())
    targets = [
        StoredTarget(r.plan_id, r.target_id, r.task_id, o.reached, o.ratio, o.projection,
                     STORED_TARGET_STATUS[o.status], o.as_of, o.contributors, o.expected)
        for r in pass_.target_results.values() for o in (r.outcome,)
    ]
    written = _sync(TargetRollup, StoredTarget, existing[TargetRollup], targets, year, generations, now)
    tasks = [
        StoredTask(r.plan_id, r.task_id, STORED_TASK_STATUS[o.status], o.ratio, o.projection, o.targets_total,
                   o.targets_reached, o.targets_with_data, o.units_assigned, o.units_reported, r.reports_accepted,
                   o.as_of)
        for r in pass_.task_results.values() for o in (r.outcome,)
    ]
    written += _sync(TaskRollup, StoredTask, existing[TaskRollup], tasks, year, generations, now)
    units = [
        StoredUnit(r.plan_id, r.unit_id, r.expected, r.submitted, r.on_time, r.accepted, r.returns,
                   rules.rate(r.on_time, r.expected), rules.rate(r.accepted, r.expected))
        for r in pass_.unit_results.values()
    ]
    written += _sync(UnitRollup, StoredUnit, existing[UnitRollup], units, year, generations, now)
    return written


PLAN_TOTALS = ("tasks_total", "tasks_not_started", "tasks_on_track", "tasks_behind", "tasks_at_risk", "tasks_done",
               "targets_total", "targets_reached", "targets_with_data", "reports_expected", "reports_on_time",
               "reports_accepted", "returns")


def _totals_from_results(pass_):
    totals = {plan_id: dict.fromkeys(PLAN_TOTALS, 0) | {"as_of": None} for plan_id in pass_.plans}
    for r in pass_.task_results.values():
        t, as_of = totals[r.plan_id], r.outcome.as_of
        t["tasks_total"] += 1
        t[f"tasks_{r.outcome.status}"] += 1
        if as_of and (t["as_of"] is None or as_of > t["as_of"]):
            t["as_of"] = as_of
    for r in pass_.target_results.values():
        if r.ambiguous:
            continue
        t = totals[r.plan_id]
        t["targets_total"] += 1
        t["targets_reached"] += r.outcome.status == rules.TargetState.REACHED
        t["targets_with_data"] += r.outcome.has_data
    for r in pass_.unit_results.values():
        t = totals[r.plan_id]
        t["reports_expected"] += r.expected
        t["reports_on_time"] += r.on_time
        t["reports_accepted"] += r.accepted
        t["returns"] += r.returns
    return totals


def _totals_from_rows(plan_id, year):
    """A plan's totals read back from its stored rows (after an incremental write): three aggregates."""
    by_status = {f"tasks_{s}": Count("id", filter=Q(status=s)) for s in TaskStatus.values}
    totals = TaskRollup.objects.filter(plan_id=plan_id, year=year).aggregate(
        tasks_total=Count("id"), as_of=Max("as_of"), targets_total=Sum("targets_total"),
        targets_reached=Sum("targets_reached"), targets_with_data=Sum("targets_with_data"), **by_status)
    for name in ("targets_total", "targets_reached", "targets_with_data"):
        totals[name] = totals[name] or 0
    units = UnitRollup.objects.filter(plan_id=plan_id, year=year).aggregate(
        e=Sum("reports_expected"), o=Sum("reports_on_time"), a=Sum("reports_accepted"), r=Sum("returns"))
    totals.update(reports_expected=units["e"] or 0, reports_on_time=units["o"] or 0,
                  reports_accepted=units["a"] or 0, returns=units["r"] or 0)
    return totals


def _stamp_runs(runs, totals, kind, now, started):
    duration = int((time.monotonic() - started) * 1000)
    for run in runs:
        for name, value in totals[run.plan_id].items():
            setattr(run, name, value)
        run.kind, run.computed_at, run.duration_ms = kind, now, min(duration, 2**31 - 1)
    columns = ["generation", "kind", "computed_at", "duration_ms", "as_of", *PLAN_TOTALS]
    bulk_update_rows(RollupRun, columns, [(run.pk, *(getattr(run, c) for c in columns)) for run in runs])


COMMITTEE_SUMS = ("tasks_total", "tasks_not_started", "tasks_on_track", "tasks_behind", "tasks_at_risk", "tasks_done",
                  "targets_total", "targets_reached", "reports_expected", "reports_on_time", "reports_accepted", "returns")


def _committee_rollups(year, committee_ids, now):
    """Recompute the committees' own and tree rollups (and their ancestors') from the stored plan totals."""
    parents = dict(Committee.objects.values_list("id", "parent_id").order_by())
    affected = set()
    for committee_id in committee_ids:
        node, seen = committee_id, set()
        while node is not None and node not in seen:
            seen.add(node)
            affected.add(node)
            node = parents.get(node)
    if not affected:
        return 0
    children = defaultdict(list)
    for child, parent in parents.items():
        if parent is not None:
            children[parent].append(child)
    # Lock the rows (creating the missing ones) in a fixed order: concurrent runs wait instead of racing.
    locked = CommitteeRollup.objects.select_for_update().filter(year=year, committee_id__in=affected) \
        .order_by("committee_id", "scope")
    rows = list(locked)
    if len(rows) < 2 * len(affected):
        have = {(r.committee_id, r.scope) for r in rows}
        CommitteeRollup.objects.bulk_create(
            [CommitteeRollup(committee_id=c, year=year, scope=s) for c in sorted(affected) for s in ("own", "tree")
             if (c, s) not in have], ignore_conflicts=True)
        rows = list(locked.all())
    own = defaultdict(lambda: dict.fromkeys(COMMITTEE_SUMS, 0) | {"plans": 0})
    sums = {name: Sum(name) for name in COMMITTEE_SUMS}
    for row in (RollupRun.objects.filter(year=year, computed_at__isnull=False)
                .values("plan__committee_id").annotate(plans=Count("id"), **sums).order_by()):
        own[row["plan__committee_id"]] = {name: row[name] or 0 for name in (*COMMITTEE_SUMS, "plans")}

    def tree(node, seen):
        total = dict(own[node]) | {"committees": 1}
        for child in children.get(node, ()):
            if child not in seen:
                seen.add(child)
                sub = tree(child, seen)
                for name, value in sub.items():
                    total[name] += value
        return total

    for row in rows:
        figures = dict(own[row.committee_id]) | {"committees": 1} if row.scope == "own" \
            else tree(row.committee_id, {row.committee_id})
        for name, value in figures.items():
            setattr(row, name, value)
        row.on_time_rate = rules.rate(figures["reports_on_time"], figures["reports_expected"])
        row.completeness = rules.rate(figures["reports_accepted"], figures["reports_expected"])
        row.generation += 1
        row.computed_at = now
    columns = ["committees", "plans", *COMMITTEE_SUMS, "on_time_rate", "completeness", "generation", "computed_at"]
    bulk_update_rows(CommitteeRollup, columns, [(row.pk, *(getattr(row, c) for c in columns)) for row in rows])
    return len(rows)


# ---------------------------------------------------------------- entry points

PLAN_COLUMNS = ("id", "committee_id", "parent_id", "period_start", "period_end", "pace_tolerance")


def _plan_infos(qs):
    return {
        pid: PlanInfo(pid, committee_id, parent_id, *rules.plan_period(start, end), tolerance or Decimal(0))
        for pid, committee_id, parent_id, start, end, tolerance in qs.values_list(*PLAN_COLUMNS).order_by()
    }


def _relax_commit():
    """A roll-up is derived data that the next run recomputes: its commit need not wait for
    the WAL to reach the disk (a crash could lose the latest roll-up, never corrupt it)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _lock_runs(plan_ids, year):
    """Lock the plan-years' run rows in id order, creating missing ones (one roll-up writer per plan-year)."""
    _relax_commit()
    locked = RollupRun.objects.select_for_update().filter(plan_id__in=plan_ids, year=year).order_by("id")
    runs = list(locked)
    if len(runs) < len(set(plan_ids)):
        RollupRun.objects.bulk_create([RollupRun(plan_id=p, year=year) for p in plan_ids], ignore_conflicts=True)
        runs = list(locked.all())
    return runs


def _run_pass(plans: dict[int, PlanInfo], year: int, runs, now, started, scope: Scope | None = None,
              unit_chain: UnitChain | None = None) -> _Pass:
    """One pass, the only one there is: compute the plans' roll-up for ``year`` (all of it, or ``scope``),
    store it and stamp the plans' ``runs`` (locked by the caller) with the plans' totals."""
    for run in runs:
        run.generation += 1
    pass_ = _Pass(plans, year, scope)
    pass_.load(unit_chain)
    pass_.compute_targets(StoredDerived(year))
    pass_.compute_tasks()
    pass_.compute_units()
    _write_rows(year, {run.plan_id: run.generation for run in runs}, now, pass_)
    if scope is None:
        _stamp_runs(runs, _totals_from_results(pass_), RollupRun.Kind.FULL, now, started)
    else:  # the rows outside the scope are stored, not in the pass: the totals come from the table
        totals = {run.plan_id: _totals_from_rows(run.plan_id, year) for run in runs}
        _stamp_runs(runs, totals, RollupRun.Kind.INCREMENTAL, now, started)
    return pass_


def _roll_up(plans: dict[int, PlanInfo], year: int, locked, now, started, *, ancestry=(), scope=None,
             unit_chain=None) -> _Pass:
    """What every entry point does once its runs are locked: the pass over ``plans``, then the targets of
    the plans above (``ancestry``: the plan and its ancestors, nearest first) that count its figures,
    then the rollups of the committees whose numbers changed."""
    pass_ = _run_pass(plans, year, [run for run in locked if run.plan_id in plans], now, started, scope, unit_chain)
    committees = {p.committee_id for p in plans.values()}
    committees |= _propagate_up(ancestry, year, pass_.task_results.keys(), now, locked)
    _committee_rollups(year, committees, now)
    return pass_


def recompute_year(year: int, *, committee_ids=None) -> dict:
    """Full roll-up of every published plan covering ``year`` (of the given committees and all below them)."""
    plans = WorkPlan.objects.for_year(year).filter(status__in=PLAN_STATUSES)
    if committee_ids is not None:
        scope = set(committee_ids) | descendant_committee_ids(committee_ids)
        plans = plans.filter(committee_id__in=scope)
    return _full(_plan_infos(plans), year)


def recompute_plan(plan_id: int, year: int | None = None) -> dict:
    """Full roll-up of one plan for one year (default: this year, within the plan's period).

    Targets of the plans above that are split to this committee are updated too.
    """
    plan = WorkPlan.objects.filter(pk=plan_id).first()
    if plan is None:
        return {"plans": 0}
    year = year or plan.current_year()
    if not plan.period_start <= year <= plan.period_end:
        return {"plans": 0, "year": year}
    start, end = rules.plan_period(plan.period_start, plan.period_end)
    info = PlanInfo(plan.pk, plan.committee_id, plan.parent_id, start, end, plan.pace_tolerance)
    return _full({plan.pk: info}, year, ancestry=_covering(_ancestry(info), year))


def _sort_memory():
    """A full pass sorts every accepted figure of the year to find each unit's latest (110,000 rows for a
    province): give this transaction's sorts room in memory (``LUOSHI_ROLLUP_WORK_MEM``) instead of
    PostgreSQL's 4 MB default, which spills that sort to disk. Nothing else changes."""
    work_mem = settings.LUOSHI_ROLLUP_WORK_MEM
    if work_mem and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('work_mem', %s, true)", [work_mem])  # true: this transaction only


@contextmanager
def _without_gc():
    """A full pass allocates a few hundred thousand short-lived, acyclic objects; in a worker with a
    large heap the cyclic collector would walk that heap again and again meanwhile. Pause it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _full(plans: dict[int, PlanInfo], year: int, ancestry=()) -> dict:
    if not plans:
        return {"plans": 0, "year": year}
    started = time.monotonic()
    with _without_gc(), transaction.atomic():
        _sort_memory()
        locked = _lock_runs(sorted(set(plans) | {p.id for p in ancestry}), year)
        pass_ = _roll_up(plans, year, locked, timezone.now(), started, ancestry=ancestry)
    return {"plans": len(plans), "year": year, "targets": len(pass_.target_results),
            "tasks": len(pass_.task_results), "units": len(pass_.unit_results)}


def _ancestry(plan: PlanInfo):
    """The plan and the plans it derives from, nearest first (no query for a plan without parent)."""
    ancestry, seen = [plan], {plan.id}
    node = plan.parent_id
    while node is not None and node not in seen:
        seen.add(node)
        info = _plan_infos(WorkPlan.objects.filter(pk=node)).get(node)
        if info is None:
            break
        ancestry.append(info)
        node = info.parent_id
    return ancestry


def _covering(ancestry, year):
    """The plan and those of the plans above it that cover ``year``."""
    return [p for i, p in enumerate(ancestry) if i == 0 or p.start.year <= year <= p.end.year]


def _propagate_up(ancestry, year: int, task_ids, now, locked) -> set:
    """Recompute the tasks of the plans above whose targets are split to the committee below, level by level.

    ``ancestry`` is the plan and its ancestors (their runs are already locked, in ``locked``).
    Returns the committees whose rollups changed.
    """
    runs = {run.plan_id: run for run in locked}
    committees = set()
    for below, parent in zip(ancestry, ancestry[1:], strict=False):
        started = time.monotonic()
        affected = frozenset(
            Allocation.objects.filter(committee_id=below.committee_id, target__task__plan_id=parent.id,
                                      target__task__subtasks__id__in=task_ids)
            .values_list("target__task_id", flat=True)
        ) if task_ids else frozenset()
        run = runs.get(parent.id)
        if not affected or run is None or run.computed_at is None:
            return committees  # nothing split to this committee, or never rolled up (the full run will)
        _run_pass({parent.id: parent}, year, [run], now, started, Scope(task_ids=affected, unit_ids=frozenset()))
        committees.add(parent.committee_id)
        task_ids = affected
    return committees


def ensure_rolled_up(plan_ids, year: int) -> list[int]:
    """Roll up those of ``plan_ids`` that have never been rolled up for ``year``; returns them."""
    computed = set(RollupRun.objects.filter(plan_id__in=plan_ids, year=year, computed_at__isnull=False)
                   .values_list("plan_id", flat=True))
    missing = [plan_id for plan_id in plan_ids if plan_id not in computed]
    for plan_id in missing:
        recompute_plan(plan_id, year)
    return missing


def recompute_for_report(report_id: int) -> dict:
    """Incremental roll-up after ``report_id`` was accepted (or reopened): only what it touches.

    Falls back to the full roll-up of the plan when the plan-year was never rolled up.
    """
    found = (ProgressReport.objects.filter(pk=report_id)
             .values_list("round__period_end", "task_id", "unit_id", *(f"round__plan__{c}" for c in PLAN_COLUMNS))
             .first())
    if found is None:
        return {"plans": 0}
    period_end, task_id, unit_id, plan_id, committee_id, parent_id, start, end, tolerance = found
    plan = PlanInfo(plan_id, committee_id, parent_id, *rules.plan_period(start, end), tolerance)
    ancestry = _ancestry(plan)
    first_year = min(max(period_end.year, start), end)
    with transaction.atomic():
        _relax_commit()
        # The plan-years this report counts in (its year and, for a multi-year plan, the later
        # ones), with the runs of the plans above, locked in id order like every roll-up.
        runs = list(RollupRun.objects.select_for_update()
                    .filter(plan_id__in=[p.id for p in ancestry], year__gte=first_year, year__lte=end).order_by("id"))
        years = sorted({r.year for r in runs if r.plan_id == plan_id and r.computed_at is not None})
        if years:
            unit_chain = unit_chain_of([committee_id])
            scope = Scope(task_ids=frozenset({task_id}), unit_ids=frozenset(unit_chain.members(unit_id)))
        for year in years:
            started = time.monotonic()
            _roll_up({plan_id: plan}, year, [r for r in runs if r.year == year], timezone.now(), started,
                     ancestry=_covering(ancestry, year), scope=scope, unit_chain=unit_chain)
    if not years:  # never rolled up: the plan's first roll-up is a full one
        return recompute_plan(plan_id, first_year)
    return {"plans": 1, "years": years, "task": task_id, "unit": unit_id}


def years_to_refresh(today=None):
    """The nightly run refreshes this year, and last year too in the first quarter (year-end reports arrive then)."""
    today = today or timezone.localdate()
    return [today.year - 1, today.year] if today.month <= 3 else [today.year]
