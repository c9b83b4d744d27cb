"""Every role × every reporting action on the web pages: allowed ones work, refused ones change nothing.

Roles come from the ``world`` fixture: the lead unit's reporter and approver, the participating
unit's reporter and approver, the committee office, a leader (read-only), the office of
another committee, and an anonymous visitor. A refused request is a redirect to the log-in
page (anonymous), 404 (the object is outside what the user may read) or 403 (readable, but
not theirs to do) — and in every case nothing is written.
"""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from reports import excel, services
from reports.models import (
    Attachment,
    DeadlineExtension,
    ProgressReport,
    ReminderLog,
    ReportingRound,
    ReportingSchedule,
)

pytestmark = pytest.mark.django_db
S = ProgressReport.Status

ROLES = ["anonymous", "lead_reporter", "lead_approver", "part_reporter", "part_approver", "office", "leader",
         "other_office"]
READERS = {"lead_reporter", "lead_approver", "office", "leader"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def lead(world):
    return world.report_of(world.lead_unit)


def status_of(world):
    return ProgressReport.objects.get(pk=lead(world).pk).status


# Each action: (allowed roles, prepare(world, flow) -> context, perform(client, world, ctx) -> response,
#               changed(world, ctx, response) -> bool)

def _see_in_my_tasks():
    def prepare(world, flow):
        return {}

    def perform(client, world, ctx):
        return client.get(reverse("my-tasks"))

    def changed(world, ctx, response):  # "allowed" here means: the lead report is listed
        return response.status_code == 200 and reverse("report-detail", args=[lead(world).pk]) in response.content.decode()

    return {"lead_reporter", "lead_approver"}, prepare, perform, changed


def _view_report():
    def prepare(world, flow):
        flow.approved()
        return {}

    def perform(client, world, ctx):
        return client.get(reverse("report-detail", args=[lead(world).pk]))

    def changed(world, ctx, response):
        return response.status_code == 200 and "完成城镇新增就业3000人。" in response.content.decode()

    return READERS, prepare, perform, changed


def _view_participating_report():
    def prepare(world, flow):
        flow.submitted(world.part_unit)
        return {"pk": world.report_of(world.part_unit).pk}

    def perform(client, world, ctx):
        return client.get(reverse("report-detail", args=[ctx["pk"]]))

    def changed(world, ctx, response):
        return response.status_code == 200

    return READERS | {"part_reporter", "part_approver"}, prepare, perform, changed


def _history():
    def prepare(world, flow):
        flow.draft(progress="第一稿")
        return {}

    def perform(client, world, ctx):
        return client.get(reverse("report-history", args=[lead(world).pk]))

    def changed(world, ctx, response):
        return response.status_code == 200 and "第一稿" in response.content.decode()

    return READERS, prepare, perform, changed


def _save_draft():
    def prepare(world, flow):
        return {"version": lead(world).version}

    def perform(client, world, ctx):
        report = lead(world)
        return client.post(reverse("report-detail", args=[report.pk]), {
            "version": report.version, "progress": "越权修改", "problems": "", "next_steps": "",
            f"figure_{world.target.pk}": "1", f"note_{world.target.pk}": "", "then": "save"})

    def changed(world, ctx, response):
        return lead(world).version != ctx["version"]

    return {"lead_reporter"}, prepare, perform, changed


def _action(name, allowed, state, data=None, expect=None):
    def prepare(world, flow):
        getattr(flow, state)()
        return {"status": status_of(world)}

    def perform(client, world, ctx):
        return client.post(reverse("report-action", args=[lead(world).pk, name]), data or {})

    def changed(world, ctx, response):
        return status_of(world) != ctx["status"]

    return allowed, prepare, perform, changed


def _upload_attachment():
    def prepare(world, flow):
        flow.draft()
        return {}

    def perform(client, world, ctx):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return client.post(reverse("report-attachments", args=[lead(world).pk]),
                               {"file": SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf")})

    def changed(world, ctx, response):
        return Attachment.objects.exists()

    return {"lead_reporter"}, prepare, perform, changed


def _download_attachment():
    def prepare(world, flow):
        report = flow.draft()
        with TestCase.captureOnCommitCallbacks(execute=True):
            attachment = services.add_attachment(report=report, user=world.users["lead_reporter"],
                                                 upload=SimpleUploadedFile("证明.pdf", PDF))
        return {"pk": attachment.pk}

    def perform(client, world, ctx):
        return client.get(reverse("attachment-download", args=[ctx["pk"]]))

    def changed(world, ctx, response):
        return response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")

    return READERS, prepare, perform, changed


def _remove_attachment():
    def prepare(world, flow):
        report = flow.draft()
        with TestCase.captureOnCommitCallbacks(execute=True):
            attachment = services.add_attachment(report=report, user=world.users["lead_reporter"],
                                                 upload=SimpleUploadedFile("证明.pdf", PDF))
        return {"pk": attachment.pk}

    def perform(client, world, ctx):
        return client.post(reverse("attachment-remove", args=[ctx["pk"]]))

    def changed(world, ctx, response):
        return Attachment.objects.get(pk=ctx["pk"]).removed_at is not None

    return {"lead_reporter"}, prepare, perform, changed


def _excel_download():
    def prepare(world, flow):
        return {}

    def perform(client, world, ctx):
        return client.get(reverse("unit-excel-template", args=[world.round.pk, world.lead_unit.pk]))

    def changed(world, ctx, response):
        return response.status_code == 200 and response.content.startswith(b"PK")

    return READERS, prepare, perform, changed


def _excel_upload():
    def prepare(world, flow):
        data = excel.build_template(rnd=world.round, unit=world.lead_unit, user=world.users["lead_reporter"])
        wb = load_workbook(io.BytesIO(data))
        ws = wb[excel.SHEET]
        ws.cell(row=excel.FIRST_DATA_ROW, column=excel.COL["figure"], value=1234)
        ws.cell(row=excel.FIRST_DATA_ROW, column=excel.COL["progress"], value="Excel 填报")
        out = io.BytesIO()
        wb.save(out)
        return {"file": out.getvalue(), "version": lead(world).version}

    def perform(client, world, ctx):
        upload = SimpleUploadedFile("填报.xlsx", ctx["file"])
        return client.post(reverse("unit-excel", args=[world.round.pk, world.lead_unit.pk]), {"file": upload})

    def changed(world, ctx, response):
        return lead(world).version != ctx["version"]

    return {"lead_reporter"}, prepare, perform, changed


def _round_page():
    def prepare(world, flow):
        flow.approved()
        return {}

    def perform(client, world, ctx):
        return client.get(reverse("round-detail", args=[world.round.pk]))

    def changed(world, ctx, response):
        return response.status_code == 200 and "待审阅" in response.content.decode()

    return {"office", "leader"}, prepare, perform, changed


def _open_extra_round():
    def prepare(world, flow):
        return {}

    def perform(client, world, ctx):
        return client.post(reverse("round-list"), {
            "plan": world.plan.pk, "period_label": "年中专项调度", "period_start": "2021-01-01",
            "period_end": "2021-06-30", "opens_on": "2021-07-01", "due_on": "2021-07-20"})

    def changed(world, ctx, response):
        return ReportingRound.objects.filter(period_label="年中专项调度").exists()

    return {"office"}, prepare, perform, changed


def _extend_deadline():
    def prepare(world, flow):
        return {}

    def perform(client, world, ctx):
        return client.post(reverse("round-extend", args=[world.round.pk]),
                           {"unit": world.lead_unit.pk, "due_on": "2021-08-01", "reason": "机构调整"})

    def changed(world, ctx, response):
        return DeadlineExtension.objects.exists()

    return {"office"}, prepare, perform, changed


def _chase():
    def prepare(world, flow):
        return {}

    def perform(client, world, ctx):
        return client.post(reverse("round-chase", args=[world.round.pk]),
                           {"unit": world.lead_unit.pk, "message": "请尽快报送"})

    def changed(world, ctx, response):
        return ReminderLog.objects.exists()

    return {"office"}, prepare, perform, changed


def _close_round():
    def prepare(world, flow):
        return {}

    def perform(client, world, ctx):
        return client.post(reverse("round-close", args=[world.round.pk]))

    def changed(world, ctx, response):
        return ReportingRound.objects.get(pk=world.round.pk).closed

    return {"office"}, prepare, perform, changed


def _set_schedule():
    def prepare(world, flow):
        return {}

    def perform(client, world, ctx):
        return client.post(reverse("plan-schedule", args=[world.plan.pk]),
                           {"frequency": "quarter", "due_days": "10", "reminder_offsets": "-3,1,7", "active": "on"})

    def changed(world, ctx, response):
        return ReportingSchedule.objects.exists()

    return {"office"}, prepare, perform, changed


def _unit_overview():
    def prepare(world, flow):
        return {}

    def perform(client, world, ctx):
        return client.get(reverse("unit-overview", args=[world.lead_unit.pk]))

    def changed(world, ctx, response):
        return response.status_code == 200

    return READERS, prepare, perform, changed


ACTIONS = {
    "see_in_my_tasks": _see_in_my_tasks(),
    "view_report": _view_report(),
    "view_participating_report": _view_participating_report(),
    "history": _history(),
    "save_draft": _save_draft(),
    "submit": _action("submit", {"lead_reporter"}, "draft"),
    "approve": _action("approve", {"lead_approver"}, "submitted"),
    "send_back": _action("send_back", {"lead_approver"}, "submitted", {"comment": "请核对"}),
    "accept": _action("accept", {"office"}, "approved"),
    "return": _action("return", {"office"}, "approved", {"comment": "请补充"}),
    "reopen": _action("reopen", {"lead_reporter", "office"}, "accepted", {"reason": "口径更正"}),
    "upload_attachment": _upload_attachment(),
    "download_attachment": _download_attachment(),
    "remove_attachment": _remove_attachment(),
    "excel_download": _excel_download(),
    "excel_upload": _excel_upload(),
    "round_page": _round_page(),
    "open_extra_round": _open_extra_round(),
    "extend_deadline": _extend_deadline(),
    "chase": _chase(),
    "close_round": _close_round(),
    "set_schedule": _set_schedule(),
    "unit_overview": _unit_overview(),
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, flow, role, action):
    allowed, prepare, perform, changed = ACTIONS[action]
    ctx = prepare(world, flow)
    if role != "anonymous":
        client.force_login(world.users[role])
    response = perform(client, world, ctx)
    if role in allowed:
        assert response.status_code in (200, 302), response.status_code
        assert changed(world, ctx, response), f"{role} should be able to {action}"
        return
    assert not changed(world, ctx, response), f"{role} must not be able to {action}"
    if role == "anonymous":
        assert response.status_code == 302 and reverse("login") in response["Location"]
    elif action != "see_in_my_tasks":
        assert response.status_code in (403, 404), response.status_code


def test_matrix_covers_every_role_and_the_expected_number_of_actions():
    assert len(ROLES) == 8 and len(ACTIONS) == 23


def test_lower_committee_reports_readable_only_where_the_plan_derives_from_the_office_s(client, world):
    from tests import factories as f
    from units.models import Committee

    city = f.CommitteeFactory(code="city", name="某市残工委", parent=world.committee, level=Committee.Level.CITY)
    unit = f.UnitFactory(committee=city, short_name="市人社局", code="srs")
    derived = f.WorkPlanFactory(committee=city, title="市计划（据省计划）", parent=world.plan)
    own = f.WorkPlanFactory(committee=city, title="市自定计划")
    reports = {}
    for plan in (derived, own):
        task = f.TaskFactory(plan=plan)
        f.AssignmentFactory(task=task, unit=unit)
        rnd = services.create_round(plan=plan, period_kind="quarter", period_label="2021年第二季度",
                                    period_start="2021-04-01", period_end="2021-06-30", opens_on="2021-06-20",
                                    due_on="2021-07-10")
        reports[plan.pk] = rnd.reports.get()
    client.force_login(world.users["office"])
    assert client.get(reverse("report-detail", args=[reports[derived.pk].pk])).status_code == 200
    assert client.get(reverse("report-detail", args=[reports[own.pk].pk])).status_code == 404
    # Reading is not acting: the province office cannot accept the city's report.
    report = reports[derived.pk]
    report.status = S.APPROVED
    report.save()
    response = client.post(reverse("report-action", args=[report.pk, "accept"]))
    assert response.status_code == 403 and ProgressReport.objects.get(pk=report.pk).status == S.APPROVED


def test_notifications_are_private(client, world, flow):
    flow.submitted()
    from reports.models import Notification

    note = Notification.objects.get(user=world.users["lead_approver"])
    client.force_login(world.users["office"])
    assert client.post(reverse("notification-open", args=[note.pk])).status_code == 404
    assert "待您审核" not in client.get(reverse("notifications")).content.decode()
    client.force_login(world.users["lead_approver"])
    assert "待您审核" in client.get(reverse("notifications")).content.decode()
    response = client.post(reverse("notification-open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("report-detail", args=[lead(world).pk])
    note.refresh_from_db()
    assert note.read_at is not None

