"""督办 rules, pure (no database): which escalation step is due, what the office may configure, what
a 批示 concerns, how 序时进度 weights are read. Table-driven tests live in
``tests/rollups/test_supervision_rules.py``.

The ladder has three levels (1 提示单, 2 督办单（黄）, 3 督办单（红）). An open item's clock starts at
its ``since`` date: the report's due date (with any extension) for an overdue report, the day the
task was first found lagging 序时进度 for a lagging one. On each daily run the highest enabled step
whose threshold the item has reached is sent — if it is above the item's level. A step is therefore
sent at most once; steps passed over (an item first found already 20 days overdue) are not sent late.
Nothing is sent for an item that is resolved (its cause went away) or closed (办结).
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

REPORTERS, APPROVERS, OFFICE, LEADERS = "reporters", "approvers", "office", "leaders"
AUDIENCES = (REPORTERS, APPROVERS, OFFICE, LEADERS)
OVERDUE, LAGGING = "overdue", "lagging"
OPEN = "open"
DAYS_MAX, NAME_MAX = 365, 20


@dataclass(frozen=True)
class StepRule:
    level: int
    name: str
    overdue_days: int
    lagging_days: int
    notify: frozenset = field(default_factory=frozenset)
    enabled: bool = True

    def threshold(self, reason) -> int:
        return self.overdue_days if reason == OVERDUE else self.lagging_days


#: The ladder of a committee whose office has configured nothing (README: 督办).
DEFAULT_STEPS = (
    StepRule(1, "提示单", overdue_days=1, lagging_days=0, notify=frozenset({REPORTERS})),
    StepRule(2, "督办单（黄）", overdue_days=7, lagging_days=14, notify=frozenset({REPORTERS, APPROVERS})),
    StepRule(3, "督办单（红）", overdue_days=15, lagging_days=28,
             notify=frozenset({REPORTERS, APPROVERS, OFFICE, LEADERS})),
)


def days_since(since: datetime.date, today: datetime.date) -> int:
    return max((today - since).days, 0)


def step_due(*, reason: str, status: str, level: int, days: int, steps) -> StepRule | None:
    """The step to send now, or None: the highest enabled step reached, if above ``level``; never
    for an item that is not open."""
    if status != OPEN:
        return None
    reached = [s for s in steps if s.enabled and days >= s.threshold(reason)]
    if not reached:
        return None
    top = max(reached, key=lambda s: s.level)
    return top if top.level > level else None


def is_overdue(*, missing: bool, due: datetime.date, today: datetime.date) -> bool:
    """A report still missing (draft, returned or awaiting the unit's approver) after its due date."""
    return missing and today > due


def concerns(*, instruction_task, instruction_unit, task, unit, assigned_units) -> bool:
    """Does a 批示 (on a task, a unit, or both) concern ``unit``'s report on ``task``?

    On a task: every unit assigned to it; on a unit: that unit's reports on any task of the plan;
    on both: that unit's reports on that task. ``assigned_units``: the units assigned to ``task``.
    """
    if instruction_task is not None and instruction_task != task:
        return False
    if instruction_unit is not None:
        return instruction_unit == unit
    return unit in assigned_units


def check_steps(rows) -> dict:
    """Validate the office's ladder: ``rows`` are dicts (level, name, enabled, overdue_days, lagging_days,
    notify). Returns {"level-field": [message]} (empty: valid). Enabled steps must rise: a higher level
    needs more days than every enabled lower one, for both triggers."""
    errors = {}

    def add(level, key, message):
        errors.setdefault(f"{level}-{key}", []).append(message)

    for row in rows:
        level, name = row["level"], (row.get("name") or "").strip()
        if not name:
            add(level, "name", _("请填写第%(n)s级的名称。") % {"n": level})
        elif len(name) > NAME_MAX:
            add(level, "name", _("名称不能超过%(max)s字。") % {"max": NAME_MAX})
        for key, label in (("overdue_days", _("报告逾期天数")), ("lagging_days", _("滞后持续天数"))):
            value = row.get(key)
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= DAYS_MAX:
                add(level, key, _("%(label)s应是0到%(max)s之间的整数。") % {"label": label, "max": DAYS_MAX})
        if isinstance(row.get("overdue_days"), int) and row["overdue_days"] == 0 and row.get("enabled"):
            add(level, "overdue_days", _("报告截止当天还不算逾期：逾期天数至少为1。"))
        if row.get("enabled") and not set(row.get("notify") or ()) & set(AUDIENCES):
            add(level, "notify", _("第%(n)s级至少要通知一类人员。") % {"n": level})
    enabled = sorted((r for r in rows if r.get("enabled")), key=lambda r: r["level"])
    for lower, higher in zip(enabled, enabled[1:], strict=False):
        for key, label in (("overdue_days", _("报告逾期天数")), ("lagging_days", _("滞后持续天数"))):
            a, b = lower.get(key), higher.get(key)
            if isinstance(a, int) and isinstance(b, int) and b <= a:
                add(higher["level"], key, _("%(label)s须多于上一级（%(prev)s天），逐级升级。") % {
                    "label": label, "prev": a})
    return errors


WEIGHTS_SPLIT = re.compile(r"[,，、\s]+")


def parse_weights(text: str, periods: int) -> list[Decimal]:
    """"1,1,1,3" → [1, 1, 1, 3]; empty → [] (linear). Raises ValueError with a Chinese message: each
    weight a number ≥ 0, exactly ``periods`` of them, their sum above 0."""
    text = (text or "").strip()
    if not text:
        return []
    parts = [p for p in WEIGHTS_SPLIT.split(text) if p]
    try:
        weights = [Decimal(p) for p in parts]
    except InvalidOperation:
        raise ValueError(_("权重须是用逗号分隔的数字，如“1,1,1,3”。")) from None
    if any(not w.is_finite() for w in weights):
        raise ValueError(_("权重须是用逗号分隔的数字，如“1,1,1,3”。"))
    if any(w < 0 for w in weights):
        raise ValueError(_("权重不能为负数。"))
    if len(weights) != periods:
        raise ValueError(_("应填写%(n)s个权重（本计划共%(n)s个填报期），收到%(got)s个。") % {
            "n": periods, "got": len(weights)})
    if sum(weights) <= 0:
        raise ValueError(_("权重之和须大于0。"))
    if any(w > 1000 or w.as_tuple().exponent < -2 for w in weights):
        raise ValueError(_("每个权重不超过1000，最多两位小数。"))
    return weights


PERIODS_PER_YEAR = {"month": 12, "quarter": 4, "half_year": 2, "year": 1}


def plan_periods(years: int, frequencies) -> int:
    """How many reporting periods a plan has: its most frequent active schedule (quarterly when it has
    none) times its years."""
    per_year = max((PERIODS_PER_YEAR.get(f, 0) for f in frequencies), default=0) or 4
    return per_year * max(years, 1)


def tolerance_from_points(raw) -> Decimal:
    """"5" (百分点) → Decimal("0.05"); ValueError with a Chinese message when not a number in [0, 50]."""
    try:
        points = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValueError(_("容差须是0到50之间的数字（百分点）。")) from None
    if not points.is_finite() or not 0 <= points <= 50 or points.as_tuple().exponent < -2:
        raise ValueError(_("容差须是0到50之间的数字（百分点），最多两位小数。"))
    return (points / 100).quantize(Decimal("0.0001"))
