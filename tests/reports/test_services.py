"""The report workflow through its services: happy path, permissions, bad input, locking."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reports import services
from reports.models import ProgressReport, RefusedEdit, TargetValue

pytestmark = pytest.mark.django_db
S = ProgressReport.Status


def draft(world, user="lead_reporter", **kw):
    report = world.report_of(world.lead_unit)
    data = {"progress": "已完成城镇新增就业3000人。", "figures": {world.target.pk: "3000"}} | kw
    return services.save_draft(report=report, user=world.users[user], version=report.version, **data)


def test_round_creates_a_slot_per_task_and_assigned_unit(world):
    assert world.round.reports.count() == 2
    assert services.ensure_report_slots(world.round) == 0  # idempotent


def test_whole_workflow_with_return(world):
    u = world.users
    report = draft(world)
    assert report.status == S.DRAFT and report.version == 2
    report = services.submit(report=report, user=u["lead_reporter"])
    assert report.status == S.SUBMITTED and report.submitted_by == u["lead_reporter"]
    report = services.approve(report=report, user=u["lead_approver"])
    assert report.status == S.APPROVED
    report = services.return_report(report=report, user=u["office"], comment="请补充分市情况")
    assert report.status == S.RETURNED and report.review_comment == "请补充分市情况"
    report = draft(world, progress="补充：长春市1200人，吉林市800人。")
    report = services.submit(report=report, user=u["lead_reporter"])
    report = services.approve(report=report, user=u["lead_approver"])
    report = services.accept(report=report, user=u["office"])
    assert report.status == S.ACCEPTED and report.reviewed_by == u["office"]
    reasons = list(report.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons[-1] == "办公室采纳" and any("请补充分市情况" in (r or "") for r in reasons)


def test_submit_without_approver_goes_straight_to_office(world):
    world.lead_unit.roles.filter(role="approver").delete()
    report = services.submit(report=draft(world), user=world.users["lead_reporter"])
    assert report.status == S.APPROVED


@pytest.mark.parametrize("user", ["part_reporter", "lead_approver", "office", "leader", "other_office"])
def test_only_the_units_reporter_may_edit(world, user):
    with pytest.raises(PermissionDenied):
        draft(world, user=user)


@pytest.mark.parametrize("user", ["lead_reporter", "part_approver", "office", "leader"])
def test_only_the_units_approver_may_approve(world, user):
    report = services.submit(report=draft(world), user=world.users["lead_reporter"])
    with pytest.raises(PermissionDenied):
        services.approve(report=report, user=world.users[user])


@pytest.mark.parametrize("user", ["lead_reporter", "lead_approver", "leader", "other_office"])
def test_only_the_committee_office_may_accept_or_return(world, user):
    report = services.submit(report=draft(world), user=world.users["lead_reporter"])
    report = services.approve(report=report, user=world.users["lead_approver"])
    with pytest.raises(PermissionDenied):
        services.accept(report=report, user=world.users[user])
    with pytest.raises(PermissionDenied):
        services.return_report(report=report, user=world.users[user], comment="x")


@pytest.mark.parametrize(
    "raw, message",
    [("-5", "负数"), ("abc", "必须是数字"), ("99999999", "远超目标值"), ("NaN", "必须是数字")],
)
def test_bad_figures_write_nothing(world, raw, message):
    report = world.report_of(world.lead_unit)
    with pytest.raises(ValidationError) as exc:
        draft(world, figures={world.target.pk: raw})
    assert message in " ".join(exc.value.messages)
    report.refresh_from_db()
    assert report.version == 1 and report.progress == "" and not TargetValue.objects.exists()


def test_too_long_text_writes_nothing(world):
    with pytest.raises(ValidationError):
        draft(world, progress="很" * 6000)
    assert world.report_of(world.lead_unit).version == 1


def test_stale_version_is_refused_and_both_versions_kept(world):
    report = world.report_of(world.lead_unit)
    services.save_draft(report=report, user=world.users["lead_reporter"], version=1, progress="甲的版本")
    with pytest.raises(services.StaleVersion) as exc:
        services.save_draft(report=report, user=world.users["lead_reporter"], version=1, progress="乙的版本")
    assert "已另行保存" in str(exc.value)
    report.refresh_from_db()
    assert report.progress == "甲的版本" and report.version == 2
    refused = RefusedEdit.objects.get()
    assert refused.payload["progress"] == "乙的版本" and refused.based_on_version == 1


def test_closed_round_and_unassigned_task_refused(world):
    world.round.closed = True
    world.round.save()
    with pytest.raises(ValidationError, match="已关闭"):
        draft(world)


def test_accepted_report_is_read_only_until_reopened_with_reason(world):
    u = world.users
    report = services.submit(report=draft(world), user=u["lead_reporter"])
    report = services.accept(report=services.approve(report=report, user=u["lead_approver"]), user=u["office"])
    with pytest.raises(ValidationError, match="不能修改"):
        draft(world)
    with pytest.raises(ValidationError):
        services.reopen(report=report, user=u["lead_reporter"], reason=" ")
    report = services.reopen(report=report, user=u["lead_reporter"], reason="统计口径更正")
    assert report.status == S.DRAFT
    report = draft(world, figures={world.target.pk: "3100"})
    assert TargetValue.objects.get(report=report).value == Decimal("3100")
    values = list(TargetValue.history.filter(report_id=report.pk).order_by("history_date").values_list("value", flat=True))
    assert values == [Decimal("3000"), Decimal("3100")]


def test_return_needs_a_comment(world):
    report = services.submit(report=draft(world), user=world.users["lead_reporter"])
    report = services.approve(report=report, user=world.users["lead_approver"])
    with pytest.raises(ValidationError, match="退回原因"):
        services.return_report(report=report, user=world.users["office"], comment="")
