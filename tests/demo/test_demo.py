import pytest
from django.core.management import call_command

from reports.models import ProgressReport
from targets.models import Target
from tasks.models import Task, WorkPlan
from units.models import Unit

pytestmark = pytest.mark.django_db


def test_load_demo_builds_the_jilin_plan_once(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "office" in out and "luoshi-demo-2021" in out
    plan = WorkPlan.objects.get(doc_number="吉政残工委发〔2021〕2号")
    assert plan.tasks.count() == 21 and plan.sections.count() == 8
    assert Target.objects.filter(task__plan=plan).count() == 4
    task5 = Task.objects.get(plan=plan, ref="5")
    assert [u.short_name for u in task5.lead_units] == ["省残联"]
    assert Task.objects.get(plan=plan, ref="7").all_member_units
    assert ProgressReport.objects.filter(status="accepted").exists()
    assert ProgressReport.objects.filter(status="approved").exists()
    assert Unit.objects.get(short_name="省卫生计生委").successor.short_name == "省卫生健康委"

    counts = (WorkPlan.objects.count(), Task.objects.count(), ProgressReport.objects.count())
    call_command("load_demo")
    assert "未重复载入" in capsys.readouterr().out
    assert (WorkPlan.objects.count(), Task.objects.count(), ProgressReport.objects.count()) == counts


def test_demo_reports_carry_2021_dates_so_timeliness_is_meaningful():
    from rollups.models import UnitRollup

    call_command("load_demo", stdout=open("/dev/null", "w"))
    federation = UnitRollup.objects.get(unit__short_name="省残联", year=2021)
    civil_affairs = UnitRollup.objects.get(unit__short_name="省民政厅", year=2021)
    assert federation.reports_on_time == federation.reports_submitted > 0
    assert 0 < civil_affairs.reports_on_time < civil_affairs.reports_submitted  # late in the third quarter
    assert not ProgressReport.objects.filter(submitted_at__year__gt=2022).exists()


def test_demo_has_a_scoring_scheme_with_scores():
    from django.contrib.auth import get_user_model

    from demo.loading import load_demo
    from rollups.models import ScoringScheme
    from rollups.scoring import selectors

    load_demo()
    load_demo()
    scheme = ScoringScheme.objects.get(committee__code="jilin", year=2021)
    assert scheme.items.count() == 6 and scheme.adjustments.count() == 1
    cards, top = selectors.results(get_user_model().objects.get(username="office"), scheme)
    assert top == 100 and len(cards) > 10
    assert any(line.link for c in cards for i in c.items for line in i.lines)
    rs_cards, _ = selectors.results(get_user_model().objects.get(username="rs_reporter"), scheme)
    assert [c.name for c in rs_cards] == ["省人社厅"]


@pytest.mark.django_db
def test_demo_has_a_five_year_plan_with_mid_term_and_final_evaluation():
    from demo.loading import load_demo
    from rollups.evaluation.selectors import evaluate_plan

    load_demo()
    plan = WorkPlan.objects.get(title__contains="十四五")
    assert plan.indicators.count() == 10
    assert Target.objects.filter(plan_indicator__plan=plan).count() == 3
    mid, final = evaluate_plan(plan, 2023), evaluate_plan(plan, 2025)
    assert mid.sentence().startswith("10项主要指标中，5项约束性指标、5项预期性指标。")
    assert {o.judgement for o in mid.outcomes} == {"done", "likely", "hard"}
    assert any(v[1] == "年度计划目标汇总" for o in mid.outcomes for v in o.values.values())
    assert final.counts()["done"] == 9 and final.index is not None
    assert load_demo() is False and plan.indicators.count() == 10  # once
