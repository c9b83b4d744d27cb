"""The roll-up's rules: pure functions, facts in, results out.

Nothing here touches the database or Django, so every rule is tested from tables of cases
(``tests/rollups/test_rules.py``); ``rollups.engine`` reads the facts in set-based queries,
calls these rules and stores what they return.

* **figure reached** of a target = the sum over units of each unit's *latest accepted*
  cumulative figure (latest by the round's period end). A renamed unit (机构改革) and its
  successor count as one unit (``UnitChain``): the latest figure of either, their shares
  added up. Where the target is split (allocations), only the allocation holders count,
  each with its latest figure; a holder that is a lower committee contributes the sum of
  what its derived targets reached.
* **ratio**: reached ÷ target value; for a split target (or one every unit must reach,
  ``per_unit``) Σ min(figure, share) ÷ Σ share, so surplus in one share never hides a
  shortfall in another. A target of zero is reached. For "不超过" targets (a ceiling) it
  is the share of the ceiling used.
* **projection** of attainment at the end of the plan period from the pace so far:
  ratio ÷ share of the period elapsed at the latest counted period end (percentages are
  levels, not cumulative, so their projection is the ratio itself).
* **序时进度** (expected progress) of a target at a day: the share of its plan period elapsed
  (linear, the default) or, when the office set per-period weights for the target (e.g. 1,1,1,3
  for 就业 figures that come in Q4), the weights of the periods elapsed ÷ all the weights, the
  current period counted pro rata by days (``expected_share``).
* **status** of a target: reached; on track when its ratio is at most the plan's tolerance below
  序时进度 at the latest counted period end; otherwise 进度滞后 (lagging): behind (yellow) while
  ratio ÷ 序时进度 ≥ ``BEHIND_FROM``, at risk (red) below — so a red target turns yellow, then
  green, as soon as its shortfall is made up (``pace_status``); no data (no counted figure). "不超过" targets: at risk once the ceiling is
  exceeded, reached when the final period is in and the ceiling held, otherwise on track
  or behind by projection.
* **task**: not started (nothing accepted), done (every target reached; without targets:
  every assigned unit's final-period report accepted), otherwise the worst of its targets
  (a target without figures counts as behind).
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

ZERO, ONE = Decimal(0), Decimal(1)
BEHIND_FROM = Decimal("0.8")  # projection in [0.8, 1) → behind; below → at risk
RATIO_CAP = Decimal("9999999999")  # the largest ratio the columns hold (14 digits, 4 of them decimal places)
PLACES = Decimal("0.0001")
AT_LEAST, AT_MOST = ">=", "<="  # comparators as targets.models.Target.Comparator spells them; "<=" is 不超过
PERCENT = "%"


class TargetState:
    """A target's status, spelled as ``rollups.models.TargetStatus`` stores it."""
    NO_DATA = "no_data"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    AT_RISK = "at_risk"
    REACHED = "reached"


class TaskState:
    """A task's status, spelled as ``rollups.models.TaskStatus`` stores it."""
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    AT_RISK = "at_risk"
    DONE = "done"


class Figure(NamedTuple):
    """A cumulative figure and the end of the period it was reported for."""
    value: Decimal
    as_of: datetime.date


class Allocation(NamedTuple):
    """A share of a split target held by a unit or by a lower committee (one of the two ids is set)."""
    target_id: int
    unit_id: int | None
    committee_id: int | None
    share: Decimal


class TargetTerms(NamedTuple):
    """What a target asks for."""
    value: Decimal
    comparator: str = AT_LEAST
    per_unit: bool = False  # every unit (or every holder of a share) must reach the whole value
    measure_unit: str = ""
    weights: tuple = ()  # per-period weights of the 序时进度 curve (empty: linear over the plan period)

    @property
    def ceiling(self):
        return self.comparator == AT_MOST

    @property
    def percent(self):
        return self.measure_unit.strip() == PERCENT


@dataclass(slots=True)
class TargetOutcome:
    """What a target has reached. ``contributors`` is the stored list shown under the target:
    ``[kind ("u" unit, "c" committee), id, figure, share, period end, counted]``, figures as text."""
    reached: Decimal
    ratio: Decimal | None
    projection: Decimal | None
    status: str
    as_of: datetime.date | None
    contributors: list
    ceiling: bool = False  # a "不超过" target: its ratio is the share of the ceiling used, not progress
    expected: Decimal | None = None  # 序时进度 at ``as_of`` (rounded), none without data

    @property
    def has_data(self):
        return self.status != TargetState.NO_DATA


@dataclass(slots=True)
class TaskOutcome:
    status: str
    ratio: Decimal | None
    projection: Decimal | None
    targets_total: int
    targets_reached: int
    targets_with_data: int
    units_assigned: int
    units_reported: int
    as_of: datetime.date | None


# ---------------------------------------------------------------- numbers

def rounded_ratio(value):
    """A ratio rounded to 4 places and capped so that it fits the column."""
    if value is None:
        return None
    return min(value, RATIO_CAP).quantize(PLACES, rounding=ROUND_HALF_UP)


def rate(part, whole):
    """``part`` ÷ ``whole`` as a stored ratio (on-time rate, completeness); none when nothing was expected."""
    return rounded_ratio(Decimal(part) / Decimal(whole)) if whole else None


def plain_number(value):
    """A Decimal as plain text without trailing zeros (5600, 12.5), for the stored contributor list."""
    if value is None:
        return None
    text = str(value)  # figures come from the database with a fixed scale: never in exponent form
    if "E" in text:
        text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def iso_day(day):
    """A day as stored in the contributor list (yyyy-mm-dd), none for none."""
    return None if day is None else day.isoformat()


# ---------------------------------------------------------------- periods

def plan_period(period_start: int, period_end: int):
    """First and last day of a plan's period (a one-year plan: 1 January to 31 December)."""
    return datetime.date(period_start, 1, 1), datetime.date(period_end, 12, 31)


def elapsed_share(start, end, as_of):
    """Share of the period [start, end] elapsed at the end of day ``as_of`` (between 1/len and 1)."""
    total = (end - start).days + 1
    done = (min(max(as_of, start), end) - start).days + 1
    return Decimal(done) / Decimal(total)


def _month_start(start, months):
    """The first day of the month ``months`` months after ``start``'s month."""
    index = start.month - 1 + months
    return datetime.date(start.year + index // 12, index % 12 + 1, 1)


def clean_weights(raw) -> tuple:
    """Per-period weights as Decimals: () (linear) for none, an empty list, or weights that are not all
    numbers ≥ 0 with a positive sum."""
    if not raw:
        return ()
    try:
        weights = tuple(Decimal(str(w)) for w in raw)
    except (ArithmeticError, ValueError, TypeError):
        return ()
    if any(not w.is_finite() or w < 0 for w in weights) or sum(weights) <= 0:
        return ()
    return weights


def expected_share(start, end, as_of, weights=()):
    """序时进度: the share of a target expected done at the end of day ``as_of`` in the period [start, end].

    Linear (the share of days elapsed) without ``weights``; with n weights the period (whole months
    from ``start``, the first of a month) is cut into n equal runs of months — 4 weights over one year
    are the quarters — and the expected share is the weights of the runs elapsed, the current run
    counted pro rata by days, ÷ the sum of the weights.
    """
    weights = clean_weights(weights)
    if not weights:
        return elapsed_share(start, end, as_of)
    n, total = len(weights), sum(weights)
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if months < n or start.day != 1:
        return elapsed_share(start, end, as_of)
    done = ZERO
    for i, weight in enumerate(weights):
        run_start = _month_start(start, months * i // n)
        run_end = end if i == n - 1 else _month_start(start, months * (i + 1) // n) - datetime.timedelta(days=1)
        if as_of >= run_end:
            done += weight
        else:
            if as_of >= run_start:
                done += weight * elapsed_share(run_start, run_end, as_of)
            break
    return done / total


def is_lagging(ratio, expected, tolerance=ZERO):
    """进度滞后: below 序时进度 by more than ``tolerance`` (a share, e.g. 0.05 for 5 points) and not reached."""
    return ratio < ONE and ratio < expected - tolerance


def pace_status(ratio, expected, tolerance=ZERO):
    """Status of a target to reach from its ratio and its 序时进度: reached; on track unless lagging;
    lagging is behind (yellow) while ratio ÷ 序时进度 ≥ ``BEHIND_FROM``, else at risk (red)."""
    if ratio >= ONE:
        return TargetState.REACHED
    if not is_lagging(ratio, expected, tolerance):
        return TargetState.ON_TRACK
    if expected and ratio / expected >= BEHIND_FROM:
        return TargetState.BEHIND
    return TargetState.AT_RISK


# ---------------------------------------------------------------- renamed units

class UnitChain:
    """Renamed units (机构改革) count for the unit that carries their duties today."""

    def __init__(self, rows: Iterable[tuple[int, int]] = ()):
        """``rows``: (unit id, successor id) of the renamed units (the others are their own current unit)."""
        self.successor = dict(rows)
        self._current = {}

    def current(self, unit_id):
        if unit_id not in self.successor:
            return unit_id
        found = self._current.get(unit_id)
        if found is not None:
            return found
        seen, unit = {unit_id}, unit_id
        while self.successor.get(unit) and self.successor[unit] not in seen:  # a cycle in bad data ends the walk
            unit = self.successor[unit]
            seen.add(unit)
        self._current[unit_id] = unit
        return unit

    def members(self, unit_id):
        """The unit today and every unit whose duties passed to it."""
        current = self.current(unit_id)
        return {u for u in self.successor if self.current(u) == current} | {current}


def latest_figures(rows: Iterable[tuple[int, int, Decimal, datetime.date]], chain: UnitChain):
    """{target: {current unit: Figure}} from (target, unit, value, period end) rows, each unit's latest
    figure per target: a renamed unit and its successor count once, with the later of their figures."""
    latest = defaultdict(dict)
    current = chain.current
    for target_id, unit_id, value, period_end in rows:
        by_unit = latest[target_id]
        unit = current(unit_id)
        known = by_unit.get(unit)
        if known is None or period_end > known.as_of:
            by_unit[unit] = Figure(value, period_end)
    return latest


def split_shares(allocations: Iterable[Allocation], chain: UnitChain):
    """({target: {current unit: share}}, {target: {committee: share}}): the shares of a renamed unit
    and of its successor add up (both were allocated before the reform)."""
    unit_shares, committee_shares = defaultdict(dict), defaultdict(dict)
    for target_id, unit_id, committee_id, share in allocations:
        if unit_id is not None:
            unit = chain.current(unit_id)
            shares = unit_shares[target_id]
            shares[unit] = shares.get(unit, ZERO) + share
        else:
            committee_shares[target_id][committee_id] = share
    return unit_shares, committee_shares


def combined_figure(figures: Iterable[Figure]) -> Figure | None:
    """A lower committee's figure for the target split to it: the sum of what its derived targets
    (with data) reached, as of the latest of them; none when none of them has data."""
    total, as_of, found = ZERO, None, False
    for value, day in figures:
        total += value
        as_of = max(as_of, day) if as_of else day
        found = True
    return Figure(total, as_of) if found else None


# ---------------------------------------------------------------- targets

def holders_of(terms: TargetTerms, unit_shares: Mapping[int, Decimal], committee_shares: Mapping[int, Decimal],
               assigned: Collection[int]):
    """Who counts for a target and with what share: {("unit" | "committee", id): share}.

    None when every unit's figure counts and there are no shares (a target neither split nor per unit).
    A per-unit target asks the whole value of each holder (of each assigned unit when not split).
    """
    if unit_shares or committee_shares:
        holders = {("unit", u): s for u, s in unit_shares.items()}
        holders.update({("committee", c): s for c, s in committee_shares.items()})
        return dict.fromkeys(holders, terms.value) if terms.per_unit else holders
    if terms.per_unit:
        return {("unit", u): terms.value for u in assigned}
    return None


def ceiling_attainment(reached, ceiling, elapsed, final_period_in):
    """(ratio, projection, status) of a "不超过" target: the share of the ceiling used now and at this pace."""
    projected = reached / elapsed
    ratio = rounded_ratio(reached / ceiling) if ceiling else (ZERO if not reached else RATIO_CAP)
    projection = rounded_ratio(projected / ceiling) if ceiling else (ZERO if not projected else RATIO_CAP)
    return ratio, projection, ceiling_status(reached, ceiling, projected, final_period_in)


def ceiling_status(reached, ceiling, projected, final_period_in):
    """A "不超过" target is at risk once exceeded, reached when it held to the final period, otherwise
    on track while the pace stays under the ceiling."""
    if reached > ceiling:
        return TargetState.AT_RISK
    if final_period_in:
        return TargetState.REACHED
    if projected <= ceiling:
        return TargetState.ON_TRACK
    return TargetState.BEHIND


def progress_status(ratio, projection):
    """Status of a target to reach, from its (unrounded) ratio and projection to the period's end."""
    if ratio >= ONE:
        return TargetState.REACHED
    if projection >= ONE:
        return TargetState.ON_TRACK
    if projection >= BEHIND_FROM:
        return TargetState.BEHIND
    return TargetState.AT_RISK


def target_outcome(terms: TargetTerms, start: datetime.date, end: datetime.date, own: Mapping[int, Figure], *,
                   committee_figures: Mapping[int, Figure] | None = None,
                   unit_shares: Mapping[int, Decimal] | None = None,
                   committee_shares: Mapping[int, Decimal] | None = None,
                   assigned: Collection[int] = (),
                   iso: Callable[[datetime.date | None], str | None] = None,
                   tolerance: Decimal = ZERO) -> TargetOutcome:
    """What a target of a plan running from ``start`` to ``end`` has reached.

    ``own``: each current unit's latest figure; ``committee_figures``: the figures of the lower
    committees holding a share; ``unit_shares``/``committee_shares``: the allocations (current units);
    ``assigned``: the task's current units; ``iso`` formats a day (the engine passes a cached one);
    ``tolerance``: how far below 序时进度 (a share) a target may be before it is 进度滞后.
    """
    committee_figures = committee_figures or {}
    iso = iso or iso_day
    holders = holders_of(terms, unit_shares or {}, committee_shares or {}, assigned)
    reached, as_of, counted_any = ZERO, None, False
    capped, share_total = ZERO, ZERO
    contributors = []
    if holders is None and not committee_figures:  # the common case: every unit's figure counts
        for unit, (figure, period_end) in sorted(own.items()):
            reached += figure
            if as_of is None or period_end > as_of:
                as_of = period_end
            contributors.append(["u", unit, plain_number(figure), None, iso(period_end), True])
        counted_any = bool(contributors)
    else:
        figures = {("unit", u): figure for u, figure in own.items()}
        figures.update({("committee", c): figure for c, figure in committee_figures.items()})
        keys = list(holders) if holders is not None else []
        keys += [k for k in figures if holders is None or k not in holders]
        for key in sorted(keys):  # ("committee", id) before ("unit", id), as the list is shown
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
            contributors.append([kind[0], ident, plain_number(figure), plain_number(share), iso(period_end),
                                 counted])
    ceiling = terms.ceiling
    if not counted_any:
        return TargetOutcome(reached, None, None, TargetState.NO_DATA, None, contributors, ceiling)
    elapsed = ONE if terms.percent else expected_share(start, end, as_of, terms.weights)
    expected = rounded_ratio(elapsed)
    if ceiling:
        ratio, projection, status = ceiling_attainment(reached, terms.value, elapsed or ONE, as_of >= end)
        return TargetOutcome(reached, ratio, projection, status, as_of, contributors, ceiling, expected)
    if holders is not None:
        ratio = capped / share_total if share_total else ONE
    else:
        ratio = reached / terms.value if terms.value else ONE
    projection = ratio / elapsed if elapsed else (ONE if ratio else ZERO)
    status = pace_status(ratio, elapsed, tolerance)
    return TargetOutcome(reached, rounded_ratio(ratio), rounded_ratio(projection), status, as_of, contributors,
                         ceiling, expected)


# ---------------------------------------------------------------- tasks

def task_outcome(targets: Collection[TargetOutcome], units: Collection[int], reported: Mapping[int, datetime.date],
                 end: datetime.date) -> TaskOutcome:
    """A task's status and progress.

    ``targets``: its targets' outcomes (not those awaiting confirmation); ``units``: its assigned units
    (current ones); ``reported``: current unit → the latest period end of its accepted reports;
    ``end``: the last day of the plan's period.
    """
    reached = with_data = 0
    statuses, dates, progress = set(), [], []
    for target in targets:
        statuses.add(target.status)
        reached += target.status == TargetState.REACHED
        if target.has_data:
            with_data += 1
            if not target.ceiling:  # the share of a ceiling used is no progress
                progress.append(target)
        if target.as_of:
            dates.append(target.as_of)
    dates.extend(reported.values())
    ratio = min(t.ratio for t in progress) if progress else None
    projection = min(t.projection for t in progress) if progress else None
    if not reported and not with_data:
        status = TaskState.NOT_STARTED
    elif targets:
        status = worst_status(statuses)
    elif units and all(reported.get(u) and reported[u] >= end for u in units):
        status = TaskState.DONE
    elif set(units) <= set(reported):
        status = TaskState.ON_TRACK
    else:
        status = TaskState.BEHIND
    return TaskOutcome(status, ratio, projection, len(targets), reached, with_data, len(units), len(reported),
                       max(dates) if dates else None)


def worst_status(target_statuses: Collection[str]) -> str:
    """A task's status from its targets': done when all are reached, else the worst (no data counts as behind)."""
    if set(target_statuses) == {TargetState.REACHED}:
        return TaskState.DONE
    if TargetState.AT_RISK in target_statuses:
        return TaskState.AT_RISK
    if TargetState.BEHIND in target_statuses or TargetState.NO_DATA in target_statuses:
        return TaskState.BEHIND
    return TaskState.ON_TRACK
