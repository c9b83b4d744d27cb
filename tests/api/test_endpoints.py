"""What the endpoints return, their filters, the writes, the exports, and bad input.

Every error must come back as the common body ``{"code", "detail", "errors"}`` with a
Chinese message, with the status that fits (400/401/403/404/409), and must write nothing.
"""
import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from reports import services as report_services
from reports.models import ProgressReport, RefusedEdit, ReportingRound
from tasks.models import Assignment, Task, WorkPlan
from tests import factories as f
from units.models import Unit, UnitAlias

pytestmark = pytest.mark.django_db


def error(response, status):
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert set(body) == {"code", "detail", "errors"} and body["detail"]
    return body


# ---------------------------------------------------------------- reading

def test_task_shows_units_and_targets(world, api):
    world.lead_unit.successor = f.UnitFactory(committee=world.committee, short_name="省人社新厅")
    world.lead_unit.save()
    data = api(world.users["office"]).get(f"/api/v1/tasks/{world.task.pk}/").json()
    assert data["ref"] == "5" and data["plan"] == world.plan.pk
    assert data["assignments"] == [
        {"unit": world.lead_unit.pk, "unit_name": "省人社厅（现省人社新厅）", "role": "lead", "order": 1},
        {"unit": world.part_unit.pk, "unit_name": "省民政厅", "role": "participating", "order": 2},
    ]
    assert data["targets"][0]["value"] == "5600.0000" and data["targets"][0]["comparator"] == ">="


def test_units_come_with_aliases(world, api):
    UnitAlias.objects.create(committee=world.committee, unit=world.lead_unit, name="省人力资源社会保障厅")
    rows = api(world.users["lead_reporter"]).get("/api/v1/units/", {"q": "人力资源"}).json()["results"]
    assert [(r["short_name"], r["aliases"]) for r in rows] == [("省人社厅", ["省人力资源社会保障厅"])]


def test_target_shows_allocations(world, api):
    f.AllocationFactory(target=world.target, unit=world.lead_unit, value=Decimal("3000"))
    data = api(world.users["leader"]).get(f"/api/v1/targets/{world.target.pk}/").json()
    assert data["plan"] == world.plan.pk and data["allocations"][0]["value"] == "3000.0000"
    assert "5600" in data["display"]


def test_task_filters(world, api):
    other_plan = f.WorkPlanFactory(committee=world.committee, title="2022年计划", period_start=2022, period_end=2022)
    late = f.TaskFactory(plan=other_plan, ref="1", text="推进无障碍改造。", deadline=datetime.date(2022, 12, 31))
    f.AssignmentFactory(task=late, unit=world.part_unit, role=Assignment.Role.LEAD)
    client = api(world.users["office"])

    def refs(**params):
        return sorted(t["text"][:4] for t in client.get("/api/v1/tasks/", params).json()["results"])

    assert refs(plan=world.plan.pk) == ["城镇新增"]
    assert refs(year=2022) == ["推进无障碍"[:4]]
    assert refs(unit=world.part_unit.pk) == ["城镇新增", "推进无障"]
    assert refs(unit=world.part_unit.pk, role="lead") == ["推进无障"]
    assert refs(unit=world.part_unit.pk, role="participating") == ["城镇新增"]
    assert refs(due_after="2022-01-01") == ["推进无障"]
    assert refs(due_before="2022-01-01") == []
    assert refs(q="无障碍") == ["推进无障"]
    assert refs(committee=world.other_committee.pk) == []


def test_role_alone_means_my_units(world, api):
    other = f.TaskFactory(plan=world.plan, ref="6", text="另一项任务。")
    f.AssignmentFactory(task=other, unit=world.lead_unit, role=Assignment.Role.PARTICIPATING)
    client = api(world.users["lead_reporter"])
    assert [t["ref"] for t in client.get("/api/v1/tasks/", {"role": "lead"}).json()["results"]] == ["5"]
    assert [t["ref"] for t in client.get("/api/v1/tasks/", {"role": "participating"}).json()["results"]] == ["6"]


def test_plan_filters_and_ordering(world, api):
    f.WorkPlanFactory(committee=world.committee, title="十四五残疾人保障规划", period_start=2021, period_end=2025,
                      kind=WorkPlan.Kind.FIVE_YEAR, status=WorkPlan.Status.DRAFT)
    client = api(world.users["office"])

    def titles(**params):
        return [p["title"] for p in client.get("/api/v1/plans/", params).json()["results"]]

    assert titles(year=2024) == ["十四五残疾人保障规划"]
    assert titles(status="published") == ["2021年重点工作任务"]
    assert titles(kind="five_year", q="规划") == ["十四五残疾人保障规划"]
    assert titles(ordering="-title") == sorted(titles(), reverse=True)
    assert titles(committee=world.committee.pk, ordering="title") == sorted(titles())


def test_targets_and_rounds_filters(world, api):
    client = api(world.users["office"])
    assert client.get("/api/v1/targets/", {"plan": world.plan.pk, "q": "就业"}).json()["count"] == 1
    assert client.get("/api/v1/targets/", {"unit": world.lead_unit.pk, "role": "participating"}).json()["count"] == 0
    assert client.get("/api/v1/rounds/", {"plan": world.plan.pk, "closed": "false"}).json()["count"] == 1
    assert client.get("/api/v1/rounds/", {"due_before": "2021-07-01"}).json()["count"] == 0


def test_reports_use_the_web_filterset(world, api):
    report = world.report_of(world.lead_unit)
    report_services.save_draft(report=report, user=world.users["lead_reporter"], version=1, progress="完成就业3000人")
    client = api(world.users["office"])
    assert [r["unit"] for r in client.get("/api/v1/reports/", {"q": "3000"}).json()["results"]] == [world.lead_unit.pk]
    assert client.get("/api/v1/reports/", {"status": ["draft", "returned"]}).json()["count"] == 2
    assert client.get("/api/v1/reports/", {"role": "lead", "plan": world.plan.pk}).json()["count"] == 1
    assert client.get("/api/v1/reports/", {"year": 2021, "task": world.task.pk}).json()["count"] == 2


def test_pagination_is_consistent(world, api):
    for i in range(7):
        f.TaskFactory(plan=world.plan, ref=f"p{i}")
    data = api(world.users["office"]).get("/api/v1/tasks/", {"page_size": 3, "page": 2}).json()
    assert data["count"] == 8 and len(data["results"]) == 3 and data["next"] and data["previous"]


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize(("url", "field"), [
    ("/api/v1/tasks/?plan=abc", "plan"),
    ("/api/v1/tasks/?plan=-1", "plan"),
    ("/api/v1/tasks/?plan=99999999999999999999999", "plan"),
    ("/api/v1/tasks/?year=1e400", "year"),
    ("/api/v1/tasks/?due_before=2021-13-45", "due_before"),
    ("/api/v1/tasks/?role=boss", "role"),
    ("/api/v1/plans/?committee=abc", "committee"),
    ("/api/v1/plans/?year=99999", "year"),
    ("/api/v1/reports/?year=99999", "year"),
    ("/api/v1/reports/?task=1.5", "task"),
    ("/api/v1/reports/?status=lost", "status"),
    ("/api/v1/units/?q=%00", "q"),
])
def test_bad_filters_are_400_with_field_errors(world, api, url, field):
    body = error(api(world.users["office"]).get(url), 400)
    assert field in body["errors"]


def test_unknown_page_is_404(world, api):
    error(api(world.users["office"]).get("/api/v1/tasks/", {"page": 99}), 404)


@pytest.mark.parametrize("pk", ["0", "99999999999999999999999", "abc"])
def test_unknown_objects_are_404(world, api, pk):
    body = error(api(world.users["office"]).get(f"/api/v1/tasks/{pk}/"), 404)
    assert body["code"] == "not_found" and "找不到" in body["detail"]


def test_malformed_json_is_400(world, api):
    response = api(world.users["office"]).generic("POST", "/api/v1/units/", "{not json", content_type="application/json")
    error(response, 400)


def test_other_content_types_are_415(world, api):
    response = api(world.users["office"]).post("/api/v1/units/", {"code": "x"})  # multipart form
    assert response.status_code == 415 and response.json()["detail"]


# ---------------------------------------------------------------- writes: units, plans, rounds

def test_office_adds_a_unit_with_aliases(world, api):
    response = api(world.users["office"]).post("/api/v1/units/", {
        "committee": world.committee.pk, "code": "jy", "short_name": "省教育厅", "aliases": ["吉林省教育厅"],
    }, format="json")
    assert response.status_code == 201
    assert response.json()["aliases"] == ["吉林省教育厅"]
    assert Unit.objects.get(code="jy").aliases.get().name == "吉林省教育厅"


def test_duplicate_unit_is_400_and_writes_nothing(world, api):
    body = error(api(world.users["office"]).post("/api/v1/units/", {
        "committee": world.committee.pk, "code": "rs2", "short_name": "省人社厅"}, format="json"), 400)
    assert body["errors"] and Unit.objects.filter(short_name="省人社厅").count() == 1


def test_alias_taken_by_another_unit_is_400(world, api):
    UnitAlias.objects.create(committee=world.committee, unit=world.part_unit, name="民政")
    body = error(api(world.users["office"]).post(f"/api/v1/units/{world.lead_unit.pk}/aliases/", {"name": "民政"},
                                                 format="json"), 400)
    assert "省民政厅" in body["errors"]["name"][0]


PLAN = {
    "title": "2022年重点工作任务", "doc_number": "某残工委发〔2022〕1号", "period_start": 2022, "status": "published",
    "sections": [{"path": "一", "title": "就业"}],
    "tasks": [
        {"ref": "1", "section": "一", "text": "城镇新增残疾人就业6000人。", "deadline": "2022-12-31",
         "lead_units": ["省人社厅"], "participating_units": ["省民政厅", "各成员单位"],
         "targets": [{"indicator": "城镇新增残疾人就业", "value": "6000", "unit": "人"}]},
        {"text": "开展无障碍环境建设。", "lead_units": ["省民政厅"]},
    ],
}


def test_office_creates_a_whole_plan(world, api):
    response = api(world.users["office"]).post("/api/v1/plans/", {**PLAN, "committee": world.committee.pk}, format="json")
    assert response.status_code == 201, response.content
    plan = WorkPlan.objects.get(pk=response.json()["id"])
    assert response.json()["task_count"] == 2 and plan.created_by == world.users["office"]
    first = plan.tasks.get(ref="1")
    assert first.section.title == "就业" and first.all_member_units and first.targets.get().value == Decimal("6000")
    assert [a.unit.short_name for a in first.assignments.order_by("order")] == ["省人社厅", "省民政厅"]
    assert plan.tasks.get(ref="2").text == "开展无障碍环境建设。"


@pytest.mark.parametrize(("change", "field"), [
    ({"tasks": [{"text": "任务。", "lead_units": ["不存在的厅"]}]}, "non_field_errors"),
    ({"tasks": [{"text": "任务。", "section": "九"}]}, "tasks"),
    ({"tasks": [{"ref": "1", "text": "甲。"}, {"ref": "1", "text": "乙。"}]}, "tasks"),
    ({"sections": [{"path": "一", "title": "甲"}, {"path": "一", "title": "乙"}]}, "sections"),
    ({"sections": [{"path": "这是一个超过二十个字的章节序号这是一个超过二十个字", "title": "甲"}]}, "sections"),
    ({"period_start": 2022, "period_end": 2020}, "period_end"),
    ({"period_start": 3000}, "period_start"),
    ({"tasks": [{"text": "任务。", "targets": [{"indicator": "x", "value": "-1", "unit": "人"}]}]}, "tasks"),
    ({"tasks": [{"text": ""}]}, "tasks"),
    ({"tasks": "not a list"}, "tasks"),
])
def test_bad_plans_are_400_and_write_nothing(world, api, change, field):
    before = (WorkPlan.objects.count(), Task.objects.count())
    body = error(api(world.users["office"]).post("/api/v1/plans/", {**PLAN, "committee": world.committee.pk, **change},
                                                 format="json"), 400)
    assert field in body["errors"], body
    assert (WorkPlan.objects.count(), Task.objects.count()) == before


def test_duplicate_doc_number_is_400(world, api):
    client = api(world.users["office"])
    assert client.post("/api/v1/plans/", {**PLAN, "committee": world.committee.pk}, format="json").status_code == 201
    error(client.post("/api/v1/plans/", {**PLAN, "committee": world.committee.pk}, format="json"), 400)


def test_office_opens_and_closes_a_round(world, api):
    client = api(world.users["office"])
    response = client.post("/api/v1/rounds/", {
        "plan": world.plan.pk, "period_kind": "quarter", "period_label": "2021年第三季度",
        "period_start": "2021-07-01", "period_end": "2021-09-30", "opens_on": "2021-09-20", "due_on": "2021-10-10",
    }, format="json")
    assert response.status_code == 201
    rnd = ReportingRound.objects.get(pk=response.json()["id"])
    assert rnd.reports.count() == 2  # one slot per task and assigned unit
    assert client.post(f"/api/v1/rounds/{rnd.pk}/close/").json()["closed"] is True


@pytest.mark.parametrize(("change", "field"), [
    ({"due_on": "2021-09-01"}, "due_on"),
    ({"period_end": "2021-06-01"}, "period_end"),
    ({"period_kind": "weekly"}, "period_kind"),
    ({"period_label": "2021年第二季度"}, "non_field_errors"),  # the world's round already has this label
])
def test_bad_rounds_are_400(world, api, change, field):
    body = error(api(world.users["office"]).post("/api/v1/rounds/", {
        "plan": world.plan.pk, "period_kind": "quarter", "period_label": "2021年第三季度",
        "period_start": "2021-07-01", "period_end": "2021-09-30", "opens_on": "2021-09-20", "due_on": "2021-10-10",
        **change}, format="json"), 400)
    assert field in body["errors"], body
    assert ReportingRound.objects.count() == 1


def test_extra_round_goes_through_the_office_service(world, api):
    response = api(world.users["office"]).post("/api/v1/rounds/", {
        "plan": world.plan.pk, "period_kind": "extra", "period_label": "年中专项调度",
        "period_start": "2021-01-01", "period_end": "2021-06-30", "opens_on": "2021-07-01", "due_on": "2021-07-15",
    }, format="json")
    assert response.status_code == 201 and response.json()["period_kind"] == "extra"


# ---------------------------------------------------------------- the report workflow

def test_report_workflow_through_the_api(world, api):
    u = world.users
    report = world.report_of(world.lead_unit)
    url = f"/api/v1/reports/{report.pk}"
    reporter, approver, office = api(u["lead_reporter"]), api(u["lead_approver"]), api(u["office"])

    saved = reporter.post(f"{url}/save-draft/", {
        "version": 1, "progress": "完成就业3000人", "problems": "无", "next_steps": "继续推进",
        "figures": [{"target": world.target.pk, "value": "3,000", "note": "截至6月"}],
    }, format="json").json()
    assert saved["version"] == 2 and saved["figures"] == [
        {"target": world.target.pk, "value": "3000.0000", "note": "截至6月"}]
    assert reporter.post(f"{url}/submit/").json()["status"] == "submitted"
    assert approver.post(f"{url}/send-back/", {"comment": "请补充佐证"}, format="json").json()["status"] == "returned"
    version = reporter.get(f"{url}/").json()["version"]
    reporter.post(f"{url}/save-draft/", {"version": version, "progress": "完成就业3100人"}, format="json")
    assert reporter.post(f"{url}/submit/").json()["status"] == "submitted"
    assert approver.post(f"{url}/approve/").json()["status"] == "approved"
    assert office.post(f"{url}/return/", {"comment": "数字有误"}, format="json").json()["review_comment"] == "数字有误"
    version = reporter.get(f"{url}/").json()["version"]
    reporter.post(f"{url}/save-draft/", {"version": version, "progress": "完成就业3200人"}, format="json")
    reporter.post(f"{url}/submit/")
    approver.post(f"{url}/approve/")
    assert office.post(f"{url}/accept/").json()["status"] == "accepted"
    assert office.post(f"{url}/reopen/", {"reason": "更正人数"}, format="json").json()["status"] == "draft"
    assert report.history.count() >= 10


def test_stale_version_is_409_and_the_edit_is_kept(world, api):
    report = world.report_of(world.lead_unit)
    client = api(world.users["lead_reporter"])
    url = f"/api/v1/reports/{report.pk}/save-draft/"
    assert client.post(url, {"version": 1, "progress": "第一次"}, format="json").status_code == 200
    body = error(client.post(url, {"version": 1, "progress": "基于旧版本的修改"}, format="json"), 409)
    assert body["code"] == "conflict" and "版本" in body["detail"]
    assert RefusedEdit.objects.get().payload["progress"] == "基于旧版本的修改"
    report.refresh_from_db()
    assert report.progress == "第一次"


@pytest.mark.parametrize(("payload", "words"), [
    ({"version": 1, "figures": [{"target": 0, "value": "1"}]}, "target"),
    ({"version": 1, "figures": [{"target": 99999, "value": "1"}]}, "不属于"),
    ({"version": 1, "figures": [{"target": "{target}", "value": "三千"}]}, "必须是数字"),
    ({"version": 1, "figures": [{"target": "{target}", "value": "-5"}]}, "负数"),
    ({"version": 1, "figures": [{"target": "{target}", "value": "999999999"}]}, "远超"),
    ({"version": 0}, "version"),
    ({"version": 2**40, "progress": "x"}, "version"),  # beyond the column: a 400, not a database error
    ({}, "version"),
    ({"version": 1, "progress": "长" * 5001}, "progress"),
])
def test_bad_drafts_are_400_and_save_nothing(world, api, payload, words):
    report = world.report_of(world.lead_unit)
    if payload.get("figures"):
        for fig in payload["figures"]:
            if fig["target"] == "{target}":
                fig["target"] = world.target.pk
    body = error(api(world.users["lead_reporter"]).post(f"/api/v1/reports/{report.pk}/save-draft/", payload,
                                                        format="json"), 400)
    assert words in str(body), body
    report.refresh_from_db()
    assert report.version == 1 and not report.values.exists()


def test_workflow_in_the_wrong_state_is_400(world, api):
    report = world.report_of(world.lead_unit)
    body = error(api(world.users["lead_reporter"]).post(f"/api/v1/reports/{report.pk}/submit/"), 400)
    assert "进展情况" in str(body)
    body = error(api(world.users["office"]).post(f"/api/v1/reports/{report.pk}/accept/"), 400)
    assert "待办公室审阅" in body["detail"]
    error(api(world.users["office"]).post(f"/api/v1/reports/{report.pk}/return/", {"comment": "  "}, format="json"), 400)


def test_closed_round_refuses_edits(world, api):
    ReportingRound.objects.filter(pk=world.round.pk).update(closed=True)
    report = world.report_of(world.lead_unit)
    body = error(api(world.users["lead_reporter"]).post(f"/api/v1/reports/{report.pk}/save-draft/",
                                                        {"version": 1, "progress": "x"}, format="json"), 400)
    assert "关闭" in body["detail"]


def test_my_open_slots(world, api):
    ReportingRound.objects.filter(pk=world.round.pk).update(opens_on=datetime.date(2021, 1, 1))
    rows = api(world.users["part_reporter"]).get("/api/v1/reports/my-open/").json()["results"]
    assert [(r["unit"], r["status"], r["due"], r["is_lead"]) for r in rows] == [
        (world.part_unit.pk, "draft", "2021-07-10", False)]
    assert rows[0]["is_overdue"] is True
    assert api(world.users["leader"]).get("/api/v1/reports/my-open/").json()["count"] == 0


def test_read_write_client_fills_and_submits_for_a_unit(world, tokens, api):
    report = world.report_of(world.part_unit)
    client = api(tokens.write_own)
    assert client.post(f"/api/v1/reports/{report.pk}/save-draft/", {
        "version": 1, "progress": "民政厅进展", "problems": "配合单位，数据由牵头单位汇总。", "figures": [{"target": world.target.pk, "value": "10"}]},
        format="json").status_code == 200
    assert client.post(f"/api/v1/reports/{report.pk}/submit/").json()["status"] == "submitted"
    assert ProgressReport.objects.get(pk=report.pk).submitted_by == tokens.clients["write_own"].user


# ---------------------------------------------------------------- exports

def _evil_world(world):
    world.task.text = "=HYPERLINK(\"http://evil\",\"点我\")"
    world.task.save()
    world.target.indicator = "+cmd|' /C calc'!A0"
    world.target.save()
    world.lead_unit.short_name = "@SUM(1+1)"
    world.lead_unit.save()


def test_xlsx_export_neutralises_formulas(world, api):
    _evil_world(world)
    response = api(world.users["leader"]).get(f"/api/v1/plans/{world.plan.pk}/export/xlsx/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "2021年重点工作任务" and rows[2][0] == "序号"
    task_row = rows[3]
    assert task_row[2].startswith("'=") and task_row[3].startswith("'@") and task_row[6].startswith("'+")
    assert task_row[8] == 5600
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_csv_export_neutralises_formulas(world, api):
    _evil_world(world)
    response = api(world.users["office"]).get(f"/api/v1/plans/{world.plan.pk}/export/csv/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][:3] == ["序号", "章节", "任务内容"]
    assert rows[1][2].startswith("'=") and rows[1][3].startswith("'@") and rows[1][6].startswith("'+")
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_export_of_a_task_without_targets(world, api):
    f.TaskFactory(plan=world.plan, ref="9", text="没有量化目标的任务。")
    text = api(world.users["office"]).get(f"/api/v1/plans/{world.plan.pk}/export/csv/").content.decode("utf-8")
    assert "没有量化目标的任务。" in text


def test_export_accepts_its_own_media_type(world, api):
    client = api(world.users["office"])
    assert client.get(f"/api/v1/plans/{world.plan.pk}/export/csv/", HTTP_ACCEPT="text/csv").status_code == 200
    missing = client.get("/api/v1/plans/999999/export/xlsx/",
                         HTTP_ACCEPT="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"
    assert missing.json()["code"] == "not_found"


# ---------------------------------------------------------------- the task rows (list and detail)

def test_task_rows_of_list_and_detail_are_the_same(world, api):
    """List and detail are both built by ``tasks/api/rows.py``: a detail is its row of the list."""
    successor = f.UnitFactory(committee=world.committee, short_name="省人社新厅")
    world.lead_unit.successor = successor
    world.lead_unit.save()
    other = f.TaskFactory(plan=world.plan, ref="6", text="无目标任务。", deadline=datetime.date(2021, 12, 31),
                          all_member_units=True, parent=world.task)
    f.AssignmentFactory(task=other, unit=world.lead_unit, role=Assignment.Role.PARTICIPATING, order=1)
    f.AssignmentFactory(task=other, unit=world.part_unit, role=Assignment.Role.LEAD, order=2)
    extra = f.TargetFactory(task=world.task, indicator="残疾人职业培训", value=Decimal("0.125"), measure_unit="%",
                            baseline=Decimal("12.5"), per_unit=True, ambiguous=True, order=2)
    f.TaskFactory(plan=world.plan, ref="7", text="无单位任务。", section=None)
    client = api(world.users["office"])
    for ordering in ("", "-ref", "deadline", "-order"):
        rows = client.get("/api/v1/tasks/", {"ordering": ordering} if ordering else {}).json()["results"]
        assert len(rows) == 3
        for row in rows:
            assert client.get(f"/api/v1/tasks/{row['id']}/").json() == row
    ordered = [r["ref"] for r in client.get("/api/v1/tasks/", {"ordering": "-ref"}).json()["results"]]
    assert ordered == sorted(ordered, reverse=True)

    assert client.get(f"/api/v1/tasks/{other.pk}/").json() == {
        "id": other.pk, "plan": world.plan.pk, "section": other.section_id, "ref": "6", "text": "无目标任务。",
        "order": other.order, "deadline": "2021-12-31", "all_member_units": True, "parent": world.task.pk,
        "assignments": [  # by role (lead first), then order
            {"unit": world.part_unit.pk, "unit_name": "省民政厅", "role": "lead", "order": 2},
            {"unit": world.lead_unit.pk, "unit_name": "省人社厅（现省人社新厅）", "role": "participating", "order": 1},
        ],
        "targets": [],
    }
    targets = client.get(f"/api/v1/tasks/{world.task.pk}/").json()["targets"]
    assert targets[1] == {
        "id": extra.pk, "indicator": "残疾人职业培训", "value": "0.1250", "measure_unit": "%", "comparator": ">=",
        "per_unit": True, "ambiguous": True, "baseline": "12.5000", "quote": extra.quote, "order": 2,
    }
    assert targets[0]["id"] == world.target.pk and targets[0]["baseline"] is None


def test_task_detail_is_one_query_and_keeps_the_reach(world, tokens, api, django_assert_max_num_queries):
    url = f"/api/v1/tasks/{world.task.pk}/"
    client = api(tokens.read_own)
    assert client.get(url).status_code == 200  # warm up: token, last-used stamp
    with django_assert_max_num_queries(3):
        assert client.get(url).json()["id"] == world.task.pk
    error(api(tokens.write_other).get(url), 404)
    error(api(world.users["other_office"]).get(url), 404)
    assert api(world.users["lead_reporter"]).get(url).status_code == 200
    error(client.get(f"/api/v1/tasks/{world.task.pk}/", {"plan": world.plan.pk + 1000}), 404)
    for bad in ("abc", "0", "99999999999999999999"):
        error(client.get(f"/api/v1/tasks/{bad}/"), 404)


@pytest.mark.parametrize("page_size", [2, 100])
def test_the_bench_floor_returns_the_apis_json(world, tokens, settings, page_size):
    """``make bench`` times the task list against a bare view (tests/bench/api_floor.py) that must
    return exactly the API's JSON; checked here on every database the suite runs on."""
    from django.test import Client

    world.lead_unit.successor = f.UnitFactory(committee=world.committee, short_name="省人社新厅")
    world.lead_unit.save()
    f.TargetFactory(task=world.task, indicator="残疾人职业培训", value=Decimal("0.125"), measure_unit="%",
                    baseline=Decimal("12.5"), per_unit=True, ambiguous=True, order=2)
    for i in range(4):
        task = f.TaskFactory(plan=world.plan, ref=f"n{i}", order=10 + i, section=None if i % 2 else world.task.section,
                             deadline=datetime.date(2021, 12, 31) if i % 2 else None)
        f.AssignmentFactory(task=task, unit=world.part_unit, role=Assignment.Role.LEAD, order=1)
    settings.ROOT_URLCONF = "tests.bench.api_floor"
    client = Client(HTTP_AUTHORIZATION=f"Token {tokens.read_own}")
    query = f"plan={world.plan.pk}&page_size={page_size}"
    api_body = client.get(f"/api/v1/tasks/?{query}").json()
    assert api_body["results"]
    assert client.get(f"/bench/floor/tasks/?{query}").json() == api_body


def test_task_list_pages_through_everything_once(world, api):
    for i in range(25):
        f.TaskFactory(plan=world.plan, ref=f"n{i:02d}", order=100 + i)
    client = api(world.users["office"])
    seen, url = [], "/api/v1/tasks/?page_size=7"
    while url:
        data = client.get(url).json()
        seen += [t["id"] for t in data["results"]]
        url = data["next"]
    assert len(seen) == len(set(seen)) == 26 == data["count"]


# ---------------------------------------------------------------- the web plan list uses the same FilterSet

def test_home_filters_plans_with_the_api_filterset(client, world, django_assert_max_num_queries):
    f.WorkPlanFactory(committee=world.committee, title="十四五残疾人保障规划", period_start=2021, period_end=2025,
                      kind=WorkPlan.Kind.FIVE_YEAR, status=WorkPlan.Status.DRAFT)
    for i in range(20):
        f.WorkPlanFactory(committee=world.committee, title=f"其他计划{i}", period_start=2019, period_end=2019)
    client.force_login(world.users["office"])
    with django_assert_max_num_queries(12):
        html = client.get("/", {"year": 2024}).content.decode()
    assert "十四五残疾人保障规划" in html and "2021年重点工作任务" not in html
    html = client.get("/", {"status": "published", "q": "重点"}).content.decode()
    assert "2021年重点工作任务" in html and "十四五" not in html
    assert '<label for="id_year">' in html and 'name="committee"' in html


def test_home_shows_filter_errors_and_keeps_working(client, world):
    client.force_login(world.users["office"])
    response = client.get("/", {"year": "abc", "status": "nonsense"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "errorlist" in html and "2021年重点工作任务" in html


def test_home_committee_choices_are_only_readable_committees(client, world):
    client.force_login(world.users["office"])
    html = client.get("/").content.decode()
    assert "某省残工委" in html and "另一省残工委" not in html
    response = client.get("/", {"committee": world.other_committee.pk})
    assert "errorlist" in response.content.decode()
