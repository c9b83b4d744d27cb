"""Roll-ups: what each target, task, unit and committee has reached in a plan's year.

Two entry points, both idempotent and safe to retry (the Celery jobs in ``reports.jobs``
call them):

* ``recompute_for_report(report_id)`` — incremental, after a report is accepted: only the
  report's task (its targets), the report's unit, the plan's totals, the targets above
  that count this committee's figures, and the committee rollups up the hierarchy;
* ``recompute_plan(plan_id)`` / ``recompute_year(year)`` — full: every plan of the year
  in set-based queries (one query per kind of fact, whatever the number of plans), then
  one bulk write (COPY on PostgreSQL).

Each write happens in one transaction that first locks the plan-years' ``RollupRun``
rows (in id order), so roll-ups of one plan never interleave and a worker killed midway
leaves the previous roll-up readable; the next run simply computes everything again.

The rules (also in README, "Roll-up"):

* **figure reached** of a target = the sum over units of each unit's *latest accepted*
  cumulative figure (latest by the round's period end). Reports that are returned,
  reopened or waiting do not count. A renamed unit (机构改革) and its successor count
  as one unit: the latest figure of either. Where the target is split (allocations),
  only the allocation holders count, each with its latest figure; a holder that is a
  lower committee contributes the figure its derived target (a task of a plan of that
  committee whose parent task is this one, same indicator) has reached.
* **ratio**: reached ÷ target value; for a split target (or one every unit must reach,
  ``per_unit``) Σ min(figure, share) ÷ Σ share, so surplus in one share never hides a
  shortfall in another. For "不超过" targets it is the share of the ceiling used.
* **projection** of attainment at the end of the plan period from the pace so far:
  ratio ÷ share of the period elapsed at the latest counted period end (percentages are
  levels, not cumulative, so their projection is the ratio itself).
* **status** of a target: reached; on track (projection ≥ 1); behind (≥ 0.8); at risk;
  no data. "不超过" targets: at risk once the ceiling is exceeded, reached when the final
  period is in and the ceiling held, otherwise on track or behind by projection.
* **task**: not started (nothing accepted), done (every target reached; without targets:
  every assigned unit's final-period report accepted), otherwise the worst of its
  targets (a target without figures counts as behind); traffic light green / yellow /
  red / grey, always shown with its text.
* **unit** (per plan and year): reports expected (due date passed — a unit's extension
  counts — or already submitted), submitted, on time (submitted on or before the due
  date, Beijing time), accepted, returns (each return to the unit, from the history);
  on-time rate and completeness (accepted ÷ expected).
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
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, FilteredRelation, Max, Q, Sum, Value, Window
from django.db.models.functions import Coalesce, RowNumber, TruncDate
from django.utils import timezone

from core.bulk import bulk_insert, bulk_update_rows
from reports.models import ProgressReport, TargetValue
from targets.models import Allocation, Target
from tasks.models import Assignment, Task, WorkPlan
from units.models import Committee, Unit
from units.selectors import descendant_committee_ids

from .models import CommitteeRollup, RollupRun, TargetRollup, TargetStatus, TaskRollup, TaskStatus, UnitRollup

logger = logging.getLogger(__name__)

Status = ProgressReport.Status
ZERO, ONE = Decimal(0), Decimal(1)
BEHIND_FROM = Decimal("0.8")  # projection in [0.8, 1) → behind; below → at risk
RATIO_CAP = Decimal("9999999999")
PLACES = Decimal("0.0001")
TASK_SEVERITY = [TaskStatus.AT_RISK, TaskStatus.BEHIND, TaskStatus.ON_TRACK]
PLAN_STATUSES = (WorkPlan.Status.PUBLISHED, WorkPlan.Status.CLOSED)


# ---------------------------------------------------------------- small helpers

def _q(value):
    """A ratio rounded to 4 places and bounded so that it fits the column."""
    if value is None:
        return None
    return min(value, RATIO_CAP).quantize(PLACES, rounding=ROUND_HALF_UP)


def _fmt(value):
    """A Decimal as plain text without trailing zeros (5600, 12.5), for the stored contributor list."""
    if value is None:
        return None
    text = str(value)  # figures come from the database with a fixed scale: never in exponent form
    if "E" in text:
        text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _rate(part, whole):
    return _q(Decimal(part) / Decimal(whole)) if whole else None


def plan_period(period_start: int, period_end: int):
    """First and last day of a plan's period (a one-year plan: 1 January to 31 December)."""
    return datetime.date(period_start, 1, 1), datetime.date(period_end, 12, 31)


def elapsed_share(start, end, as_of):
    """Share of the period [start, end] elapsed at the end of day ``as_of`` (between 1/len and 1)."""
    total = (end - start).days + 1
    done = (min(max(as_of, start), end) - start).days + 1
    return Decimal(done) / Decimal(total)


@dataclass
class PlanInfo:
    id: int
    committee_id: int
    parent_id: int | None
    start: datetime.date
    end: datetime.date


@dataclass
class TargetResult:
    target_id: int
    task_id: int
    plan_id: int
    ambiguous: bool
    comparator: str
    reached: Decimal = ZERO
    ratio: Decimal | None = None
    projection: Decimal | None = None
    status: str = TargetStatus.NO_DATA
    as_of: datetime.date | None = None
    contributors: list = field(default_factory=list)

    @property
    def has_data(self):
        return self.status != TargetStatus.NO_DATA


@dataclass
class TaskResult:
    task_id: int
    plan_id: int
    status: str = TaskStatus.NOT_STARTED
    ratio: Decimal | None = None
    projection: Decimal | None = None
    targets_total: int = 0
    targets_reached: int = 0
    targets_with_data: int = 0
    units_assigned: int = 0
    units_reported: int = 0
    reports_accepted: int = 0
    as_of: datetime.date | None = None


@dataclass
class UnitResult:
    plan_id: int
    unit_id: int
    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    accepted: int = 0
    returns: int = 0


class UnitChain:
    """Renamed units (机构改革) count for the unit that carries their duties today."""

    def __init__(self, rows):
        """``rows``: (unit id, successor id) of the renamed units (the others are their own current unit)."""
        self.successor = dict(rows)
        self._current = {}

    @classmethod
    def of_committees(cls, committee_ids):
        return cls(Unit.objects.filter(committee_id__in=committee_ids, successor__isnull=False)
                   .values_list("id", "successor_id").order_by())

    def current(self, unit_id):
        if unit_id not in self.successor:
            return unit_id
        found = self._current.get(unit_id)
        if found is not None:
            return found
        seen, unit = {unit_id}, unit_id
        while self.successor.get(unit) and self.successor[unit] not in seen:
            unit = self.successor[unit]
            seen.add(unit)
        self._current[unit_id] = unit
        return unit

    def members(self, unit_id):
        """The unit today and every unit whose duties passed to it."""
        current = self.current(unit_id)
        return {u for u in self.successor if self.current(u) == current} | {current}


# ---------------------------------------------------------------- one computation pass

class _Pass:
    """Compute the roll-up of some plans for one year, optionally limited to tasks and units.

    ``task_ids``/``unit_ids`` (incremental) limit which targets, tasks and units are
    computed; ``None`` means all of the plans'.
    """

    def __init__(self, plans: dict[int, PlanInfo], year: int, *, task_ids=None, unit_ids=None, today=None):
        self.plans = plans
        self.year = year
        self.year_start, self.year_end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        self.task_ids = None if task_ids is None else set(task_ids)
        self.unit_ids = None if unit_ids is None else set(unit_ids)
        self.full = task_ids is None and unit_ids is None
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

    def load(self, chain: UnitChain | None = None, tasks: dict | None = None):
        """Read everything the pass needs; ``tasks`` ({task id: plan id}) saves a query when the caller knows them."""
        plan_ids = list(self.plans)
        task_ids = self.task_ids
        limited_tasks = task_ids is not None
        if tasks is None:
            qs = Task.objects.filter(plan_id__in=plan_ids)
            if limited_tasks:
                qs = qs.filter(id__in=task_ids)
            tasks = dict(qs.values_list("id", "plan_id").order_by()) if (self.full or limited_tasks) else {}
        self.tasks = tasks

        targets = Target.objects.filter(task__plan_id__in=plan_ids)
        if limited_tasks or not self.full:
            targets = targets.filter(task_id__in=task_ids or ())
        # Targets and their allocations in one query (a target appears once per allocation).
        self.targets, self.allocations, seen = [], [], set()
        for *target, unit_id, committee_id, share in targets.values_list(
            "id", "task_id", "task__plan_id", "value", "comparator", "per_unit", "ambiguous", "measure_unit",
            "indicator", "task__parent_id", "allocations__unit_id", "allocations__committee_id", "allocations__value",
        ).order_by():
            if target[0] not in seen:
                seen.add(target[0])
                self.targets.append(tuple(target))
            if share is not None:
                self.allocations.append((target[0], unit_id, committee_id, share))
        target_ids = [t[0] for t in self.targets]

        assignments = Assignment.objects.filter(task__plan_id__in=plan_ids)
        if not self.full:
            assignments = assignments.filter(task_id__in=task_ids or ())
        self.assignments = list(assignments.values_list("task_id", "unit_id").order_by())

        self.chain = chain or UnitChain.of_committees({p.committee_id for p in self.plans.values()})
        self.figures = list(self._latest_figures()) if target_ids or self.full else []
        self.stats = list(self._report_stats())
        self.returns = [] if self.unit_ids == set() else list(self._returns())

    def _report_filter(self, prefix=""):
        q = Q(**{f"{prefix}round__plan_id__in": list(self.plans)})
        if not self.full:
            q &= Q(**{f"{prefix}task_id__in": self.task_ids or ()}) | Q(**{f"{prefix}unit_id__in": self.unit_ids or ()})
        return q

    def _latest_figures(self):
        """(target, unit, value, period end) of each unit's latest accepted figure for each target."""
        qs = TargetValue.objects.filter(
            report__round__plan_id__in=list(self.plans), report__status=Status.ACCEPTED,
            report__round__period_end__lte=self.year_end,
        )
        if not self.full:
            qs = qs.filter(report__task_id__in=self.task_ids or ())
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

    def compute_targets(self, derived_lookup=None):
        """Every target's result. ``derived_lookup(target_meta, committee_id)`` → (figure, as_of) or None
        gives the stored figure of a lower committee's derived target when it is not in this pass."""
        chain = self.chain
        meta = {t[0]: t for t in self.targets}
        own = defaultdict(dict)  # target → current unit → (figure, as_of)
        for target_id, unit_id, value, period_end in self.figures:
            key = chain.current(unit_id)
            known = own[target_id].get(key)
            if known is None or period_end > known[1]:
                own[target_id][key] = (value, period_end)
        unit_shares, committee_shares = defaultdict(dict), defaultdict(dict)
        for target_id, unit_id, committee_id, value in self.allocations:
            if unit_id is not None:
                key = chain.current(unit_id)
                unit_shares[target_id][key] = unit_shares[target_id].get(key, ZERO) + value
            else:
                committee_shares[target_id][committee_id] = value
        assigned = defaultdict(set)
        for task_id, unit_id in self.assignments:
            assigned[task_id].add(chain.current(unit_id))
        # Derived targets in this pass: (parent task, indicator, committee) → [target ids]
        if derived_lookup is not None and committee_shares:
            derived_lookup.expect(meta[t][1] for t in committee_shares)
        derived = defaultdict(list)
        for t in self.targets:
            if t[9] is not None:
                derived[(t[9], t[8], self.plans[t[2]].committee_id)].append(t[0])
        results = {}

        def final(target_id):
            if target_id in results:
                return results[target_id]
            t = meta[target_id]
            contributions = dict(own.get(target_id, {}))
            results[target_id] = None  # guards against a cycle in bad data
            committee_figures = {}
            for committee_id in committee_shares.get(target_id, {}):
                figure, as_of, found = ZERO, None, False
                for derived_id in derived.get((t[1], t[8], committee_id), ()):
                    sub = final(derived_id)
                    if sub is not None and sub.has_data:
                        figure += sub.reached
                        as_of = max(as_of, sub.as_of) if as_of else sub.as_of
                        found = True
                if not found and derived_lookup is not None:
                    stored = derived_lookup(t, committee_id)
                    if stored is not None:
                        figure, as_of = stored
                        found = True
                if found:
                    committee_figures[committee_id] = (figure, as_of)
            results[target_id] = self._target_result(
                t, contributions, committee_figures, unit_shares.get(target_id, {}),
                committee_shares.get(target_id, {}), assigned.get(t[1], set()),
            )
            return results[target_id]

        for target_id in meta:
            final(target_id)
        self.target_results = results
        return results

    def _target_result(self, t, own, committee_figures, unit_shares, committee_shares, assigned):
        target_id, task_id, plan_id, value, comparator, per_unit, ambiguous, measure_unit = t[:8]
        plan = self.plans[plan_id]
        result = TargetResult(target_id, task_id, plan_id, ambiguous, comparator)
        split = bool(unit_shares or committee_shares)
        holders = None  # (kind, id) → share; None: every unit counts, no shares
        if split:
            holders = {("unit", u): s for u, s in unit_shares.items()}
            holders.update({("committee", c): s for c, s in committee_shares.items()})
            if per_unit:
                holders = dict.fromkeys(holders, value)
        elif per_unit:
            holders = {("unit", u): value for u in assigned}
        reached, as_of, counted_any = ZERO, None, False
        capped, share_total = ZERO, ZERO
        contributors = []
        iso = self._iso
        if holders is None and not committee_figures:  # the common case: every unit's figure counts
            for unit, (figure, period_end) in sorted(own.items()):
                reached += figure
                if as_of is None or period_end > as_of:
                    as_of = period_end
                contributors.append(["u", unit, _fmt(figure), None, iso(period_end), True])
            counted_any = bool(contributors)
        else:
            figures = {("unit", u): fa for u, fa in own.items()}
            figures.update({("committee", c): fa for c, fa in committee_figures.items()})
            keys = list(holders) if holders is not None else []
            keys += [k for k in figures if holders is None or k not in holders]
            for key in keys:
                figure, period_end = figures.get(key, (None, None))
                counted = holders is None or key in holders
                share = holders.get(key) if holders is not None else None
                if counted and figure is not None:
                    reached += figure
                    as_of = max(as_of, period_end) if as_of else period_end
                    counted_any = True
                if share is not None:
                    share_total += share
                    if figure is not None:
                        capped += min(figure, share)
                kind, ident = key
                contributors.append([kind[0], ident, _fmt(figure), _fmt(share), iso(period_end), counted])
            contributors.sort(key=lambda c: (c[0], c[1]))
        result.contributors = contributors
        result.reached = reached
        if not counted_any:
            return result
        result.as_of = as_of
        percent = measure_unit.strip() == "%"
        elapsed = ONE if percent else elapsed_share(plan.start, plan.end, as_of)
        if comparator == Target.Comparator.AT_MOST:
            result.ratio = _q(reached / value) if value else (ZERO if not reached else RATIO_CAP)
            projected = reached / elapsed
            result.projection = _q(projected / value) if value else (ZERO if not projected else RATIO_CAP)
            if reached > value:
                result.status = TargetStatus.AT_RISK
            elif as_of >= plan.end:
                result.status = TargetStatus.REACHED
            elif projected <= value:
                result.status = TargetStatus.ON_TRACK
            else:
                result.status = TargetStatus.BEHIND
            return result
        if holders is not None:
            ratio = capped / share_total if share_total else ONE
        else:
            ratio = reached / value if value else ONE
        result.ratio = _q(ratio)
        result.projection = _q(ratio / elapsed)
        if ratio >= ONE:
            result.status = TargetStatus.REACHED
        elif ratio / elapsed >= ONE:
            result.status = TargetStatus.ON_TRACK
        elif ratio / elapsed >= BEHIND_FROM:
            result.status = TargetStatus.BEHIND
        else:
            result.status = TargetStatus.AT_RISK
        return result

    # ---- tasks and units

    def compute_tasks(self):
        chain = self.chain
        by_task = defaultdict(list)
        for result in self.target_results.values():
            by_task[result.task_id].append(result)
        assigned = defaultdict(set)
        for task_id, unit_id in self.assignments:
            assigned[task_id].add(chain.current(unit_id))
        reported = defaultdict(dict)  # task → current unit → latest accepted period end
        accepted_year = defaultdict(int)
        for _plan, task_id, unit_id, _e, _s, _o, acc_year, accepted, last in self.stats:
            accepted_year[task_id] += acc_year
            if accepted:
                key = chain.current(unit_id)
                known = reported[task_id].get(key)
                reported[task_id][key] = max(known, last) if known else last
        results = {}
        for task_id, plan_id in self.tasks.items():
            plan = self.plans[plan_id]
            targets = [r for r in by_task.get(task_id, ()) if not r.ambiguous]
            units = assigned.get(task_id, set())
            done_units = reported.get(task_id, {})
            result = TaskResult(task_id, plan_id, targets_total=len(targets), units_assigned=len(units),
                                units_reported=len(done_units), reports_accepted=accepted_year.get(task_id, 0))
            result.targets_reached = sum(1 for r in targets if r.status == TargetStatus.REACHED)
            result.targets_with_data = sum(1 for r in targets if r.has_data)
            dates = [r.as_of for r in targets if r.as_of] + list(done_units.values())
            result.as_of = max(dates) if dates else None
            progress = [r for r in targets if r.has_data and r.comparator != Target.Comparator.AT_MOST]
            if progress:
                result.ratio = min(r.ratio for r in progress)
                result.projection = min(r.projection for r in progress)
            if not done_units and not any(r.has_data for r in targets):
                result.status = TaskStatus.NOT_STARTED
            elif targets:
                statuses = {r.status for r in targets}
                if statuses == {TargetStatus.REACHED}:
                    result.status = TaskStatus.DONE
                elif TargetStatus.AT_RISK in statuses:
                    result.status = TaskStatus.AT_RISK
                elif TargetStatus.BEHIND in statuses or TargetStatus.NO_DATA in statuses:
                    result.status = TaskStatus.BEHIND
                else:
                    result.status = TaskStatus.ON_TRACK
            elif units and all(done_units.get(u) and done_units[u] >= plan.end for u in units):
                result.status = TaskStatus.DONE
            elif units <= set(done_units):
                result.status = TaskStatus.ON_TRACK
            else:
                result.status = TaskStatus.BEHIND
            results[task_id] = result
        self.task_results = results
        return results

    def compute_units(self):
        chain = self.chain
        results = {}

        def row(plan_id, unit_id):
            key = (plan_id, chain.current(unit_id))
            if key not in results:
                results[key] = UnitResult(plan_id, key[1])
            return results[key]

        wanted = None if self.unit_ids is None else {chain.current(u) for u in self.unit_ids}
        for plan_id, _task, unit_id, expected, submitted, on_time, accepted_year, _acc, _last in self.stats:
            if wanted is not None and chain.current(unit_id) not in wanted:
                continue
            r = row(plan_id, unit_id)
            r.expected += expected
            r.submitted += submitted
            r.on_time += on_time
            r.accepted += accepted_year
        for plan_id, _task, unit_id, n in self.returns:
            if wanted is not None and chain.current(unit_id) not in wanted:
                continue
            row(plan_id, unit_id).returns += n
        if self.full:
            for task_id, unit_id in self.assignments:
                row(self.tasks[task_id], unit_id)
        self.unit_results = results
        return results


# ---------------------------------------------------------------- writing

ROW_HEAD = ("plan_id", "year", "generation", "computed_at", "checksum")
TARGET_VALUES = ("target_id", "task_id", "reached", "ratio", "projection", "status", "as_of", "contributors")
TASK_VALUES = ("task_id", "status", "ratio", "projection", "targets_total", "targets_reached", "targets_with_data",
               "units_assigned", "units_reported", "reports_accepted", "as_of")
UNIT_VALUES = ("unit_id", "reports_expected", "reports_submitted", "reports_on_time", "reports_accepted", "returns",
               "on_time_rate", "completeness")
UPDATE_CHUNK = 2000


def _checksum(row) -> int:
    """A stable 64-bit digest of a row's values (equal values, equal digest — in any process)."""
    return int.from_bytes(hashlib.blake2b(repr(row).encode(), digest_size=8).digest(), "big", signed=True)


def _existing(year, plan_ids, target_filter=None, task_filter=None, unit_filter=None):
    """{model: {(plan id, key): (row id, checksum)}} of the stored rows a write may replace — one query."""
    targets = TargetRollup.objects.filter(plan_id__in=plan_ids, year=year)
    tasks = TaskRollup.objects.filter(plan_id__in=plan_ids, year=year)
    units = UnitRollup.objects.filter(plan_id__in=plan_ids, year=year)
    if target_filter is not None:
        targets = targets.filter(target_id__in=target_filter)
        tasks = tasks.filter(task_id__in=task_filter)
        units = units.filter(unit_id__in=unit_filter)
    parts = [qs.annotate(kind=Value(kind)).values_list("id", "plan_id", key, "checksum", "kind").order_by()
             for kind, (qs, key) in enumerate(((targets, "target_id"), (tasks, "task_id"), (units, "unit_id")))]
    found = {TargetRollup: {}, TaskRollup: {}, UnitRollup: {}}
    models_by_kind = (TargetRollup, TaskRollup, UnitRollup)
    for row_id, plan_id, key, digest, kind in parts[0].union(parts[1], parts[2], all=True):
        found[models_by_kind[kind]][(plan_id, key)] = (row_id, digest)
    return found


def _sync(model, existing, columns, rows, year, generations, now):
    """Make the stored rows equal ``rows``: tuples (plan id, key, …values) in ``columns`` order (key first).

    Rows whose digest did not change are left alone (they keep the generation that
    computed them; ``RollupRun`` says when the plan-year was last checked), changed ones
    are updated in place, new ones inserted, vanished ones deleted — so a nightly run after
    the day's incremental runs writes almost nothing, and one UPDATE serves an incremental run.
    """
    fresh, changed = [], []
    for row in rows:
        digest = _checksum(row)
        known = existing.pop(row[:2], None)
        if known is None:
            fresh.append((row[0], year, generations[row[0]], now, digest, *row[1:]))
        elif known[1] != digest:
            changed.append((known[0], generations[row[0]], now, digest, *row[2:]))
    stale = [row_id for row_id, _digest in existing.values()]
    for start in range(0, len(stale), 5000):
        model.objects.filter(id__in=stale[start:start + 5000]).delete()
    for start in range(0, len(changed), UPDATE_CHUNK):
        bulk_update_rows(model, ("generation", "computed_at", "checksum", *columns[1:]),
                         changed[start:start + UPDATE_CHUNK])
    if fresh:
        bulk_insert(model, (*ROW_HEAD, *columns), fresh)
    return len(fresh) + len(changed)


def _write_rows(year, generations, now, pass_, *, target_filter=None, task_filter=None, unit_filter=None):
    """Store the pass's results: every row of its plans (full) or only the given targets, tasks and units."""
    existing = _existing(year, list(pass_.plans), target_filter, task_filter, unit_filter)
    written = _sync(TargetRollup, existing[TargetRollup], TARGET_VALUES, [
        (r.plan_id, r.target_id, r.task_id, r.reached, r.ratio, r.projection, r.status, r.as_of, r.contributors)
        for r in pass_.target_results.values()
    ], year, generations, now)
    written += _sync(TaskRollup, existing[TaskRollup], TASK_VALUES, [
        (r.plan_id, r.task_id, r.status, r.ratio, r.projection, r.targets_total, r.targets_reached,
         r.targets_with_data, r.units_assigned, r.units_reported, r.reports_accepted, r.as_of)
        for r in pass_.task_results.values()
    ], year, generations, now)
    if pass_.unit_results is not None:
        written += _sync(UnitRollup, existing[UnitRollup], UNIT_VALUES, [
            (r.plan_id, r.unit_id, r.expected, r.submitted, r.on_time, r.accepted, r.returns,
             _rate(r.on_time, r.expected), _rate(r.accepted, r.expected))
            for r in pass_.unit_results.values()
        ], year, generations, now)
    return written


PLAN_TOTALS = ("tasks_total", "tasks_not_started", "tasks_on_track", "tasks_behind", "tasks_at_risk", "tasks_done",
               "targets_total", "targets_reached", "targets_with_data", "reports_expected", "reports_on_time",
               "reports_accepted", "returns")


def _totals_from_results(pass_):
    totals = {plan_id: dict.fromkeys(PLAN_TOTALS, 0) | {"as_of": None} for plan_id in pass_.plans}
    for r in pass_.task_results.values():
        t = totals[r.plan_id]
        t["tasks_total"] += 1
        t[f"tasks_{r.status}"] += 1
        if r.as_of and (t["as_of"] is None or r.as_of > t["as_of"]):
            t["as_of"] = r.as_of
    for r in pass_.target_results.values():
        if r.ambiguous:
            continue
        t = totals[r.plan_id]
        t["targets_total"] += 1
        t["targets_reached"] += r.status == TargetStatus.REACHED
        t["targets_with_data"] += r.has_data
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
        row.on_time_rate = _rate(figures["reports_on_time"], figures["reports_expected"])
        row.completeness = _rate(figures["reports_accepted"], figures["reports_expected"])
        row.generation += 1
        row.computed_at = now
    columns = ["committees", "plans", *COMMITTEE_SUMS, "on_time_rate", "completeness", "generation", "computed_at"]
    bulk_update_rows(CommitteeRollup, columns, [(row.pk, *(getattr(row, c) for c in columns)) for row in rows])
    return len(rows)


# ---------------------------------------------------------------- entry points

PLAN_COLUMNS = ("id", "committee_id", "parent_id", "period_start", "period_end")


def _plan_infos(qs):
    return {
        pid: PlanInfo(pid, committee_id, parent_id, *plan_period(start, end))
        for pid, committee_id, parent_id, start, end in qs.values_list(*PLAN_COLUMNS).order_by()
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


class StoredDerived:
    """The stored figures of lower committees' derived targets, for targets split to those committees
    whose derived targets are not computed in the same pass: read in one query on first use."""

    def __init__(self, year):
        self.year = year
        self.pending, self.loaded, self.cache = set(), set(), {}

    def expect(self, task_ids):
        self.pending |= set(task_ids) - self.loaded

    def __call__(self, target_meta, committee_id):
        task_id, indicator = target_meta[1], target_meta[8]
        if task_id not in self.loaded:
            self.pending.add(task_id)
        if self.pending:
            self.loaded |= self.pending
            rows = (TargetRollup.objects.filter(year=self.year, target__task__parent_id__in=self.pending)
                    .exclude(status=TargetStatus.NO_DATA)
                    .values_list("target__task__parent_id", "target__indicator", "plan__committee_id", "reached",
                                 "as_of"))
            self.pending = set()
            for parent, name, committee, reached, as_of in rows:
                known = self.cache.get((parent, name, committee))
                self.cache[(parent, name, committee)] = (reached, as_of) if known is None else (
                    known[0] + reached, max(known[1], as_of))
        return self.cache.get((task_id, indicator, committee_id))


def _stored_derived_lookup(year):
    return StoredDerived(year)


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
    info = PlanInfo(plan.pk, plan.committee_id, plan.parent_id, *plan_period(plan.period_start, plan.period_end))
    return _full({plan.pk: info}, year, chain=_plan_chain(info, year))


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


def _full(plans: dict[int, PlanInfo], year: int, chain=None) -> dict:
    if not plans:
        return {"plans": 0, "year": year}
    started = time.monotonic()
    with _without_gc(), transaction.atomic():
        locked = _lock_runs(sorted(set(plans) | {p.id for p in chain or ()}), year)
        runs = [run for run in locked if run.plan_id in plans]
        now = timezone.now()
        for run in runs:
            run.generation += 1
        generations = {run.plan_id: run.generation for run in runs}
        pass_ = _Pass(plans, year)
        pass_.load()
        pass_.compute_targets(derived_lookup=_stored_derived_lookup(year))
        pass_.compute_tasks()
        pass_.compute_units()
        _write_rows(year, generations, now, pass_)
        _stamp_runs(runs, _totals_from_results(pass_), RollupRun.Kind.FULL, now, started)
        committees = {p.committee_id for p in plans.values()}
        if chain:  # a single plan: the targets above that count this committee's figures
            committees |= _propagate_up(chain, year, set(pass_.task_results), now, locked)
        _committee_rollups(year, committees, now)
    return {"plans": len(plans), "year": year, "targets": len(pass_.target_results),
            "tasks": len(pass_.task_results), "units": len(pass_.unit_results)}


def _ancestry(plan: PlanInfo):
    """The plan and the plans it derives from, nearest first (no query for a plan without parent)."""
    chain, seen = [plan], {plan.id}
    node = plan.parent_id
    while node is not None and node not in seen:
        seen.add(node)
        info = _plan_infos(WorkPlan.objects.filter(pk=node)).get(node)
        if info is None:
            break
        chain.append(info)
        node = info.parent_id
    return chain


def _covering(chain, year):
    return [p for i, p in enumerate(chain) if i == 0 or p.start.year <= year <= p.end.year]


def _plan_chain(plan: PlanInfo, year):
    """The plan and the plans it derives from (nearest first) that cover ``year``."""
    return _covering(_ancestry(plan), year)


def _propagate_up(chain, year: int, task_ids, now, locked) -> set:
    """Recompute the tasks of the plans above whose targets are split to the committee below, level by level.

    ``chain`` is the plan and its ancestors (their runs are already locked, in ``locked``).
    Returns the committees whose rollups changed.
    """
    runs = {run.plan_id: run for run in locked}
    committees = set()
    for below, parent in zip(chain, chain[1:], strict=False):
        affected = set(
            Allocation.objects.filter(committee_id=below.committee_id, target__task__plan_id=parent.id,
                                      target__task__subtasks__id__in=task_ids)
            .values_list("target__task_id", flat=True)
        ) if task_ids else set()
        run = runs.get(parent.id)
        if not affected or run is None or run.computed_at is None:
            return committees  # nothing split to this committee, or never rolled up (the full run will)
        run.generation += 1
        pass_ = _Pass({parent.id: parent}, year, task_ids=affected, unit_ids=set())
        pass_.load(tasks=dict.fromkeys(affected, parent.id))
        pass_.compute_targets(derived_lookup=_stored_derived_lookup(year))
        pass_.compute_tasks()
        pass_.unit_results = None
        _write_rows(year, {parent.id: run.generation}, now, pass_,
                    target_filter=[t[0] for t in pass_.targets], task_filter=affected, unit_filter=[])
        _stamp_runs([run], {parent.id: _totals_from_rows(parent.id, year)}, RollupRun.Kind.INCREMENTAL, now,
                    time.monotonic())
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
    period_end, task_id, unit_id, plan_id, committee_id, parent_id, start, end = found
    plan = PlanInfo(plan_id, committee_id, parent_id, *plan_period(start, end))
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
            unit_chain = UnitChain.of_committees([committee_id])
            members = unit_chain.members(unit_id)
        for year in years:
            started = time.monotonic()
            chain = _covering(ancestry, year)
            locked = [r for r in runs if r.year == year]
            run = next(r for r in locked if r.plan_id == plan_id)
            now = timezone.now()
            run.generation += 1
            pass_ = _Pass({plan_id: plan}, year, task_ids={task_id}, unit_ids=members)
            pass_.load(chain=unit_chain, tasks={task_id: plan_id})
            pass_.compute_targets(derived_lookup=_stored_derived_lookup(year))
            pass_.compute_tasks()
            pass_.compute_units()
            _write_rows(year, {plan_id: run.generation}, now, pass_, target_filter=[t[0] for t in pass_.targets],
                        task_filter=[task_id], unit_filter=members)
            _stamp_runs([run], {plan_id: _totals_from_rows(plan_id, year)}, RollupRun.Kind.INCREMENTAL, now, started)
            committees = {committee_id} | _propagate_up(chain, year, {task_id}, now, locked)
            _committee_rollups(year, committees, now)
    if not years:  # never rolled up: the plan's first roll-up is a full one
        return recompute_plan(plan_id, first_year)
    return {"plans": 1, "years": years, "task": task_id, "unit": unit_id}


def years_to_refresh(today=None):
    """The nightly run refreshes this year, and last year too in the first quarter (year-end reports arrive then)."""
    today = today or timezone.localdate()
    return [today.year - 1, today.year] if today.month <= 3 else [today.year]
