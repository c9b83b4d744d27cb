"""The five-year plan evaluation at province scale: 70 committees each with a 十四五 plan of 10 main
indicators, every target of their five annual plans (2021–2025, 5 years of reports rolled up) linked to one
of them, and an entered value for two indicators a year; the mid-term (2023) and final (2025) evaluation
of all 70 plans, against the bare SQL that reads the same yearly values (``floor_evaluation.sql``).

Prints one JSON line per evaluation year: {"name": "fyp_evaluation_2023", "value": s, "floor": s, "ratio": …}.
The evaluation is checked, not only timed: every indicator's yearly values must equal the floor's.
The 十四五 plans are drafts (outside the roll-up) and are created once in the bench database.
"""
import statistics
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection, transaction

from rollups import engine as rollup
from rollups.evaluation.selectors import ROLLUP_SOURCE, evaluate_plan, evaluate_plans
from rollups.models import RollupRun
from targets.models import IndicatorValue, PlanIndicator, Target
from tasks.models import WorkPlan
from tests.bench.test_rollup_bench import Peak, emit
from units.models import Committee

pytestmark = pytest.mark.bench

HERE = Path(__file__).resolve().parent
RUNS = 5
MAX_RATIO = 3.0
TITLE = "“十四五”残疾人保障和发展规划（基准）"


def _plans():
    plans = []
    for committee in Committee.objects.order_by("id"):
        plan, created = WorkPlan.objects.get_or_create(
            committee=committee, title=TITLE,
            defaults={"kind": WorkPlan.Kind.FIVE_YEAR, "period_start": 2021, "period_end": 2025,
                      "status": WorkPlan.Status.DRAFT})
        if created:
            with transaction.atomic():
                indicators = PlanIndicator.objects.bulk_create([
                    PlanIndicator(plan=plan, number=n, name=f"主要指标{n}", measure_unit="人", target_value=1000 * n,
                                  cumulative=n % 2 == 0, baseline=None if n % 2 == 0 else 10 * n,
                                  kind="binding" if n <= 5 else "expected", weight=n % 3 or None)
                    for n in range(1, 11)])
                targets = list(Target.objects.filter(task__plan__committee=committee, task__plan__period_start__gte=2021,
                                                     task__plan__period_end__lte=2025,
                                                     task__plan__period_start=models_f("task__plan__period_end"))
                               .order_by("id").values_list("id", flat=True))
                for k, ind in enumerate(indicators):
                    Target.objects.filter(pk__in=targets[k::10]).update(plan_indicator=ind)
                IndicatorValue.objects.bulk_create([
                    IndicatorValue(indicator=indicators[(y + j) % 10], year=y, value=Decimal(500 + y % 7),
                                   source=f"{y}年统计公报") for y in range(2021, 2026) for j in (0, 5)])
        plans.append(plan)
    return plans


def models_f(name):
    from django.db.models import F

    return F(name)


def floor(plan_ids, year):
    with connection.cursor() as cur:
        cur.execute((HERE / "floor_evaluation.sql").read_text(), {"plans": plan_ids, "year": year})
        return cur.fetchall()


def evaluate_all(plans, year):
    return evaluate_plans(plans, year)


@pytest.mark.parametrize("year", [2023, 2025])
def test_fyp_evaluation_province(bench_db, year):
    for y in range(2021, year + 1):
        if not RollupRun.objects.filter(year=y, computed_at__isnull=False).exists():
            rollup.recompute_year(y)
    plans = _plans()
    assert len(plans) >= 70
    ids = [p.pk for p in plans]
    peak = Peak()
    evaluations = evaluate_all(plans, year)
    expected = defaultdict(dict)
    rows = floor(ids, year)
    for indicator_id, y, value, source in rows:  # entered values win over the roll-up
        if source != "rollup" or y not in expected[indicator_id]:
            expected[indicator_id][y] = (value, ROLLUP_SOURCE if source == "rollup" else source)
    got = {o.terms.key: o.values for ev in evaluations.values() for o in ev.outcomes}
    wrong = [k for k in got if got[k] != expected.get(k, {})]
    assert not wrong, wrong[:5]
    one = evaluate_plan(plans[0], year)  # the page's evaluation of one plan says the same
    assert [(o.terms.key, o.values, o.judgement) for o in one.outcomes] == \
        [(o.terms.key, o.values, o.judgement) for o in evaluations[plans[0].pk].outcomes]
    assert sum(len(v) for v in got.values()) >= 70 * 10 * 2
    values, floors = [], []
    peak.reset()
    for _ in range(RUNS):
        start = time.perf_counter()
        evaluate_all(plans, year)
        values.append(time.perf_counter() - start)
        start = time.perf_counter()
        floor(ids, year)
        floors.append(time.perf_counter() - start)
    line = emit(f"fyp_evaluation_{year}", statistics.median(values), statistics.median(floors), MAX_RATIO, peak.mb())
    print(f"  {len(plans)} plans, {len(got)} indicators")
    assert line["value"] < 10
