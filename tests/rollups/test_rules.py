"""The roll-up's rules from tables, without a database: facts in, results out.

The database tests next to this file (``test_rollup_numbers.py`` …) check the same rules end
to end through the engine; these pin each rule at and around its boundaries.

Dates are chosen so that the elapsed share of the year 2021 (365 days) is exact:
14 March ends day 73 (0.2), 26 May day 146 (0.4), 19 October day 292 (0.8).
"""
import datetime
from decimal import Decimal

import pytest

from rollups import rules
from rollups.rules import (
    AT_MOST,
    BEHIND_FROM,
    RATIO_CAP,
    Allocation,
    Figure,
    TargetOutcome,
    TargetState,
    TargetTerms,
    TaskState,
    UnitChain,
)

D = Decimal
T = TargetState
START, END = rules.plan_period(2021, 2021)
MAR14, MAY26, OCT19 = datetime.date(2021, 3, 14), datetime.date(2021, 5, 26), datetime.date(2021, 10, 19)
JUN30 = datetime.date(2021, 6, 30)


def day(text):
    return datetime.date.fromisoformat(text)


def outcome(value, figures, *, comparator=">=", per_unit=False, measure_unit="人", start=START, end=END,
            **facts):
    """The outcome of a target of ``value`` with each unit's latest figure ``{unit: (value, "yyyy-mm-dd")}``."""
    own = {unit: Figure(D(figure), day(as_of)) for unit, (figure, as_of) in figures.items()}
    terms = TargetTerms(D(value), comparator, per_unit, measure_unit)
    return rules.target_outcome(terms, start, end, own, **facts)


# ---------------------------------------------------------------- periods

@pytest.mark.parametrize(("start", "end", "as_of", "share"), [
    (START, END, START, D(1) / D(365)),  # the first day counts as elapsed
    (START, END, MAR14, D("0.2")),
    (START, END, OCT19, D("0.8")),
    (START, END, END, D(1)),
    (START, END, day("2020-12-31"), D(1) / D(365)),  # before the period: as at its first day
    (START, END, day("2022-03-31"), D(1)),  # after it: all of it
    (*rules.plan_period(2021, 2025), day("2021-12-31"), D(365) / D(1826)),  # five years, one of them leap
])
def test_elapsed_share(start, end, as_of, share):
    assert rules.elapsed_share(start, end, as_of) == share


def test_plan_period_runs_from_first_january_to_last_december():
    assert rules.plan_period(2021, 2025) == (day("2021-01-01"), day("2025-12-31"))


# ---------------------------------------------------------------- status thresholds

@pytest.mark.parametrize(("ratio", "projection", "status"), [
    (D("1"), D("1"), T.REACHED),
    (D("1.5"), D("1.5"), T.REACHED),
    (D("1"), D("0.1"), T.REACHED),  # reached is reached, whatever the pace
    (D("0.9999"), D("2"), T.ON_TRACK),
    (D("0.5"), D("1"), T.ON_TRACK),  # on track from exactly 1
    (D("0.5"), D("0.9999"), T.BEHIND),
    (D("0.5"), BEHIND_FROM, T.BEHIND),  # behind from exactly 0.8
    (D("0.5"), D("0.7999"), T.AT_RISK),
    (D("0"), D("0"), T.AT_RISK),
])
def test_progress_status_thresholds(ratio, projection, status):
    assert rules.progress_status(ratio, projection) == status


@pytest.mark.parametrize(("figure", "as_of", "ratio", "projection", "status"), [
    ("20", MAR14, "0.2000", "1.0000", T.ON_TRACK),  # exactly on pace: 20 % of the target after 20 % of the year
    ("19.99", MAR14, "0.1999", "0.9995", T.BEHIND),
    ("16", MAR14, "0.1600", "0.8000", T.BEHIND),
    ("15.99", MAR14, "0.1599", "0.7995", T.AT_RISK),
    ("0", MAR14, "0.0000", "0.0000", T.AT_RISK),  # a figure of zero is data, and no progress
    ("80", OCT19, "0.8000", "1.0000", T.ON_TRACK),
    ("64", OCT19, "0.6400", "0.8000", T.BEHIND),
    ("99.99", END, "0.9999", "0.9999", T.BEHIND),  # the year is over and the target missed
    ("79.99", END, "0.7999", "0.7999", T.AT_RISK),
    ("100", MAR14, "1.0000", "5.0000", T.REACHED),
    ("250", END, "2.5000", "2.5000", T.REACHED),
])
def test_target_status_from_the_pace_so_far(figure, as_of, ratio, projection, status):
    result = outcome("100", {1: (figure, as_of.isoformat())})
    assert (result.ratio, result.projection, result.status, result.as_of) == (D(ratio), D(projection), status, as_of)


@pytest.mark.parametrize(("measure_unit", "projection", "status"), [
    ("%", "0.5000", T.AT_RISK),  # a percentage is a level: its projection is its ratio
    (" % ", "0.5000", T.AT_RISK),
    ("人", "2.5000", T.ON_TRACK),  # a count is cumulative: half of it after a fifth of the year is ahead
])
def test_percentages_are_levels_not_cumulative(measure_unit, projection, status):
    result = outcome("90", {1: ("45", "2021-03-14")}, measure_unit=measure_unit)
    assert (result.ratio, result.projection, result.status) == (D("0.5000"), D(projection), status)


def test_a_multi_year_plan_measures_the_pace_over_its_whole_period():
    start, end = rules.plan_period(2021, 2025)
    result = outcome("100", {1: ("20", "2021-12-31")}, start=start, end=end)  # a fifth of it after ~a fifth
    assert (result.ratio, result.projection, result.status) == (D("0.2000"), D("1.0005"), T.ON_TRACK)


# ---------------------------------------------------------------- 不超过 (at most) targets

@pytest.mark.parametrize(("ceiling", "used", "as_of", "ratio", "projection", "status"), [
    ("100", "20", MAR14, "0.2000", "1.0000", T.ON_TRACK),  # at this pace exactly at the ceiling: still held
    ("100", "20.01", MAR14, "0.2001", "1.0005", T.BEHIND),  # at this pace over the ceiling by the end
    ("100", "10", MAR14, "0.1000", "0.5000", T.ON_TRACK),
    ("100", "100", MAR14, "1.0000", "5.0000", T.BEHIND),  # at the ceiling already, a fifth into the year
    ("100", "100.01", OCT19, "1.0001", "1.2501", T.AT_RISK),  # exceeded
    ("100", "150", END, "1.5000", "1.5000", T.AT_RISK),  # exceeded at the end: at risk, never reached
    ("100", "100", END, "1.0000", "1.0000", T.REACHED),  # held exactly to the final period
    ("100", "60", END, "0.6000", "0.6000", T.REACHED),
    ("100", "90", day("2022-01-31"), "0.9000", "0.9000", T.REACHED),  # a period ending after the plan's
    ("0", "0", MAR14, "0", "0", T.ON_TRACK),  # a ceiling of zero, held (not quantized: exactly 0)
    ("0", "0", END, "0", "0", T.REACHED),
    ("0", "1", MAR14, RATIO_CAP, RATIO_CAP, T.AT_RISK),  # any use of a zero ceiling: the capped ratio
])
def test_at_most_targets(ceiling, used, as_of, ratio, projection, status):
    result = outcome(ceiling, {1: (used, as_of.isoformat())}, comparator=AT_MOST)
    assert result.ceiling
    assert (result.ratio, result.projection, result.status) == (D(ratio), D(projection), status)


def test_an_at_most_percentage_is_judged_by_its_level():
    # 残疾人家庭贫困发生率不超过5%: 4 % mid-year is within the ceiling whatever the share of the year
    result = outcome("5", {1: ("4", "2021-06-30")}, comparator=AT_MOST, measure_unit="%")
    assert (result.ratio, result.projection, result.status) == (D("0.8000"), D("0.8000"), T.ON_TRACK)


@pytest.mark.parametrize(("reached", "ceiling", "projected", "final_period_in", "status"), [
    (D("101"), D("100"), D("101"), True, T.AT_RISK),
    (D("100"), D("100"), D("500"), True, T.REACHED),
    (D("100"), D("100"), D("500"), False, T.BEHIND),
    (D("50"), D("100"), D("100"), False, T.ON_TRACK),
    (D("50"), D("100"), D("100.01"), False, T.BEHIND),
])
def test_ceiling_status(reached, ceiling, projected, final_period_in, status):
    assert rules.ceiling_status(reached, ceiling, projected, final_period_in) == status


# ---------------------------------------------------------------- whose figures count, and split shares

@pytest.mark.parametrize(("value", "figures", "facts", "reached", "ratio", "status"), [
    # not split: every unit's figure adds up
    ("100", {1: ("60", "2021-12-31"), 2: ("50", "2021-12-31")}, {}, "110", "1.1000", T.REACHED),
    # split 60/40: surplus of one share never hides the other's shortfall (60 + 20 of 100)
    ("100", {1: ("80", "2021-12-31"), 2: ("20", "2021-12-31")},
     {"unit_shares": {1: D("60"), 2: D("40")}}, "100", "0.8000", T.BEHIND),
    ("100", {1: ("60", "2021-12-31"), 2: ("40", "2021-12-31")},
     {"unit_shares": {1: D("60"), 2: D("40")}}, "100", "1.0000", T.REACHED),
    # a unit without a share does not count; a holder without figure counts as nothing reached
    ("100", {1: ("60", "2021-12-31"), 3: ("500", "2021-12-31")},
     {"unit_shares": {1: D("60"), 2: D("40")}}, "60", "0.6000", T.AT_RISK),
    # a lower committee's share counts its figure
    ("100", {1: ("60", "2021-12-31")},
     {"unit_shares": {1: D("60")}, "committee_shares": {7: D("40")},
      "committee_figures": {7: Figure(D("40"), day("2021-12-31"))}}, "100", "1.0000", T.REACHED),
    # shares of zero: nothing is asked, the target is reached once anything is counted
    ("100", {1: ("1", "2021-12-31")}, {"unit_shares": {1: D("0")}}, "1", "1.0000", T.REACHED),
])
def test_split_targets_count_the_holders_up_to_their_shares(value, figures, facts, reached, ratio, status):
    result = outcome(value, figures, **facts)
    assert (result.reached, result.ratio, result.status) == (D(reached), D(ratio), status)


@pytest.mark.parametrize(("figures", "facts", "ratio", "status"), [
    # each of three assigned units must reach 2 (各地分别达到): 2 + 2 + 0 of 6, the surplus ignored
    ({1: ("3", "2021-12-31"), 2: ("2", "2021-12-31")}, {"assigned": {1, 2, 3}}, "0.6667", T.AT_RISK),
    ({1: ("2", "2021-12-31"), 2: ("2", "2021-12-31"), 3: ("9", "2021-12-31")}, {"assigned": {1, 2, 3}},
     "1.0000", T.REACHED),
    # split and per unit: each holder owes the whole value, whatever its share says
    ({1: ("2", "2021-12-31"), 2: ("1", "2021-12-31")}, {"unit_shares": {1: D("5"), 2: D("1")}, "assigned": {1, 2, 3}},
     "0.7500", T.AT_RISK),
])
def test_per_unit_targets(figures, facts, ratio, status):
    result = outcome("2", figures, per_unit=True, **facts)
    assert (result.ratio, result.status) == (D(ratio), status)


@pytest.mark.parametrize(("value", "per_unit", "unit_shares", "committee_shares", "assigned", "holders"), [
    ("10", False, {}, {}, {1, 2}, None),  # not split, not per unit: every unit's figure counts
    ("10", True, {}, {}, {1, 2}, {("unit", 1): D(10), ("unit", 2): D(10)}),
    ("10", False, {1: D(4)}, {7: D(6)}, {1, 2}, {("unit", 1): D(4), ("committee", 7): D(6)}),
    ("10", True, {1: D(4)}, {7: D(6)}, {1, 2}, {("unit", 1): D(10), ("committee", 7): D(10)}),
])
def test_holders_and_their_shares(value, per_unit, unit_shares, committee_shares, assigned, holders):
    terms = TargetTerms(D(value), per_unit=per_unit)
    assert rules.holders_of(terms, unit_shares, committee_shares, assigned) == holders


def test_contributors_list_every_holder_and_every_figure_committees_first():
    result = outcome("100", {2: ("30.50", "2021-06-30"), 9: ("5", "2021-03-31")},
                     unit_shares={2: D("60"), 4: D("20")}, committee_shares={7: D("20")},
                     committee_figures={7: Figure(D("12.0"), day("2021-09-30"))})
    assert result.contributors == [
        ["c", 7, "12", "20", "2021-09-30", True],
        ["u", 2, "30.5", "60", "2021-06-30", True],
        ["u", 4, None, "20", None, True],  # a holder that has not reported yet
        ["u", 9, "5", None, "2021-03-31", False],  # a figure from a unit without a share: shown, not counted
    ]
    assert (result.reached, result.as_of) == (D("42.50"), day("2021-09-30"))
    assert result.ratio == D("0.4250")  # (min(30.5, 60) + 0 + min(12, 20)) / (60 + 20 + 20)


def test_contributors_of_a_target_every_unit_counts_for_are_sorted_by_unit():
    result = outcome("100", {5: ("1", "2021-03-31"), 2: ("2", "2021-06-30")})
    assert result.contributors == [["u", 2, "2", None, "2021-06-30", True], ["u", 5, "1", None, "2021-03-31", True]]
    assert result.as_of == JUN30


# ---------------------------------------------------------------- no data, zero targets, caps

@pytest.mark.parametrize(("value", "figures", "facts", "contributors"), [
    ("100", {}, {}, []),
    ("100", {}, {"unit_shares": {1: D("60")}}, [["u", 1, None, "60", None, True]]),
    # the only figure comes from a unit without a share
    ("100", {3: ("80", "2021-06-30")}, {"unit_shares": {1: D("60")}},
     [["u", 1, None, "60", None, True], ["u", 3, "80", None, "2021-06-30", False]]),
    # per unit, and the one assigned unit has not reported
    ("2", {}, {"per_unit": True, "assigned": {1}}, [["u", 1, None, "2", None, True]]),
    # per unit and nobody assigned: the figure of a unit not assigned does not count
    ("2", {3: ("1", "2021-12-31")}, {"per_unit": True, "assigned": set()},
     [["u", 3, "1", None, "2021-12-31", False]]),
    ("5", {}, {"comparator": AT_MOST}, []),
])
def test_no_counted_figure_is_no_data(value, figures, facts, contributors):
    result = outcome(value, figures, **facts)
    assert (result.status, result.ratio, result.projection, result.as_of) == (T.NO_DATA, None, None, None)
    assert not result.has_data
    assert result.contributors == contributors


@pytest.mark.parametrize(("figure", "ratio", "status"), [("0", "1.0000", T.REACHED), ("7", "1.0000", T.REACHED)])
def test_a_target_of_zero_is_reached_once_reported(figure, ratio, status):
    result = outcome("0", {1: (figure, "2021-03-31")})
    assert (result.ratio, result.projection, result.status) == (D(ratio), D("4.0556"), status)


@pytest.mark.parametrize(("value", "rounded"), [
    (None, None),
    (D("0.12345"), D("0.1235")),  # half up
    (D("0.12344"), D("0.1234")),
    (D("2") / D("3"), D("0.6667")),
    (RATIO_CAP, D("9999999999.0000")),
    (D("12345678901"), D("9999999999.0000")),  # capped so that it fits the column
])
def test_rounded_ratio(value, rounded):
    assert rules.rounded_ratio(value) == rounded


def test_a_huge_ratio_is_capped():
    result = outcome("0.0001", {1: ("5000000", "2021-12-31")})
    assert result.ratio == result.projection == D("9999999999.0000")


@pytest.mark.parametrize(("part", "whole", "rate"), [(3, 4, D("0.7500")), (0, 4, D("0.0000")), (2, 3, D("0.6667")),
                                                     (0, 0, None), (5, 0, None)])
def test_rate_of_what_was_expected(part, whole, rate):
    assert rules.rate(part, whole) == rate


@pytest.mark.parametrize(("value", "text"), [(D("5600.00"), "5600"), (D("12.50"), "12.5"), (D("0.0"), "0"),
                                             (D("7"), "7"), (D("1E+3"), "1000"), (None, None)])
def test_plain_number(value, text):
    assert rules.plain_number(value) == text


# ---------------------------------------------------------------- renamed units

@pytest.mark.parametrize(("successors", "unit", "current"), [
    ({}, 1, 1),
    ({1: 2}, 1, 2),
    ({1: 2, 2: 3}, 1, 3),  # renamed twice: counts for today's unit
    ({1: 2, 2: 3}, 3, 3),
    ({1: 2, 2: 1}, 1, 2),  # a cycle in bad data ends the walk
    ({1: None}, 1, 1),
])
def test_unit_chain_current(successors, unit, current):
    chain = UnitChain(successors.items())
    assert chain.current(unit) == current
    assert chain.current(unit) == current  # the cached answer


@pytest.mark.parametrize(("successors", "unit", "members"), [
    ({}, 5, {5}),
    ({1: 2, 2: 3}, 1, {1, 2, 3}),
    ({1: 3, 2: 3, 4: 5}, 3, {1, 2, 3}),  # two units merged into one
])
def test_unit_chain_members(successors, unit, members):
    assert UnitChain(successors.items()).members(unit) == members


@pytest.mark.parametrize(("rows", "latest"), [
    # the old unit reported later than its successor: its figure counts, once
    ([(1, 10, D("5"), day("2021-06-30")), (1, 11, D("3"), day("2021-03-31"))], {11: Figure(D("5"), JUN30)}),
    ([(1, 10, D("5"), day("2021-03-31")), (1, 11, D("3"), day("2021-06-30"))], {11: Figure(D("3"), JUN30)}),
    # same period: the first one read stays
    ([(1, 10, D("5"), JUN30), (1, 11, D("3"), JUN30)], {11: Figure(D("5"), JUN30)}),
    ([(1, 12, D("4"), JUN30), (1, 11, D("3"), JUN30)], {12: Figure(D("4"), JUN30), 11: Figure(D("3"), JUN30)}),
])
def test_a_renamed_unit_and_its_successor_count_once(rows, latest):
    assert rules.latest_figures(rows, UnitChain([(10, 11)]))[1] == latest


def test_shares_of_a_renamed_unit_and_its_successor_add_up():
    allocations = [Allocation(1, 10, None, D("30")), Allocation(1, 11, None, D("20")),
                   Allocation(1, None, 7, D("50")), Allocation(2, 12, None, D("9"))]
    unit_shares, committee_shares = rules.split_shares(allocations, UnitChain([(10, 11)]))
    assert unit_shares == {1: {11: D("50")}, 2: {12: D("9")}}
    assert committee_shares == {1: {7: D("50")}}


@pytest.mark.parametrize(("figures", "combined"), [
    ([], None),
    ([Figure(D("3"), JUN30)], Figure(D("3"), JUN30)),
    ([Figure(D("3"), JUN30), Figure(D("4.5"), MAR14)], Figure(D("7.5"), JUN30)),
])
def test_a_lower_committee_contributes_what_its_derived_targets_reached(figures, combined):
    assert rules.combined_figure(figures) == combined


# ---------------------------------------------------------------- tasks

def target(status, ratio=None, projection=None, as_of=None, ceiling=False):
    return TargetOutcome(D(0), ratio and D(ratio), projection and D(projection), status, as_of, [], ceiling)


@pytest.mark.parametrize(("statuses", "status"), [
    ({T.REACHED}, TaskState.DONE),
    ({T.REACHED, T.ON_TRACK}, TaskState.ON_TRACK),
    ({T.REACHED, T.NO_DATA}, TaskState.BEHIND),  # a target without figures counts as behind
    ({T.ON_TRACK, T.BEHIND}, TaskState.BEHIND),
    ({T.BEHIND, T.AT_RISK, T.REACHED}, TaskState.AT_RISK),
    ({T.ON_TRACK}, TaskState.ON_TRACK),
])
def test_a_task_is_as_its_worst_target(statuses, status):
    assert rules.worst_status(statuses) == status


@pytest.mark.parametrize(("targets", "units", "reported", "status"), [
    ([], {1, 2}, {}, TaskState.NOT_STARTED),
    ([target(T.NO_DATA)], {1}, {}, TaskState.NOT_STARTED),
    ([target(T.NO_DATA)], {1}, {1: JUN30}, TaskState.BEHIND),  # a report accepted, its target without figures
    ([target(T.REACHED, "1", "2", JUN30), target(T.NO_DATA)], {1}, {1: JUN30}, TaskState.BEHIND),
    ([target(T.REACHED, "1", "2", JUN30)], {1}, {1: JUN30}, TaskState.DONE),
    # without targets: done when every assigned unit's final period is accepted
    ([], {1, 2}, {1: END, 2: END}, TaskState.DONE),
    ([], {1, 2}, {1: END, 2: JUN30}, TaskState.ON_TRACK),
    ([], {1, 2}, {1: END}, TaskState.BEHIND),
    ([], set(), {1: END}, TaskState.ON_TRACK),  # nobody assigned, yet a report accepted
])
def test_task_status(targets, units, reported, status):
    assert rules.task_outcome(targets, units, reported, END).status == status


def test_task_progress_is_its_slowest_target_and_ceilings_do_not_count():
    outcome_ = rules.task_outcome(
        [target(T.ON_TRACK, "0.5", "1.2", MAR14), target(T.BEHIND, "0.7", "0.9", JUN30),
         target(T.ON_TRACK, "0.1", "0.1", OCT19, ceiling=True), target(T.NO_DATA)],
        {1, 2, 3}, {1: MAY26, 2: MAR14}, END)
    assert (outcome_.ratio, outcome_.projection) == (D("0.5"), D("0.9"))
    assert (outcome_.targets_total, outcome_.targets_reached, outcome_.targets_with_data) == (4, 0, 3)
    assert (outcome_.units_assigned, outcome_.units_reported) == (3, 2)
    assert outcome_.as_of == OCT19  # the latest of the targets' figures and of the accepted reports
    assert outcome_.status == TaskState.BEHIND


def test_a_task_with_ceilings_only_has_no_progress_ratio():
    outcome_ = rules.task_outcome([target(T.ON_TRACK, "0.1", "0.2", MAR14, ceiling=True)], {1}, {1: MAR14}, END)
    assert (outcome_.ratio, outcome_.projection, outcome_.status) == (None, None, TaskState.ON_TRACK)


# ---------------------------------------------------------------- the rules speak the models' language

def test_statuses_and_comparator_are_spelled_as_the_models_store_them():
    # imports the models' choices only: no database
    from rollups.models import TargetStatus, TaskStatus
    from targets.models import Target

    def spelled(namespace):
        return {value for name, value in vars(namespace).items() if name.isupper()}

    assert spelled(TargetState) == set(TargetStatus.values)
    assert spelled(TaskState) == set(TaskStatus.values)
    assert (rules.AT_LEAST, AT_MOST) == (Target.Comparator.AT_LEAST, Target.Comparator.AT_MOST)
