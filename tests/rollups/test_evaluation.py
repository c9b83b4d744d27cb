"""The evaluation's yearly values (roll-up of linked targets, or entered with a source) and the evaluation."""
from decimal import Decimal as D

import pytest

from rollups import engine as rollup
from rollups.evaluation import selectors as evaluation
from targets import services
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def fyp(world):
    return f.FiveYearPlanFactory(committee=world.committee)


def test_yearly_values_come_from_rollup_unless_entered(world, reports, fyp):
    ind = f.PlanIndicatorFactory(plan=fyp, name="城镇新增残疾人就业", measure_unit="人", baseline=None,
                                 target_value=D(25000), cumulative=True, kind="expected")
    services.link_targets(user=world.users["office"], plan=world.plan, links={world.target.pk: ind.pk})
    reports.report(2, world.lead_unit, {world.target: 3000})
    reports.report(2, world.part_unit, {world.target: 2800})
    rollup.recompute_year(2021)
    values = evaluation.yearly_values(fyp, [ind])
    assert values[ind.pk] == {2021: (D(5800), evaluation.ROLLUP_SOURCE)}
    services.set_value(user=world.users["office"], indicator=ind, year=2021, value="6000", source="年报")
    services.set_value(user=world.users["office"], indicator=ind, year=2022, value="5000", source="年报")
    ev = evaluation.evaluate_plan(fyp, 2023)
    o = ev.outcomes[0]
    assert o.values == {2021: (D(6000), "年报"), 2022: (D(5000), "年报")}
    assert o.current == D(11000) and o.judgement == "hard"  # 44% < 60% × 0.8


def test_evaluate_plans_equals_one_by_one(world, fyp, django_assert_max_num_queries):
    other = f.FiveYearPlanFactory(committee=world.committee, period_start=2016, period_end=2020)
    for plan in (fyp, other):
        a = f.PlanIndicatorFactory(plan=plan)
        f.IndicatorValueFactory(indicator=a, year=plan.period_start, value=D(83))
        f.PlanIndicatorFactory(plan=plan, cumulative=True, baseline=None, measure_unit="人")
    with django_assert_max_num_queries(3):
        both = evaluation.evaluate_plans([fyp, other], 2023)
    assert list(both) == [fyp.pk]  # 2023 is outside 2016–2020
    one = evaluation.evaluate_plan(fyp, 2023)
    assert [(o.terms.key, o.values, o.judgement, o.reason) for o in one.outcomes] == \
        [(o.terms.key, o.values, o.judgement, o.reason) for o in both[fyp.pk].outcomes]
    assert evaluation.evaluate_plans([other], 2018)[other.pk].outcomes[0].values == {2016: (D(83), "2021年残疾人事业发展统计公报")}
