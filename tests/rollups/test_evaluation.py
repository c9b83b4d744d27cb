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
