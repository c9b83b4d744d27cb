"""Five-year plan indicators: constraints, services (permission inside, nothing written when refused),
yearly values with history, linking annual targets, and the evaluation's yearly values from roll-ups."""
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from targets import services
from targets.models import IndicatorValue, PlanIndicator, Target
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def fyp(world):
    return f.FiveYearPlanFactory(committee=world.committee)


def data(**over):
    d = {"number": 1, "name": "城乡残疾人基本康复服务覆盖率", "measure_unit": "%", "baseline": "80",
         "target_value": "85", "kind": "binding", "direction": ">=", "cumulative": False, "responsible_unit": None,
         "weight": None}
    d.update(over)
    return d


def test_constraints_hold_in_the_database(fyp):
    f.PlanIndicatorFactory(plan=fyp, number=1, name="a")
    for bad in ({"number": 1, "name": "b"}, {"number": 2, "name": "a"}, {"number": 3, "name": "c", "kind": "x"},
                {"number": 4, "name": "d", "weight": D(-1)}, {"number": 5, "name": ""}):
        with pytest.raises(IntegrityError), transaction.atomic():
            f.PlanIndicatorFactory(plan=fyp, **bad)
    ind = f.PlanIndicatorFactory(plan=fyp, number=9, name="z")
    f.IndicatorValueFactory(indicator=ind, year=2021)
    for bad in ({"year": 2021}, {"year": 2022, "source": ""}, {"year": 3000}):
        with pytest.raises(IntegrityError), transaction.atomic():
            f.IndicatorValueFactory(indicator=ind, **bad)


def test_office_saves_indicator_others_refused(world, fyp):
    ind = services.save_indicator(user=world.users["office"], plan=fyp, **data(responsible_unit=world.lead_unit))
    assert ind.responsible_unit == world.lead_unit and ind.target_value == D(85)
    for name in ("leader", "lead_reporter", "other_office"):
        with pytest.raises(PermissionDenied):
            services.save_indicator(user=world.users[name], plan=fyp, **data(number=2, name="x"))
    assert PlanIndicator.objects.count() == 1


@pytest.mark.parametrize("bad,message", [
    ({"name": " "}, "名称"), ({"target_value": ""}, "目标值"), ({"target_value": "abc"}, "不是数字"),
    ({"kind": "hard"}, "属性"), ({"direction": "=="}, "方向"), ({"number": "x"}, "序号"), ({"weight": "-2"}, "负数"),
    ({"target_value": "1e30"}, "范围"),
])
def test_bad_indicator_input_writes_nothing(world, fyp, bad, message):
    with pytest.raises(ValidationError, match=message):
        services.save_indicator(user=world.users["office"], plan=fyp, **data(**bad))
    assert not PlanIndicator.objects.exists()


def test_indicator_needs_multi_year_plan_and_own_unit(world, fyp):
    with pytest.raises(ValidationError, match="多年规划"):
        services.save_indicator(user=world.users["office"], plan=world.plan, **data())
    other_unit = f.UnitFactory(committee=world.other_committee)
    with pytest.raises(ValidationError, match="成员单位"):
        services.save_indicator(user=world.users["office"], plan=fyp, **data(responsible_unit=other_unit))
    services.save_indicator(user=world.users["office"], plan=fyp, **data())
    with pytest.raises(ValidationError, match="重复"):
        services.save_indicator(user=world.users["office"], plan=fyp, **data(name="另一个"))


def test_values_keep_history_and_check_year_and_source(world, fyp):
    ind = f.PlanIndicatorFactory(plan=fyp)
    office = world.users["office"]
    services.set_value(user=office, indicator=ind, year=2021, value="82", source="统计公报")
    services.set_value(user=office, indicator=ind, year=2021, value="82.5", source="统计公报（修订）")
    assert IndicatorValue.objects.get().value == D("82.5")
    assert IndicatorValue.history.filter(indicator_id=ind.pk).count() == 2
    for kwargs, message in (({"year": 2026}, "规划期"), ({"source": " "}, "来源"), ({"value": "x"}, "数字"),
                            ({"year": "abc"}, "整数")):
        args = {"year": 2022, "value": "1", "source": "s", **kwargs}
        with pytest.raises(ValidationError, match=message):
            services.set_value(user=office, indicator=ind, **args)
    with pytest.raises(PermissionDenied):
        services.set_value(user=world.users["leader"], indicator=ind, year=2022, value="1", source="s")
    assert IndicatorValue.objects.count() == 1


def test_link_targets_checks_plan_committee_and_period(world, fyp):
    ind = f.PlanIndicatorFactory(plan=fyp)
    office = world.users["office"]
    assert services.link_targets(user=office, plan=world.plan, links={world.target.pk: ind.pk}) == 1
    assert Target.objects.get().plan_indicator == ind
    assert services.link_targets(user=office, plan=world.plan, links={world.target.pk: ind.pk}) == 0
    foreign = f.PlanIndicatorFactory(plan=f.FiveYearPlanFactory(committee=world.other_committee))
    old = f.PlanIndicatorFactory(plan=f.FiveYearPlanFactory(committee=world.committee, period_start=2016,
                                                            period_end=2020))
    for bad in (foreign, old):
        with pytest.raises(ValidationError, match="不属于"):
            services.link_targets(user=office, plan=world.plan, links={world.target.pk: bad.pk})
    other_target = f.TargetFactory()
    with pytest.raises(ValidationError, match="不属于该工作计划"):
        services.link_targets(user=office, plan=world.plan, links={other_target.pk: ind.pk})
    with pytest.raises(PermissionDenied):
        services.link_targets(user=world.users["leader"], plan=world.plan, links={world.target.pk: None})
    assert Target.objects.get(pk=world.target.pk).plan_indicator == ind
    services.link_targets(user=office, plan=world.plan, links={world.target.pk: None})
    assert Target.objects.get(pk=world.target.pk).plan_indicator is None
