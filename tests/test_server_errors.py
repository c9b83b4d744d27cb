"""One test per unhandled 500 the security probe found: each is now a clear 4xx (or handled and logged)."""
import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from reports import jobs, services
from reports.models import DeadlineExtension, ReminderLog, ReportingRound
from tasks import importing
from tasks.models import PlanImport, WorkPlan
from units import services as unit_services
from units.models import ApiClient

pytestmark = pytest.mark.django_db
PLAN_TEXT = "2021年重点工作任务\n一、就业\n1.做好残疾人就业工作。（牵头单位：省人社厅）\n".encode()


def _token(world, access):
    client = unit_services.create_api_client(name=f"系统-{access}", committee=world.committee, access=access)
    return unit_services.issue_api_token(client=client)[1]


def _api(key=None, user=None):
    client = APIClient()
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    if user:
        client.force_login(user)
    return client


def test_task_list_by_role_with_a_read_only_token_is_an_empty_page(world):
    response = _api(_token(world, ApiClient.AccessLevel.READ_ONLY)).get("/api/v1/tasks/?role=lead")
    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("year", ["-1", "0", "99999999999999999999"])
@pytest.mark.parametrize("path", ["/reports/", "/reports/rounds/"])
def test_report_pages_with_a_year_out_of_range_do_not_fail(client, world, path, year):
    if path == "/reports/":
        client.force_login(world.users["lead_reporter"])
        assert client.get(path, {"year": year}).status_code == 200
    client.force_login(world.users["office"])
    assert client.get(path, {"year": year}).status_code == 200


def test_round_page_with_a_bad_filter_does_not_fail(client, world):
    client.force_login(world.users["office"])
    response = client.get(f"/reports/rounds/{world.round.pk}/", {"year": "-1", "task": "99999999999999999999999"})
    assert response.status_code == 200


def test_deeply_nested_json_is_a_400_in_the_json_error_body(world):
    body = "[" * 100_000 + "]" * 100_000
    response = _api(user=world.users["office"]).post("/api/v1/plan-imports/1/confirm/", body,
                                                       content_type="application/json")
    assert response.status_code in (400, 404)
    assert set(response.json()) == {"code", "detail", "errors"}
    response = _api(user=world.users["office"]).post("/api/v1/units/", body, content_type="application/json")
    assert response.status_code == 400 and "嵌套" in response.json()["detail"]


def test_an_oversized_json_body_is_a_413_in_the_json_error_body(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = _api(user=world.users["office"]).post("/api/v1/units/", json.dumps({"name": "x" * 5000}),
                                                       content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large" and "过大" in response.json()["detail"]


@pytest.fixture
def preview(world):
    return importing.start_import(committee=world.committee, user=world.users["office"], data=PLAN_TEXT,
                                  filename="plan.txt")


@pytest.mark.parametrize("plan, field", [
    ({"issued_on": "not-a-date"}, "issued_on"),
    ({"issued_on": "2021-02-30"}, "issued_on"),
    ({"issued_on": "9999-12-31"}, "issued_on"),
    ({"title": {"x": 1}}, "title"),
    ({"period_start": 0}, "period_start"),
])
def test_plan_import_confirm_with_bad_plan_fields_is_a_400(world, preview, plan, field):
    response = _api(user=world.users["office"]).post(
        f"/api/v1/plan-imports/{preview.pk}/confirm/", {"unit_choices": {}, "plan": plan}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]["plan"]
    assert WorkPlan.objects.filter(title__contains="2021年重点工作任务").count() == 1  # the world's plan only
    assert PlanImport.objects.get(pk=preview.pk).status == PlanImport.Status.PREVIEW


def test_plan_import_confirm_with_a_good_date_works(world, preview):
    response = _api(user=world.users["office"]).post(
        f"/api/v1/plan-imports/{preview.pk}/confirm/", {"plan": {"issued_on": "2021-03-15", "title": "新计划"}},
        format="json")
    assert response.status_code == 201, response.content
    assert WorkPlan.objects.get(pk=response.json()["plan_id"]).issued_on == datetime.date(2021, 3, 15)


def test_service_refuses_an_invalid_issue_date(world, preview):
    with pytest.raises(ValidationError) as exc:
        importing.confirm_import(record=preview, user=world.users["office"], plan_overrides={"issued_on": "2021-02-30"})
    assert "issued_on" in exc.value.message_dict


def test_deadline_extension_far_in_the_future_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.extend_deadline(round=world.round, user=world.users["office"], unit=world.lead_unit,
                                 due_on=datetime.date(9999, 12, 31))
    assert "due_on" in exc.value.message_dict and "2023-12-31" in exc.value.message_dict["due_on"][0]
    assert not DeadlineExtension.objects.exists()


def test_deadline_extension_form_far_in_the_future_is_a_form_error(client, world):
    client.force_login(world.users["office"])
    response = client.post(f"/reports/rounds/{world.round.pk}/extend/",
                           {"unit": world.lead_unit.pk, "due_on": "9999-12-31", "reason": "x"}, follow=True)
    assert response.status_code in (200, 400)
    assert not DeadlineExtension.objects.exists()


def test_round_dates_outside_the_plan_range_are_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.create_round(plan=world.plan, period_kind="extra", period_label="远期", period_start="2021-01-01",
                              period_end="2021-03-31", opens_on="2021-04-01", due_on="9999-12-31")
    assert "due_on" in exc.value.message_dict
    assert not ReportingRound.objects.filter(period_label="远期").exists()


def test_reminder_job_goes_on_after_one_unit_fails(world, monkeypatch, caplog):
    """A unit whose due date overflows the calendar (stored before validation existed) is logged; others get theirs."""
    DeadlineExtension.objects.create(round=world.round, unit=world.lead_unit, due_on=datetime.date(9999, 12, 31))
    result = jobs.send_round_reminders.delay(world.round.pk, "2021-07-20").get()
    assert ReminderLog.objects.filter(unit=world.part_unit).count() == 1 and len(result) == 1
    assert not ReminderLog.objects.filter(unit=world.lead_unit).exists()

    from reports import reminders

    real = reminders._remind_unit

    def broken_for_lead(rnd, unit, *args):
        if unit.pk == world.lead_unit.pk:
            raise OverflowError("date value out of range")
        return real(rnd, unit, *args)

    monkeypatch.setattr(reminders, "_remind_unit", broken_for_lead)
    ReminderLog.objects.all().delete()
    DeadlineExtension.objects.all().delete()
    result = jobs.send_round_reminders.delay(world.round.pk, "2021-07-20").get()
    assert len(result) == 1 and ReminderLog.objects.get().unit == world.part_unit
    assert "failed" in caplog.text
