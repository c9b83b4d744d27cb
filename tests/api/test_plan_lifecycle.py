"""The plan lifecycle over the API: publish, close, archive, revise a target with a reason, read the history."""
from decimal import Decimal

import pytest

from reports import services as report_services
from tasks.models import Assignment, PlanChange, WorkPlan
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world):
    plan = f.WorkPlanFactory(committee=world.committee, status=WorkPlan.Status.DRAFT, period_start=2022,
                             period_end=2022)
    task = f.TaskFactory(plan=plan)
    f.TargetFactory(task=task, value=Decimal("10"))
    return plan, task


def test_publish_refused_with_every_problem_then_done(api, world, tokens, draft):
    plan, task = draft
    url = f"/api/v1/plans/{plan.pk}/publish/"
    response = api(tokens.write_own).post(url)
    assert response.status_code == 400
    assert "没有牵头单位" in str(response.json()) and plan.status == WorkPlan.Status.DRAFT
    f.AssignmentFactory(task=task, unit=world.lead_unit, role=Assignment.Role.LEAD)
    response = api(world.users["office"]).post(url)
    assert response.status_code == 200 and response.json()["status"] == "published"


@pytest.mark.parametrize("who, expected", [
    (None, 401), ("lead_reporter", 403), ("leader", 403), ("other_office", 404), ("read_own", 403),
    ("write_other", 404),
])
def test_refused_callers_write_nothing(api, world, tokens, draft, who, expected):
    plan, task = draft
    f.AssignmentFactory(task=task, unit=world.lead_unit, role=Assignment.Role.LEAD)
    caller = getattr(tokens, who, None) if who in ("read_own", "write_other") else world.users.get(who)
    before = (list(WorkPlan.objects.values_list("status", flat=True)), PlanChange.objects.count())
    client = api(caller)
    for url in (f"/api/v1/plans/{plan.pk}/publish/", f"/api/v1/plans/{plan.pk}/archive/",
                f"/api/v1/targets/{world.target.pk}/revise/"):
        response = client.post(url, {"value": "1", "reason": "x"}, format="json")
        assert response.status_code == expected, (url, response.content)
    assert (list(WorkPlan.objects.values_list("status", flat=True)), PlanChange.objects.count()) == before


def test_revise_a_target_needs_a_reason_and_shows_in_the_history(api, world, tokens):
    client = api(tokens.write_own)
    url = f"/api/v1/targets/{world.target.pk}/revise/"
    response = client.post(url, {"value": "6000"}, format="json")
    assert response.status_code == 400 and "调整原因" in str(response.json())
    bad = client.post(url, {"value": "-1", "reason": "x"}, format="json")
    assert bad.status_code == 400
    response = client.post(url, {"value": "6000", "reason": "省政府调高年度目标"}, format="json")
    assert response.status_code == 200 and Decimal(response.json()["value"]) == 6000
    history = client.get(f"/api/v1/plans/{world.plan.pk}/changes/").json()
    assert history[0]["reason"] == "省政府调高年度目标" and history[0]["is_revision"] is True
    assert history[0]["changes"][0]["before"] == "5600" and history[0]["changes"][0]["after"] == "6000"


def test_close_then_archive(api, world, tokens):
    client = api(tokens.write_own)
    assert client.post(f"/api/v1/plans/{world.plan.pk}/close/", {"reason": "年度结束"}, format="json").status_code == 400
    report_services.close_round(round=world.round, user=world.users["office"])
    assert client.post(f"/api/v1/plans/{world.plan.pk}/close/", {"reason": "年度结束"}, format="json").json()["status"] \
        == "closed"
    assert client.post(f"/api/v1/plans/{world.plan.pk}/archive/").json()["status"] == "archived"
