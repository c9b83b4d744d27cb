"""The judgement rules of the five-year plan evaluation, table-driven (pure functions, no database)."""
from decimal import Decimal as D

import pytest

from rollups.evaluation import rules
from rollups.evaluation.rules import DONE, HARD, LIKELY, IndicatorTerms


def terms(*, baseline="80", target="85", kind="binding", direction=">=", cumulative=False, weight=None):
    return IndicatorTerms(key=1, name="指标", measure_unit="%", baseline=None if baseline is None else D(baseline),
                          target=D(target), kind=kind, direction=direction, cumulative=cumulative,
                          weight=None if weight is None else D(weight))


def values(**by_year):
    return {int(y[1:]): (D(v), "来源") for y, v in by_year.items()}


CASES = [
    # id, terms, values, year, judgement, completion, reason contains
    ("no data", terms(), {}, 2023, HARD, None, "暂无数据"),
    ("reached at mid-term", terms(), values(y2021="82", y2023="86"), 2023, DONE, "1.2", "达到"),
    ("ahead of schedule", terms(), values(y2023="83.5"), 2023, LIKELY, "0.7", "不低于序时进度"),
    ("exactly on schedule", terms(), values(y2023="83"), 2023, LIKELY, "0.6", "不低于序时进度"),
    ("binding behind", terms(), values(y2023="82.5"), 2023, HARD, "0.5", "约束性"),
    ("expected slightly behind", terms(kind="expected"), values(y2023="82.5"), 2023, LIKELY, "0.5", "预期性"),
    ("expected far behind", terms(kind="expected"), values(y2023="81"), 2023, HARD, "0.2", "低于序时进度"),
    ("final not reached", terms(), values(y2025="84.9"), 2025, HARD, "0.98", "规划期末未达到"),
    ("final reached", terms(), values(y2025="85"), 2025, DONE, "1", "达到"),
    ("ceiling reached", terms(baseline="10", target="5", direction="<="), values(y2023="5"), 2023, DONE, "1", "不高于"),
    ("ceiling on schedule", terms(baseline="10", target="5", direction="<="), values(y2023="7"), 2023, LIKELY, "0.6",
     "不低于"),
    ("ceiling behind", terms(baseline="10", target="5", direction="<="), values(y2023="9"), 2023, HARD, "0.2", "低于"),
    ("cumulative sum", terms(baseline=None, target="50", cumulative=True), values(y2021="10", y2022="10", y2023="11"),
     2023, LIKELY, "0.62", "不低于"),
    ("cumulative behind", terms(baseline=None, target="50", cumulative=True), values(y2021="5", y2022="5"), 2023, HARD,
     "0.2", "低于"),
    ("later years ignored", terms(), values(y2021="81", y2024="90"), 2023, HARD, "0.2", "低于"),
    ("no baseline: ratio", terms(baseline=None), values(y2023="60"), 2023, LIKELY, "0.7059", "不低于"),
]


@pytest.mark.parametrize("t,vals,year,judgement,done,reason", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_judgement(t, vals, year, judgement, done, reason):
    o = rules.evaluate_indicator(t, vals, start=2021, end=2025, year=year)
    assert o.judgement == judgement
    assert (o.completion is None and done is None) or o.completion == D(done).quantize(rules.Q4)
    assert reason in o.reason
    assert o.elapsed == (D("0.6") if year == 2023 else D(1))


@pytest.mark.parametrize("start,end,year,share", [(2021, 2025, 2021, "0.2"), (2021, 2025, 2023, "0.6"),
                                                  (2021, 2025, 2025, "1"), (2021, 2025, 2030, "1"),
                                                  (2021, 2025, 2019, "0.2"), (2016, 2020, 2018, "0.6")])
def test_elapsed_share(start, end, year, share):
    assert rules.elapsed_share(start, end, year) == D(share)


def test_ratio_to_target_and_to_elapsed():
    o = rules.evaluate_indicator(terms(), values(y2023="83"), start=2021, end=2025, year=2023)
    assert o.current == D("83") and o.ratio_to_target == D("0.9765") and o.ratio_to_elapsed == D(1)


def test_weighted_index_caps_completion_and_counts_missing_as_zero():
    ts = [terms(weight="2"), IndicatorTerms(2, "b", "人", None, D("10"), weight=D("1"), cumulative=True),
          IndicatorTerms(3, "c", "人", None, D("10"), weight=D("1"))]
    ev = rules.evaluate(ts, {1: values(y2023="90"), 2: values(y2022="5")}, start=2021, end=2025, year=2023)
    assert ev.index == D("62.50")  # (2×1 + 1×0.5 + 1×0) / 4
    assert rules.evaluate([terms()], {}, start=2021, end=2025, year=2023).index is None


def test_national_sentence():
    ts = [terms(), IndicatorTerms(2, "b", "人", None, D("10"), kind="expected"),
          IndicatorTerms(3, "c", "%", D("1"), D("2"), kind="expected")]
    ev = rules.evaluate(ts, {1: values(y2023="86"), 2: values(y2023="7"), 3: values(y2023="1")},
                        start=2021, end=2025, year=2023)
    assert ev.label == "中期评估"
    assert ev.sentence() == ("3项主要指标中，1项约束性指标、2项预期性指标。已完成1项，预计能完成1项，完成有难度1项；"
                             "约束性指标已完成1项、预计能完成0项、完成有难度0项。")
    final = rules.evaluate(ts[:1], {1: values(y2025="86")}, start=2021, end=2025, year=2025)
    assert final.label == "总结评估"
    assert final.sentence().endswith("主要指标全面实现。")
