"""Explain if red: a figure that leaves its target below 序时进度 needs 存在问题 before submitting.

The world's round is Q2 2021: linear 序时进度 at 30 June is 181/365 = 49.6% of 5600 (≈ 2777).
"""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports import services
from reports.models import ProgressReport, TargetValue
from rollups import engine as rollup
from tests import factories as f

pytestmark = pytest.mark.django_db
S = ProgressReport.Status


def save(world, figure, problems="", unit=None, user="lead_reporter"):
    report = world.report_of(unit or world.lead_unit)
    return services.save_draft(report=report, user=world.users[user], version=report.version,
                               progress="推进中。", problems=problems, figures={world.target.pk: str(figure)})


@pytest.mark.parametrize("figure, problems, submitted", [
    (3000, "", True),  # 53.6% ≥ 49.6%: nothing to explain
    (2000, "", False),  # 35.7% < 49.6%: 存在问题 required
    (2000, "   ", False),  # blanks are no explanation
    (2000, "企业用工需求下降，二季度招聘会推迟。", True),
])
def test_a_lagging_figure_needs_an_explanation(world, figure, problems, submitted):
    report = save(world, figure, problems)
    if submitted:
        assert services.submit(report=report, user=world.users["lead_reporter"]).status == S.SUBMITTED
        return
    with pytest.raises(ValidationError) as caught:
        services.submit(report=report, user=world.users["lead_reporter"])
    messages = caught.value.message_dict["problems"]
    assert "完成率 35.7%，低于序时进度 49.6%。" in messages[0]
    assert "请在“存在问题”中说明原因" in messages[-1]
    assert ProgressReport.objects.get(pk=report.pk).status == S.DRAFT  # nothing written by the refusal


def test_tolerance_and_weights_of_the_target_count(world):
    world.plan.pace_tolerance = Decimal("0.15")  # 49.6% − 15 points: 35.7% is within
    world.plan.save()
    report = save(world, 2000)
    assert services.submit(report=report, user=world.users["lead_reporter"]).status == S.SUBMITTED


def test_weighted_curve_expects_less_before_q4(world):
    world.target.pace_weights = [1, 1, 1, 3]  # by 30 June 2 of 6 = 33.3%
    world.target.save()
    report = save(world, 2000)
    assert services.submit(report=report, user=world.users["lead_reporter"]).status == S.SUBMITTED


def test_the_other_units_figures_in_the_roll_up_count(world):
    # the participating unit's accepted 1500 plus the lead's 2000 = 3500 (62.5%): no lag
    part = world.report_of(world.part_unit)
    ProgressReport.objects.filter(pk=part.pk).update(status=S.ACCEPTED, progress="已完成。")
    TargetValue.objects.create(report=part, target=world.target, value=Decimal(1500))
    rollup.recompute_plan(world.plan.pk, 2021)
    report = save(world, 2000)
    assert services.submit(report=report, user=world.users["lead_reporter"]).status == S.SUBMITTED


def test_a_split_target_judges_the_units_own_share(world):
    f.AllocationFactory(target=world.target, unit=world.lead_unit, value=Decimal("1000"))
    report = save(world, 600)  # 60% of its share ≥ 49.6%
    assert services.submit(report=report, user=world.users["lead_reporter"]).status == S.SUBMITTED


def test_the_web_form_shows_the_message_and_keeps_the_draft(client, world):
    report = save(world, 1000)
    client.force_login(world.users["lead_reporter"])
    response = client.post(reverse("report-action", args=[report.pk, "submit"]), follow=True)
    html = response.content.decode()
    assert "低于序时进度" in html and "存在问题" in html
    assert ProgressReport.objects.get(pk=report.pk).status == S.DRAFT
