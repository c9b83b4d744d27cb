"""考核 rules as pure functions: facts in, points out. No ORM, no database.

A *subject* is a member unit (a renamed unit and its successor are one subject) or a lower
committee. Its facts are lines, each pointing at where it came from (``link``): reports with
their timeliness, returns, targets with their attainment, tasks, the office's entries.
``score`` turns one subject's facts into a card whose every point is a line; ``rank`` ranks
the cards (the same score shares a rank, the next rank skips) and gives each its band.

Items (``ItemSpec.kind``):

* ``timeliness`` — base ``points``, minus ``per_missing`` for each missing report and
  ``per_late`` for each late one, not below 0 ("按时报送 6分；缺报1次扣1分，迟报1次扣0.5分").
* ``completeness`` — ``points`` × accepted ÷ expected reports (no report expected: full points).
* ``returns`` — base ``points`` minus ``per_return`` for each return, not below 0.
* ``targets`` — ``points`` × Σ weight × min(attainment, 1) ÷ Σ weight over the subject's targets
  (a target without data attains 0; a 不超过 target attains 1 while within its ceiling).
* ``tasks`` — ``points`` × tasks done ÷ tasks (no task: full points).
* ``adjustments`` — the office's bonuses and deductions; bonuses together at most ``points``
  (0: no cap).

The total is the sum of the items, not below 0. Points are kept to 0.01 (half up); where the
lines of an item do not add up to its points by rounding, a line says so.

Lines are named tuples (a province holds tens of thousands of them). An item's points are computed from the facts' counts and sums; its lines (the same points, one
per report, return, target or task) are written when someone reads them — a card opened, the
annex, the API — not for every unit of a province ranked at once.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

ZERO, ONE = Decimal(0), Decimal(1)
CENT = Decimal("0.01")

TIMELINESS, COMPLETENESS, RETURNS, TARGETS, TASKS, ADJUSTMENTS = (
    "timeliness", "completeness", "returns", "targets", "tasks", "adjustments")
ON_TIME, LATE, MISSING, NOT_DUE = "on_time", "late", "missing", "not_due"
BANDS = ("excellent", "good", "fair", "poor")


def q(value) -> Decimal:
    return (value if type(value) is Decimal else Decimal(value)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ItemSpec:
    kind: str
    label: str
    points: Decimal
    per_missing: Decimal = ZERO
    per_late: Decimal = ZERO
    per_return: Decimal = ZERO


@dataclass(frozen=True)
class Bands:
    excellent_from: Decimal
    good_from: Decimal
    fair_from: Decimal

    def of(self, total: Decimal) -> str:
        if total >= self.excellent_from:
            return "excellent"
        if total >= self.good_from:
            return "good"
        if total >= self.fair_from:
            return "fair"
        return "poor"


class ReportLine(NamedTuple):
    """One report (or, for a lower committee, ``count`` reports) with its timeliness."""

    label: str
    link: str
    timeliness: str  # on_time / late / missing / not_due
    accepted: bool = False
    count: int = 1


class ReturnLine(NamedTuple):
    label: str
    link: str
    count: int = 1


class TargetLine(NamedTuple):
    label: str
    link: str
    ratio: Decimal | None  # None: no data
    weight: Decimal = ONE
    at_most: bool = False

    @property
    def attainment(self) -> Decimal:
        if self.ratio is None:
            return ZERO
        if self.at_most:
            return ONE if self.ratio <= ONE else ZERO
        return min(max(self.ratio, ZERO), ONE)


class TaskLine(NamedTuple):
    """A task led by the subject (``done`` 0 or 1), or a lower committee's tasks (``done`` of ``total``)."""

    label: str
    link: str
    done: int
    total: int = 1


class AdjustmentLine(NamedTuple):
    label: str
    link: str
    points: Decimal


@dataclass
class Facts:
    # ``reports``: what the points are computed from — a line per report, or per ``count`` alike reports
    # (same timeliness, accepted or not). ``report_details``, when given, returns the reports one by one
    # for the lines (read on demand: a province ranked at once never needs them).
    reports: list = field(default_factory=list)
    returns: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    tasks: list = field(default_factory=list)
    adjustments: list = field(default_factory=list)
    report_details: Callable[[], list] | None = field(default=None, repr=False)

    def reports_one_by_one(self) -> list:
        return self.reports if self.report_details is None else self.report_details()


class Line(NamedTuple):
    """One addition or deduction (``points`` signed) and where it came from."""

    text: str
    points: Decimal
    link: str = ""


@dataclass(eq=False)
class ItemScore:
    kind: str
    label: str
    max_points: Decimal
    points: Decimal
    line_source: list | Callable[[], list] = field(default_factory=list, repr=False)
    summary: str = ""

    @property
    def lines(self) -> list:
        """Every addition and deduction of the item; with ``max_points`` they add up to ``points``."""
        if callable(self.line_source):
            self.line_source = self.line_source()
        return self.line_source


@dataclass
class Card:
    key: str  # "u<id>" or "c<id>"
    name: str
    kind: str  # "unit" / "committee"
    items: list
    total: Decimal
    rank: int = 0
    band: str = ""
    link: str = ""


def _balance(lines, expected_sum):
    """Add a rounding line when the lines do not add up to ``expected_sum``."""
    if not lines and not expected_sum:
        return lines
    gap = expected_sum - sum((ln.points for ln in lines), ZERO)
    if gap:
        lines.append(Line("计算尾差（四舍五入到0.01分）", gap))
    return lines


FLOORED = "扣分超过本项分值，最低计0分"


def score_timeliness(spec: ItemSpec, facts: Facts) -> ItemScore:
    counts = {ON_TIME: 0, LATE: 0, MISSING: 0, NOT_DUE: 0}
    for r in facts.reports:
        counts[r.timeliness] += r.count
    raw = spec.points - spec.per_missing * counts[MISSING] - spec.per_late * counts[LATE]
    points = q(max(raw, ZERO))

    def lines():
        out = []
        for r in facts.reports_one_by_one():
            if r.timeliness == MISSING and spec.per_missing:
                out.append(Line(f"缺报{r.count}次：{r.label}" if r.count > 1 else f"缺报：{r.label}",
                                -spec.per_missing * r.count, r.link))
            elif r.timeliness == LATE and spec.per_late:
                out.append(Line(f"迟报{r.count}次：{r.label}" if r.count > 1 else f"迟报：{r.label}",
                                -spec.per_late * r.count, r.link))
        if raw < 0:
            out.append(Line(FLOORED, -raw))
        return _balance(out, points - spec.points)

    summary = (f"应报{counts[ON_TIME] + counts[LATE] + counts[MISSING]}次，按时{counts[ON_TIME]}次，"
               f"迟报{counts[LATE]}次，缺报{counts[MISSING]}次")
    return ItemScore(TIMELINESS, spec.label, spec.points, points, lines, summary)


def score_completeness(spec: ItemSpec, facts: Facts) -> ItemScore:
    n_expected = accepted = 0
    for r in facts.reports:
        if r.timeliness != NOT_DUE:
            n_expected += r.count
            if r.accepted:
                accepted += r.count
    if not n_expected:
        return ItemScore(COMPLETENESS, spec.label, spec.points, q(spec.points), [], "无应报报告，按满分计")
    points = q(spec.points * accepted / n_expected)

    def lines():
        out = [Line(f"未采纳：{r.label}", q(-spec.points * r.count / n_expected), r.link)
               for r in facts.reports_one_by_one() if r.timeliness != NOT_DUE and not r.accepted]
        return _balance(out, points - q(spec.points))

    return ItemScore(COMPLETENESS, spec.label, spec.points, points, lines, f"应报{n_expected}份，已采纳{accepted}份")


def score_returns(spec: ItemSpec, facts: Facts) -> ItemScore:
    returned = sum(r.count for r in facts.returns)
    raw = spec.points - spec.per_return * returned
    points = q(max(raw, ZERO))

    def lines():
        out = [Line(f"退回{r.count}次：{r.label}" if r.count > 1 else f"退回：{r.label}", -spec.per_return * r.count,
                    r.link) for r in facts.returns if spec.per_return and r.count]
        if raw < 0:
            out.append(Line(FLOORED, -raw))
        return _balance(out, points - spec.points)

    return ItemScore(RETURNS, spec.label, spec.points, points, lines, f"退回{returned}次")


def score_targets(spec: ItemSpec, facts: Facts) -> ItemScore:
    total_weight = attained = ZERO
    for t in facts.targets:
        if t.weight > 0:
            total_weight += t.weight
            attained += t.weight * t.attainment
    if not total_weight:
        return ItemScore(TARGETS, spec.label, spec.points, q(spec.points), [], "无考核目标，按满分计")
    points = q(spec.points * attained / total_weight)
    targets = [t for t in facts.targets if t.weight > 0]

    def lines():
        out = []
        for t in targets:
            if t.attainment < ONE:
                shown = "无数据" if t.ratio is None else f"完成{q(t.ratio * 100)}%"
                out.append(Line(f"{t.label}（{shown}，权重{t.weight.normalize():f}）",
                                q(-spec.points * t.weight * (ONE - t.attainment) / total_weight), t.link))
        return _balance(out, points - q(spec.points))

    return ItemScore(TARGETS, spec.label, spec.points, points, lines,
                     f"{len(targets)}个目标，加权完成率{q(attained / total_weight * 100)}%（每个目标最高计100%）")


def score_tasks(spec: ItemSpec, facts: Facts) -> ItemScore:
    total = done = 0
    for t in facts.tasks:
        total += t.total
        done += t.done
    if not total:
        return ItemScore(TASKS, spec.label, spec.points, q(spec.points), [], "无牵头任务，按满分计")
    points = q(spec.points * done / total)

    def lines():
        out = [Line(f"未完成：{t.label}" if t.total == 1 else f"未完成{t.total - t.done}项：{t.label}",
                    q(-spec.points * (t.total - t.done) / total), t.link)
               for t in facts.tasks if t.done < t.total]
        return _balance(out, points - q(spec.points))

    return ItemScore(TASKS, spec.label, spec.points, points, lines, f"牵头任务{total}项，已完成{done}项")


def score_adjustments(spec: ItemSpec, facts: Facts) -> ItemScore:
    lines = [Line(("加分：" if a.points > 0 else "扣分：") + a.label, a.points, a.link) for a in facts.adjustments]
    bonus = sum((a.points for a in facts.adjustments if a.points > 0), ZERO)
    if spec.points and bonus > spec.points:
        lines.append(Line(f"加分以{spec.points.normalize():f}分为限", spec.points - bonus))
    points = q(sum((ln.points for ln in lines), ZERO))
    return ItemScore(ADJUSTMENTS, spec.label, ZERO, points, lines, f"{len(facts.adjustments)}条")


SCORERS = {TIMELINESS: score_timeliness, COMPLETENESS: score_completeness, RETURNS: score_returns,
           TARGETS: score_targets, TASKS: score_tasks, ADJUSTMENTS: score_adjustments}


def score(items, facts: Facts, *, key="", name="", kind="unit", link="") -> Card:
    """One subject's card: every item's points and lines, and the total (not below 0)."""
    scored = [SCORERS[spec.kind](spec, facts) for spec in items]
    total = ZERO
    for item in scored:
        total += item.points
    return Card(key, name, kind, scored, q(max(total, ZERO)), link=link)


def rank(cards, bands: Bands | None = None):
    """Sort by total (highest first), then name; equal totals share a rank and the next rank skips (1, 2, 2, 4)."""
    ordered = sorted(cards, key=lambda c: (-c.total, c.name, c.key))
    previous, previous_rank = None, 0
    for position, card in enumerate(ordered, start=1):
        card.rank = previous_rank if card.total == previous else position
        previous, previous_rank = card.total, card.rank
        if bands is not None:
            card.band = bands.of(card.total)
    return ordered


def max_total(items) -> Decimal:
    return sum((spec.points for spec in items if spec.kind != ADJUSTMENTS), ZERO)
