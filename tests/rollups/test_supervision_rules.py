"""督办 rules, table-driven: which step is due, the office's ladder, what a 批示 concerns, 序时进度 weights."""
import datetime
from decimal import Decimal

import pytest

from rollups.supervision import rules

STEPS = rules.DEFAULT_STEPS  # 提示单 1/0 days, 黄 7/14, 红 15/28 (overdue/lagging)


@pytest.mark.parametrize("reason, status, level, days, expected", [
    ("overdue", "open", 0, 0, None),  # due today: not yet
    ("overdue", "open", 0, 1, 1),  # one day late: 提示单
    ("overdue", "open", 1, 1, None),  # 提示单 already sent: not again
    ("overdue", "open", 1, 6, None),
    ("overdue", "open", 1, 7, 2),  # 黄
    ("overdue", "open", 2, 7, None),  # once
    ("overdue", "open", 2, 15, 3),  # 红
    ("overdue", "open", 3, 90, None),  # nothing above red
    ("overdue", "open", 0, 20, 3),  # first found 20 days late: straight to red, lower steps not sent late
    ("overdue", "closed", 0, 20, None),  # 办结: never
    ("overdue", "closed", 1, 20, None),
    ("overdue", "resolved", 1, 20, None),  # cause gone: never
    ("lagging", "open", 0, 0, 1),  # found lagging: 提示单 at once
    ("lagging", "open", 1, 13, None),
    ("lagging", "open", 1, 14, 2),
    ("lagging", "open", 2, 28, 3),
    ("lagging", "closed", 2, 60, None),
])
def test_step_due(reason, status, level, days, expected):
    step = rules.step_due(reason=reason, status=status, level=level, days=days, steps=STEPS)
    assert (step.level if step else None) == expected


def test_disabled_steps_are_skipped():
    steps = (STEPS[0], rules.StepRule(2, "黄", 7, 14, frozenset({"reporters"}), enabled=False), STEPS[2])
    assert rules.step_due(reason="overdue", status="open", level=1, days=10, steps=steps) is None
    assert rules.step_due(reason="overdue", status="open", level=1, days=15, steps=steps).level == 3


@pytest.mark.parametrize("missing, due, today, expected", [
    (True, datetime.date(2021, 7, 10), datetime.date(2021, 7, 10), False),
    (True, datetime.date(2021, 7, 10), datetime.date(2021, 7, 11), True),
    (False, datetime.date(2021, 7, 10), datetime.date(2021, 8, 1), False),
])
def test_is_overdue(missing, due, today, expected):
    assert rules.is_overdue(missing=missing, due=due, today=today) is expected


@pytest.mark.parametrize("i_task, i_unit, task, unit, assigned, expected", [
    (5, None, 5, 1, {1, 2}, True),  # on a task: every unit assigned
    (5, None, 5, 3, {1, 2}, False),  # not assigned
    (5, None, 6, 1, {1, 2}, False),  # another task
    (None, 1, 6, 1, {1}, True),  # on a unit: its reports on any task
    (None, 1, 6, 2, {1, 2}, False),
    (5, 1, 5, 1, {1, 2}, True),  # on both
    (5, 1, 5, 2, {1, 2}, False),
    (5, 1, 6, 1, {1}, False),
])
def test_concerns(i_task, i_unit, task, unit, assigned, expected):
    assert rules.concerns(instruction_task=i_task, instruction_unit=i_unit, task=task, unit=unit,
                          assigned_units=assigned) is expected


def _rows(**changes):
    rows = [{"level": s.level, "name": s.name, "enabled": True, "overdue_days": s.overdue_days,
             "lagging_days": s.lagging_days, "notify": sorted(s.notify)} for s in STEPS]
    for key, value in changes.items():
        level, field = key.split("_", 1)
        rows[int(level[1:]) - 1][field] = value
    return rows


@pytest.mark.parametrize("changes, key, message", [
    ({}, None, None),
    ({"l1_name": " "}, "1-name", "请填写第1级的名称。"),
    ({"l2_name": "长" * 21}, "2-name", "名称不能超过20字。"),
    ({"l2_overdue_days": 1}, "2-overdue_days", "报告逾期天数须多于上一级（1天），逐级升级。"),
    ({"l3_lagging_days": 10}, "3-lagging_days", "滞后持续天数须多于上一级（14天），逐级升级。"),
    ({"l1_overdue_days": 0}, "1-overdue_days", "报告截止当天还不算逾期：逾期天数至少为1。"),
    ({"l3_overdue_days": 400}, "3-overdue_days", "报告逾期天数应是0到365之间的整数。"),
    ({"l2_notify": []}, "2-notify", "第2级至少要通知一类人员。"),
    ({"l2_enabled": False, "l2_overdue_days": 99, "l2_notify": []}, None, None),  # a disabled step is not checked
])
def test_check_steps(changes, key, message):
    errors = rules.check_steps(_rows(**changes))
    if key is None:
        assert errors == {}
    else:
        assert message in errors[key]


@pytest.mark.parametrize("text, periods, expected", [
    ("", 4, []),
    ("1,1,1,3", 4, [1, 1, 1, 3]),
    ("1，1，1，3", 4, [1, 1, 1, 3]),
    ("0 0 0 1", 4, [0, 0, 0, 1]),
    ("0.5,1.5", 2, [Decimal("0.5"), Decimal("1.5")]),
    ("1,1,1", 4, "应填写4个权重（本计划共4个填报期），收到3个。"),
    ("1,-1,1,1", 4, "权重不能为负数。"),
    ("0,0,0,0", 4, "权重之和须大于0。"),
    ("a,b,c,d", 4, "权重须是用逗号分隔的数字"),
    ("1,1,1,NaN", 4, "权重须是用逗号分隔的数字"),
    ("1,1,1,1.234", 4, "每个权重不超过1000，最多两位小数。"),
])
def test_parse_weights(text, periods, expected):
    if isinstance(expected, str):
        with pytest.raises(ValueError) as caught:
            rules.parse_weights(text, periods)
        assert expected in str(caught.value)
    else:
        assert rules.parse_weights(text, periods) == expected


@pytest.mark.parametrize("years, frequencies, expected", [
    (1, [], 4), (1, ["quarter"], 4), (1, ["month", "quarter"], 12), (1, ["year"], 1), (5, ["half_year"], 10),
])
def test_plan_periods(years, frequencies, expected):
    assert rules.plan_periods(years, frequencies) == expected


@pytest.mark.parametrize("raw, expected", [
    ("5", Decimal("0.05")), ("0", Decimal("0")), ("2.5", Decimal("0.025")), ("50", Decimal("0.5")),
    ("51", None), ("-1", None), ("abc", None), ("1.234", None),
])
def test_tolerance_from_points(raw, expected):
    if expected is None:
        with pytest.raises(ValueError):
            rules.tolerance_from_points(raw)
    else:
        assert rules.tolerance_from_points(raw) == expected
