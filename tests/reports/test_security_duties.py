"""Separation of duties and the audit trail.

* 三员分立: system, security and audit administrators are distinct; one account cannot combine them,
  and none of them reaches plans or reports through that role (every reporting action × each role).
* Nobody approves or accepts a report they submitted.
* A lead unit sees a participating unit's submitted versions and the files attached at submission only.
* Plans with rounds cannot be deleted; refused edits are capped; history pages paginate.
* The audit trail records the life-cycle events, is append-only and rotates after the retention period.
"""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.models import Attachment, ProgressReport, RefusedEdit
from security import jobs
from security.models import AuditEvent
from tests import factories as f
from units.models import ApiWriteLog, UnitRole

from .test_permission_matrix import ACTIONS

pytestmark = pytest.mark.django_db
R = UnitRole.Role
S = ProgressReport.Status
DUTIES = {"sysadmin": R.SYSTEM_ADMIN, "secadmin": R.SECURITY_ADMIN, "auditor": R.AUDIT_ADMIN}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def attach(report, user, name):
    """Attach an evidence file; the file is moved into place when the transaction commits."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.add_attachment(report=report, user=user, upload=SimpleUploadedFile(name, PDF))


@pytest.fixture
def duties(world):
    office_unit = world.users["office"].unit_roles.first().unit
    for name, role in DUTIES.items():
        world.users[name] = f.UserFactory(username=name)
        f.UnitRoleFactory(user=world.users[name], unit=office_unit, role=role)
    return world


# ---------------------------------------------------------------- 三员分立

@pytest.mark.parametrize("first, second", [(R.SYSTEM_ADMIN, R.SECURITY_ADMIN), (R.SECURITY_ADMIN, R.AUDIT_ADMIN),
                                           (R.AUDIT_ADMIN, R.SYSTEM_ADMIN)])
def test_one_account_cannot_combine_two_administrator_duties(world, first, second):
    user = f.UserFactory(username="combo")
    f.UnitRoleFactory(user=user, unit=world.lead_unit, role=first)
    with pytest.raises(ValidationError) as exc:
        UnitRole.objects.create(user=user, unit=world.part_unit, role=second)
    assert "三员分立" in exc.value.message_dict["role"][0]
    assert UnitRole.objects.filter(user=user).count() == 1


def test_the_same_duty_in_two_units_is_allowed(world):
    user = f.UserFactory(username="sec2")
    f.UnitRoleFactory(user=user, unit=world.lead_unit, role=R.SECURITY_ADMIN)
    UnitRole.objects.create(user=user, unit=world.part_unit, role=R.SECURITY_ADMIN)
    assert UnitRole.objects.filter(user=user).count() == 2


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", list(DUTIES))
def test_administrators_reach_no_report_through_their_duty(client, duties, flow, role, action):
    """Each 三员 role × every reporting action of the permission matrix: refused, nothing changed."""
    _allowed, prepare, perform, changed = ACTIONS[action]
    ctx = prepare(duties, flow)
    client.force_login(duties.users[role])
    response = perform(client, duties, ctx)
    assert not changed(duties, ctx, response), f"{role} must not be able to {action}"
    if action != "see_in_my_tasks":
        assert response.status_code in (403, 404), response.status_code


PAGES = {
    "security-logins": {"secadmin"},
    "security-audit": {"auditor"},
}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role", ["lead_reporter", "lead_approver", "part_reporter", "office", "leader", "other_office",
                                  "sysadmin", "secadmin", "auditor"])
def test_security_pages_only_for_their_administrator(client, duties, page, role):
    client.force_login(duties.users[role])
    response = client.get(reverse(page))
    assert response.status_code == (200 if role in PAGES[page] else 403)


def test_security_pages_send_anonymous_visitors_to_log_in(client, db):
    for page in PAGES:
        response = client.get(reverse(page))
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_audit_administrator_searches_and_exports_the_trail(client, duties, flow):
    services.close_round(round=duties.round, user=duties.users["office"])
    client.force_login(duties.users["auditor"])
    page = client.get(reverse("security-audit"), {"kind": "round_closed"})
    html = page.content.decode()
    assert page.status_code == 200 and "关闭填报轮次" in html and duties.round.period_label in html
    export = client.get(reverse("security-audit"), {"kind": "round_closed", "format": "csv"})
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert export["Content-Type"].startswith("text/csv") and "关闭填报轮次" in body and "office" in body
    assert AuditEvent.objects.filter(kind="download", actor_name="auditor").exists()


def test_audit_nav_links_by_duty(client, duties):
    client.force_login(duties.users["auditor"])
    html = client.get(reverse("home")).content.decode()
    assert reverse("security-audit") in html and reverse("security-logins") not in html


# ---------------------------------------------------------------- four eyes

def test_nobody_approves_a_report_they_submitted(world, flow):
    both = world.users["lead_approver"]
    f.UnitRoleFactory(user=both, unit=world.lead_unit, role=R.REPORTER)
    f.UnitRoleFactory(user=f.UserFactory(username="second_approver"), unit=world.lead_unit, role=R.APPROVER)
    report = services.save_draft(report=flow.report(), user=both, version=1, progress="完成3000人。")
    report = services.submit(report=report, user=both)
    assert report.status == S.SUBMITTED  # another approver exists: the report waits for them
    with pytest.raises(PermissionDenied, match="自己提交"):
        services.approve(report=report, user=both)
    assert flow.fresh(report).status == S.SUBMITTED


def test_a_submitted_report_goes_to_the_office_when_the_submitter_is_the_only_approver(world, flow):
    only = f.UserFactory(username="only")
    f.UnitRoleFactory(user=only, unit=world.part_unit, role=R.REPORTER)
    UnitRole.objects.filter(unit=world.part_unit, role=R.APPROVER).delete()
    f.UnitRoleFactory(user=only, unit=world.part_unit, role=R.APPROVER)
    report = services.save_draft(report=flow.report(world.part_unit), user=only, version=1, progress="已完成。")
    assert services.submit(report=report, user=only).status == S.APPROVED


def test_the_office_does_not_accept_a_report_it_submitted(world, flow):
    office = world.users["office"]
    f.UnitRoleFactory(user=office, unit=world.lead_unit, role=R.REPORTER)
    UnitRole.objects.filter(unit=world.lead_unit, role=R.APPROVER).delete()
    report = services.save_draft(report=flow.report(), user=office, version=1, progress="完成3000人。")
    report = services.submit(report=report, user=office)
    with pytest.raises(PermissionDenied, match="自己提交"):
        services.accept(report=report, user=office)
    other = f.UserFactory(username="office2")
    f.UnitRoleFactory(user=other, unit=world.users["office"].unit_roles.filter(role=R.OFFICE).first().unit, role=R.OFFICE)
    assert services.accept(report=report, user=other).status == S.ACCEPTED


def test_self_approval_refused_on_the_web_page_too(client, world, flow):
    both = world.users["lead_approver"]
    f.UnitRoleFactory(user=both, unit=world.lead_unit, role=R.REPORTER)
    f.UnitRoleFactory(user=f.UserFactory(username="second_approver"), unit=world.lead_unit, role=R.APPROVER)
    report = services.save_draft(report=flow.report(), user=both, version=1, progress="完成3000人。")
    report = services.submit(report=report, user=both)
    client.force_login(both)
    response = client.post(reverse("report-action", args=[report.pk, "approve"]))
    assert response.status_code in (302, 403)
    assert flow.fresh(report).status == S.SUBMITTED


# ---------------------------------------------------------------- partners see what was submitted

def test_lead_unit_sees_only_submitted_versions_and_files_of_a_participating_unit(client, world, flow):
    part = world.part_unit
    draft = flow.draft(part, progress="私下草稿：尚未核实的数字")
    removed = attach(draft, world.users["part_reporter"], "removed.pdf")
    services.remove_attachment(attachment=removed, user=world.users["part_reporter"])
    kept = attach(flow.report(part), world.users["part_reporter"], "kept.pdf")
    report = flow.report(part)
    report = services.save_draft(report=report, user=world.users["part_reporter"], version=report.version,
                                 progress="正式报送：完成500人。")
    services.submit(report=report, user=world.users["part_reporter"])

    client.force_login(world.users["lead_reporter"])
    html = client.get(reverse("report-history", args=[report.pk])).content.decode()
    assert "正式报送" in html and "私下草稿" not in html
    assert "kept.pdf" in html and "removed.pdf" not in html
    assert client.get(reverse("attachment-download", args=[removed.pk])).status_code == 404
    assert client.get(reverse("attachment-download", args=[kept.pk])).status_code == 200
    # the unit itself and the office still see everything
    client.force_login(world.users["part_reporter"])
    html = client.get(reverse("report-history", args=[report.pk])).content.decode()
    assert "私下草稿" in html and "removed.pdf" in html
    client.force_login(world.users["office"])
    assert client.get(reverse("attachment-download", args=[removed.pk])).status_code == 200
    assert Attachment.objects.count() == 2


def test_history_pages_paginate(client, world, flow):
    report = flow.report()
    for i in range(35):
        report = services.save_draft(report=report, user=world.users["lead_reporter"], version=report.version,
                                     progress=f"第{i}次保存")
    client.force_login(world.users["lead_reporter"])
    first = client.get(reverse("report-history", args=[report.pk])).content.decode()
    assert "第34次保存" in first and "第1页，共2页" in first
    second = client.get(reverse("report-history", args=[report.pk]), {"page": 2}).content.decode()
    assert "第2页，共2页" in second


# ---------------------------------------------------------------- integrity and floods

def test_a_plan_with_rounds_cannot_be_deleted(world):
    with pytest.raises(ProtectedError):
        world.plan.delete()
    assert ProgressReport.objects.filter(round__plan=world.plan).exists()


def test_refused_edits_are_capped_per_person_and_report(world, flow, settings):
    settings.LUOSHI_REFUSED_EDITS_PER_HOUR = 3
    report = flow.draft()
    for _ in range(6):
        with pytest.raises(services.StaleVersion):
            services.save_draft(report=report, user=world.users["lead_reporter"], version=1, progress="旧版本上的修改")
    assert RefusedEdit.objects.filter(report=report).count() == 3


# ---------------------------------------------------------------- the audit trail

def test_round_schedule_extension_and_chase_are_audited_and_extensions_kept(world):
    office = world.users["office"]
    services.extend_deadline(round=world.round, user=office, unit=world.lead_unit, due_on=datetime.date(2021, 7, 20),
                             reason="机构改革")
    services.extend_deadline(round=world.round, user=office, unit=world.lead_unit, due_on=datetime.date(2021, 7, 30),
                             reason="再次延期")
    from reports import reminders

    reminders.chase_unit(rnd=world.round, unit=world.part_unit, user=office, message="请尽快报送")
    services.set_schedule(plan=world.plan, user=office, frequency="quarter", due_days=10)
    services.close_round(round=world.round, user=office)
    extensions = AuditEvent.objects.filter(kind="deadline_extended").order_by("at", "id")
    assert [(e.detail["due_on"], e.detail["previous_due_on"]) for e in extensions] == [
        ("2021-07-20", None), ("2021-07-30", "2021-07-20")]
    assert extensions[1].detail["previous_reason"] == "机构改革" and extensions[1].actor_name == "office"
    kinds = set(AuditEvent.objects.values_list("kind", flat=True))
    assert {"chased", "schedule_changed", "round_closed", "round_opened", "role_added"} <= kinds


def test_downloads_are_audited(client, world, flow):
    attachment = attach(flow.draft(), world.users["lead_reporter"], "a.pdf")
    client.force_login(world.users["lead_approver"])
    client.get(reverse("attachment-download", args=[attachment.pk]))
    client.get(reverse("unit-excel-template", args=[world.round.pk, world.lead_unit.pk]))
    downloads = AuditEvent.objects.filter(kind="download", actor_name="lead_approver")
    assert {e.detail["what"] for e in downloads} == {"evidence", "excel_template"}


def test_denied_api_writes_are_audited(world):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token revoked-or-made-up")
    assert client.post("/api/v1/units/", {}, format="json").status_code == 401
    client = APIClient()
    client.force_login(world.users["lead_reporter"])
    assert client.post(f"/api/v1/rounds/{world.round.pk}/close/", {}, format="json").status_code in (403, 404)
    events = AuditEvent.objects.filter(kind="api_denied")
    assert events.filter(detail__status=401).exists()
    assert client.get("/api/v1/units/").status_code == 200
    assert events.count() >= 1


def test_audit_events_are_append_only(world):
    event = AuditEvent.objects.first()
    event.object_repr = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_rotation_keeps_six_months_at_least(world, settings):
    settings.LUOSHI_AUDIT_RETENTION_DAYS = 30  # too short: raised to 183
    old = timezone.now() - datetime.timedelta(days=200)
    recent = timezone.now() - datetime.timedelta(days=100)
    AuditEvent.objects.create(kind="login", actor_name="old", at=old)
    AuditEvent.objects.create(kind="login", actor_name="recent", at=recent)
    log = ApiWriteLog.objects.create(client_name="系统", method="POST", path="/api/v1/x/", status_code=201)
    ApiWriteLog.objects.filter(pk=log.pk).update(created_at=old)
    removed = jobs.rotate_security_logs.delay().get()
    assert removed["audit_events"] == 1 and removed["api_write_logs"] == 1
    assert not AuditEvent.objects.filter(actor_name="old").exists()
    assert AuditEvent.objects.filter(actor_name="recent").exists()
