"""序时进度 (expected progress) from tables, without a database: linear, weighted, tolerance, recovery.

2021 has 365 days; quarter ends: 31 March (day 90), 30 June (181), 30 September (273), 31 December.
"""
import datetime
from decimal import Decimal

import pytest

from rollups import rules
from rollups.rules import TargetState, TargetTerms

D = Decimal
T = TargetState
START, END = rules.plan_period(2021, 2021)
Q1, Q2, Q3, Q4 = (datetime.date(2021, 3, 31), datetime.date(2021, 6, 30), datetime.date(2021, 9, 30),
                  datetime.date(2021, 12, 31))


@pytest.mark.parametrize("as_of, weights, expected", [
    # linear: the share of days elapsed
    (Q1, (), D(90) / D(365)),
    (Q2, (), D(181) / D(365)),
    (Q4, (), D(1)),
    # weighted quarters: 就业 concentrated in Q4 (1, 1, 1, 3)
    (Q1, (1, 1, 1, 3), D(1) / D(6)),
    (Q2, (1, 1, 1, 3), D(2) / D(6)),
    (Q3, (1, 1, 1, 3), D(3) / D(6)),
    (Q4, (1, 1, 1, 3), D(1)),
    # equal weights are linear by quarter
    (Q2, (1, 1, 1, 1), D("0.5")),
    # mid-quarter: the current quarter pro rata by days (15 May: 45 of 91 days of Q2)
    (datetime.date(2021, 5, 15), (1, 1, 1, 3), (D(1) + D(45) / D(91)) / D(6)),
    # a quarter with weight 0 expects nothing yet
    (Q1, (0, 1, 1, 2), D(0)),
    # before the period: nothing; after it: everything
    (datetime.date(2020, 12, 31), (1, 1, 1, 3), D(0)),
    (datetime.date(2022, 3, 31), (1, 1, 1, 3), D(1)),
    # bad weights fall back to linear
    (Q2, (0, 0, 0, 0), D(181) / D(365)),
    (Q2, ("x", 1), D(181) / D(365)),
    (Q2, (-1, 2, 1, 1), D(181) / D(365)),
    # monthly weights (12)
    (datetime.date(2021, 1, 31), (1,) * 12, D(1) / D(12)),
])
def test_expected_share(as_of, weights, expected):
    assert rules.expected_share(START, END, as_of, weights) == expected


def test_weights_over_a_multi_year_plan_split_its_months():
    start, end = rules.plan_period(2021, 2025)
    # five yearly weights, the last year heaviest: end of 2022 is 2 of 6
    assert rules.expected_share(start, end, datetime.date(2022, 12, 31), (1, 1, 1, 1, 2)) == D(2) / D(6)


@pytest.mark.parametrize("ratio, expected, tolerance, lagging, status", [
    # at or above the curve: on track
    (D("0.75"), D("0.75"), D(0), False, T.ON_TRACK),
    (D("0.80"), D("0.75"), D(0), False, T.ON_TRACK),
    # just below without tolerance: lagging, yellow while ratio/expected ≥ 0.8
    (D("0.74"), D("0.75"), D(0), True, T.BEHIND),
    (D("0.60"), D("0.75"), D(0), True, T.BEHIND),  # 0.6/0.75 = 0.8 exactly
    (D("0.59"), D("0.75"), D(0), True, T.AT_RISK),
    # the example of the README: 62% against 75% is lagging, yellow (62 ÷ 75 ≈ 0.83)
    (D("0.62"), D("0.75"), D(0), True, T.BEHIND),
    # tolerance: within it is on track, beyond it lagging
    (D("0.71"), D("0.75"), D("0.05"), False, T.ON_TRACK),
    (D("0.70"), D("0.75"), D("0.05"), False, T.ON_TRACK),
    (D("0.69"), D("0.75"), D("0.05"), True, T.BEHIND),
    (D("0.55"), D("0.75"), D("0.05"), True, T.AT_RISK),
    # reached is reached, whatever the curve
    (D("1"), D("1"), D(0), False, T.REACHED),
    (D("1.2"), D("0.5"), D(0), False, T.REACHED),
    # nothing expected yet (a weight-0 quarter): nothing lags
    (D(0), D(0), D(0), False, T.ON_TRACK),
])
def test_pace_status_and_lagging(ratio, expected, tolerance, lagging, status):
    assert rules.is_lagging(ratio, expected, tolerance) is lagging
    assert rules.pace_status(ratio, expected, tolerance) == status


ZERO, TWELVE_HUNDRED = D(0), D(1200)


def _outcome(figures, weights=(), tolerance=ZERO, value=TWELVE_HUNDRED):
    own = {unit: rules.Figure(D(v), day) for unit, (v, day) in figures.items()}
    return rules.target_outcome(TargetTerms(value, weights=weights), START, END, own, tolerance=tolerance)


@pytest.mark.parametrize("history", [
    # (figure at Q1, Q2, Q3 …) → statuses: red at Q2, made up at Q3 → green
    [((250, Q1), T.BEHIND), ((300, Q2), T.AT_RISK), ((900, Q3), T.ON_TRACK), ((1200, Q4), T.REACHED)],
    # red → yellow (shortfall partly made up) → green
    [((200, Q2), T.AT_RISK), ((720, Q3), T.BEHIND), ((1100, datetime.date(2021, 11, 30)), T.ON_TRACK)],
])
def test_a_red_target_recovers_as_soon_as_its_shortfall_is_made_up(history):
    for (figure, day), status in history:
        assert _outcome({1: (figure, day)}).status == status, (figure, day)


def test_weighted_curve_keeps_a_late_loading_target_green():
    # 就业: 300 of 1200 by Q3 is 25%; linear 序时进度 is 75% (red), the Q4-loaded curve 50% (red too)
    # 500 of 1200 (41.7%) by Q3: red linearly, yellow against the weighted curve (0.417/0.5 ≥ 0.8)
    linear, weighted = _outcome({1: (500, Q3)}), _outcome({1: (500, Q3)}, weights=(1, 1, 1, 3))
    assert linear.status == T.AT_RISK and weighted.status == T.BEHIND
    assert weighted.expected == D("0.5000")
    assert linear.expected == (D(273) / D(365)).quantize(D("0.0001"))
    # 600 by Q3 meets the weighted curve
    assert _outcome({1: (600, Q3)}, weights=(1, 1, 1, 3)).status == T.ON_TRACK


def test_tolerance_set_per_plan_moves_the_line():
    # Q2 linear 序时进度 = 181/365 ≈ 49.6%; 540 of 1200 = 45%
    assert _outcome({1: (540, Q2)}).status == T.BEHIND
    assert _outcome({1: (540, Q2)}, tolerance=D("0.05")).status == T.ON_TRACK


def test_projection_is_the_ratio_over_the_curve():
    result = _outcome({1: (300, Q3)}, weights=(1, 1, 1, 3))
    assert result.ratio == D("0.2500") and result.expected == D("0.5000") and result.projection == D("0.5000")


def test_no_data_has_no_expected_progress():
    result = _outcome({})
    assert result.status == T.NO_DATA and result.expected is None
