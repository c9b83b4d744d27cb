"""考核 rules, table-driven, without a database: facts in, points out."""
from decimal import Decimal as D

import pytest

from rollups.scoring import rules
from rollups.scoring.rules import (
    AdjustmentLine,
    Bands,
    Facts,
    ItemSpec,
    ReportLine,
    ReturnLine,
    TargetLine,
    TaskLine,
)

TIMELY = ItemSpec("timeliness", "按时报送", D(6), per_missing=D(1), per_late=D("0.5"))


def reports(on_time=0, late=0, missing=0, accepted=None):
    lines = []
    for kind, n in ((rules.ON_TIME, on_time), (rules.LATE, late), (rules.MISSING, missing)):
        lines += [ReportLine(f"{kind}{i}", f"/reports/{kind}{i}/", kind, kind != rules.MISSING) for i in range(n)]
    return lines


@pytest.mark.parametrize("on_time,late,missing,expected", [
    (4, 0, 0, "6.00"),        # 按时报送 6分
    (3, 1, 0, "5.50"),        # 迟报1次扣0.5分
    (3, 0, 1, "5.00"),        # 缺报1次扣1分
    (1, 2, 1, "4.00"),        # both
    (0, 0, 7, "0.00"),        # floor 0: 7 missing would be −1
    (0, 0, 0, "6.00"),        # nothing due yet
])
def test_timeliness_the_6_point_rule(on_time, late, missing, expected):
    item = rules.score_timeliness(TIMELY, Facts(reports=reports(on_time, late, missing)))
    assert item.points == D(expected)
    assert D(6) + sum(line.points for line in item.lines) == item.points  # every point is a line
    assert all(line.link for line in item.lines if "最低" not in line.text)


def test_not_due_reports_do_not_count():
    facts = Facts(reports=[ReportLine("q4", "/r/1/", rules.NOT_DUE)])
    assert rules.score_timeliness(TIMELY, facts).points == D(6)
    assert rules.score_completeness(ItemSpec("completeness", "完整", D(10)), facts).points == D(10)


@pytest.mark.parametrize("accepted,expected_reports,points", [
    (4, 4, "10.00"), (3, 4, "7.50"), (0, 4, "0.00"), (2, 3, "6.67"), (0, 0, "10.00"),
])
def test_completeness(accepted, expected_reports, points):
    lines = [ReportLine(str(i), f"/r/{i}/", rules.ON_TIME, i < accepted) for i in range(expected_reports)]
    item = rules.score_completeness(ItemSpec("completeness", "完整", D(10)), Facts(reports=lines))
    assert item.points == D(points)
    assert D(10) + sum(line.points for line in item.lines) == item.points


@pytest.mark.parametrize("returns,points", [([], "5.00"), ([1], "4.00"), ([2, 1], "2.00"), ([3, 4], "0.00")])
def test_returns_deduction_per_return(returns, points):
    facts = Facts(returns=[ReturnLine(f"r{i}", f"/reports/{i}/history/", n) for i, n in enumerate(returns)])
    item = rules.score_returns(ItemSpec("returns", "退回", D(5), per_return=D(1)), facts)
    assert item.points == D(points)
    assert D(5) + sum(line.points for line in item.lines) == item.points


@pytest.mark.parametrize("targets,points", [
    ([(D("1.0"), D(1))], "20.00"),
    ([(D("1.5"), D(1))], "20.00"),                    # capped at 100 %
    ([(D("0.5"), D(1)), (D("1"), D(1))], "15.00"),    # equal weights
    ([(D("0.5"), D(3)), (D("1"), D(1))], "12.50"),    # weighted: (1.5 + 1) / 4
    ([(None, D(1)), (D("1"), D(1))], "10.00"),        # no data attains 0
    ([(D("0"), D(0)), (D("1"), D(1))], "20.00"),      # weight 0 is left out
    ([], "20.00"),                                    # no target: full points
])
def test_targets_weighted_and_capped(targets, points):
    facts = Facts(targets=[TargetLine(f"t{i}", f"/t/{i}/", r, w) for i, (r, w) in enumerate(targets)])
    item = rules.score_targets(ItemSpec("targets", "目标", D(20)), facts)
    assert item.points == D(points)
    assert D(20) + sum(line.points for line in item.lines) == item.points


def test_at_most_target_attains_while_within_ceiling():
    assert TargetLine("x", "", D("0.9"), at_most=True).attainment == 1
    assert TargetLine("x", "", D("1.1"), at_most=True).attainment == 0


@pytest.mark.parametrize("tasks,points", [([1, 1, 0], "6.67"), ([0], "0.00"), ([], "10.00")])
def test_tasks(tasks, points):
    facts = Facts(tasks=[TaskLine(f"任务{i}", f"/t/{i}/", d) for i, d in enumerate(tasks)])
    item = rules.score_tasks(ItemSpec("tasks", "任务", D(10)), facts)
    assert item.points == D(points)
    assert D(10) + sum(line.points for line in item.lines) == item.points


def test_lower_committee_tasks_counted_as_done_of_total():
    item = rules.score_tasks(ItemSpec("tasks", "任务", D(10)), Facts(tasks=[TaskLine("本级", "/d/", 3, 4)]))
    assert item.points == D("7.50") and item.lines[0].points == D("-2.50")


@pytest.mark.parametrize("entries,cap,points", [
    ([D(2), D(-1)], D(5), "1.00"),
    ([D(4), D(3)], D(5), "5.00"),      # bonuses capped
    ([D(4), D(3), D(-2)], D(5), "3.00"),
    ([D(4), D(3)], D(0), "7.00"),      # 0: no cap
])
def test_adjustments(entries, cap, points):
    facts = Facts(adjustments=[AdjustmentLine(f"事由{i}", f"#a{i}", p) for i, p in enumerate(entries)])
    item = rules.score_adjustments(ItemSpec("adjustments", "加减分", cap), facts)
    assert item.points == D(points)
    assert sum(line.points for line in item.lines) == item.points


def test_total_not_below_zero_and_is_sum_of_items():
    items = [TIMELY, ItemSpec("adjustments", "加减分", D(0))]
    card = rules.score(items, Facts(reports=reports(1), adjustments=[AdjustmentLine("通报批评", "#a", D(-10))]))
    assert card.total == D(0)
    card = rules.score(items, Facts(reports=reports(1, 1), adjustments=[AdjustmentLine("表扬", "#a", D(2))]))
    assert card.total == D("7.50")


def test_ranking_ties_share_a_rank_and_the_next_skips():
    cards = [rules.Card(k, k, "unit", [], D(t)) for k, t in [("a", 90), ("b", 95), ("c", 90), ("d", 80), ("e", 95)]]
    ranked = rules.rank(cards, Bands(D(90), D(85), D(60)))
    assert [(c.key, c.rank, c.band) for c in ranked] == [
        ("b", 1, "excellent"), ("e", 1, "excellent"), ("a", 3, "excellent"), ("c", 3, "excellent"), ("d", 5, "fair")]


@pytest.mark.parametrize("total,band", [("90", "excellent"), ("89.99", "good"), ("80", "good"), ("60", "fair"),
                                        ("59.99", "poor"), ("0", "poor")])
def test_bands_thresholds(total, band):
    assert Bands(D(90), D(80), D(60)).of(D(total)) == band
