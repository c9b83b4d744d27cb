"""The reporting pages: my tasks, the report page and its workflow, bad input, conflicts, query counts."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from reports import services
from reports.models import (
    DeadlineExtension,
    Notification,
    ProgressReport,
    RefusedEdit,
    ReportingRound,
    TargetValue,
)
from tasks.models import Assignment
from tests import factories as f

pytestmark = pytest.mark.django_db
S = ProgressReport.Status


def login(client, world, name):
    client.force_login(world.users[name])
    return client


def form_data(world, report, **overrides):
    data = {
        "version": report.version,
        "progress": "本季度新增就业3000人。",
        "problems": "",
        "next_steps": "继续推进。",
        f"figure_{world.target.pk}": "3000",
        f"note_{world.target.pk}": "人社部门统计",
        "then": "save",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- my tasks

def test_my_tasks_shows_the_open_rounds_slots_of_my_unit_only(client, world):
    html = login(client, world, "lead_reporter").get(reverse("my-tasks")).content.decode()
    lead = world.report_of(world.lead_unit)
    part = world.report_of(world.part_unit)
    assert reverse("report-detail", args=[lead.pk]) in html
    assert reverse("report-detail", args=[part.pk]) not in html
    assert "2021年第二季度" in html and "牵头" in html
    # The round is long past due: the slot is shown overdue in words, not by colour alone.
    assert '<span class="status status-overdue">已逾期</span>' in html


def test_my_tasks_shows_returned_reports_with_the_comment(client, world, flow):
    flow.returned(comment="请补充<b>分市</b>数据")
    html = login(client, world, "lead_reporter").get(reverse("my-tasks")).content.decode()
    assert "被退回的报告" in html
    assert "请补充&lt;b&gt;分市&lt;/b&gt;数据" in html  # escaped


def test_my_tasks_lists_what_waits_for_the_approver(client, world, flow):
    flow.submitted()
    html = login(client, world, "lead_approver").get(reverse("my-tasks")).content.decode()
    assert "待我审核" in html and "审核任务5的报告" in html


def test_my_tasks_ignores_closed_and_future_rounds(client, world):
    # Stored directly: the services refuse dates beyond the plan's period + 2 years (security/dates.py).
    future = ReportingRound.objects.create(
        plan=world.plan, period_kind="quarter", period_label="2099年第一季度", period_start="2099-01-01",
        period_end="2099-03-31", opens_on="2099-01-01", due_on="2099-04-10",
    )
    services.ensure_report_slots(future)
    world.round.closed = True
    world.round.save()
    html = login(client, world, "lead_reporter").get(reverse("my-tasks")).content.decode()
    assert "目前没有需要您填报或审核的任务" in html
    assert reverse("report-detail", args=[future.reports.get(unit=world.lead_unit).pk]) not in html


def test_my_tasks_filters_with_the_report_filterset(client, world, flow):
    flow.draft()
    login(client, world, "lead_reporter")
    html = client.get(reverse("my-tasks"), {"status": "accepted"}).content.decode()
    assert "目前没有需要您填报或审核的任务" in html
    html = client.get(reverse("my-tasks"), {"status": "draft", "role": "lead"}).content.decode()
    assert reverse("report-detail", args=[world.report_of(world.lead_unit).pk]) in html


def test_my_tasks_query_count_does_not_grow_with_tasks(client, world, django_assert_max_num_queries):
    for i in range(25):
        task = f.TaskFactory(plan=world.plan, section=world.task.section, ref=f"x{i}")
        f.AssignmentFactory(task=task, unit=world.lead_unit, role=Assignment.Role.LEAD)
    services.ensure_report_slots(world.round)
    login(client, world, "lead_reporter")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("my-tasks"))
    assert response.status_code == 200 and response.content.decode().count("填报任务x") == 25


# ---------------------------------------------------------------- the report page

def test_report_page_shows_target_unit_and_last_accepted_figure_beside_the_input(client, world, flow):
    flow.accepted()
    later = services.create_round(
        plan=world.plan, period_kind="quarter", period_label="2021年第三季度", period_start="2021-07-01",
        period_end="2021-09-30", opens_on="2021-07-01", due_on="2021-10-10",
    )
    report = later.reports.get(unit=world.lead_unit)
    html = login(client, world, "lead_reporter").get(reverse("report-detail", args=[report.pk])).content.decode()
    assert "不少于5600人" in html  # the target and its unit
    assert "3000人" in html and "2021年第二季度" in html  # the last accepted figure, from which round
    assert f'name="figure_{world.target.pk}"' in html
    assert f'for="id_figure_{world.target.pk}"' in html  # every input has a label


def test_reporter_saves_a_draft_and_every_version_is_kept(client, world):
    report = world.report_of(world.lead_unit)
    login(client, world, "lead_reporter")
    response = client.post(reverse("report-detail", args=[report.pk]), form_data(world, report))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.version == 2 and report.progress == "本季度新增就业3000人。" and report.status == S.DRAFT
    value = TargetValue.objects.get(report=report)
    assert value.value == Decimal("3000") and value.note == "人社部门统计"
    assert report.history.filter(history_user=world.users["lead_reporter"]).exists()


def test_save_and_submit_goes_to_the_units_approver_who_is_notified(client, world):
    report = world.report_of(world.lead_unit)
    login(client, world, "lead_reporter")
    response = client.post(reverse("report-detail", args=[report.pk]), form_data(world, report, then="submit"))
    assert response.status_code == 302 and response["Location"] == reverse("my-tasks")
    report.refresh_from_db()
    assert report.status == S.SUBMITTED and report.submitted_by == world.users["lead_reporter"]
    assert Notification.objects.filter(user=world.users["lead_approver"], kind="submitted", report=report).exists()


def test_whole_workflow_through_the_web(client, world):
    report = world.report_of(world.lead_unit)
    url = reverse("report-detail", args=[report.pk])
    login(client, world, "lead_reporter").post(url, form_data(world, report, then="submit"))
    login(client, world, "lead_approver")
    html = client.get(url).content.decode()
    assert "审核通过，报送办公室" in html
    client.post(reverse("report-action", args=[report.pk, "approve"]))
    report.refresh_from_db()
    assert report.status == S.APPROVED and report.approved_by == world.users["lead_approver"]

    login(client, world, "office")
    queue = client.get(reverse("round-detail", args=[world.round.pk])).content.decode()
    assert "采纳任务5（省人社厅）" in queue
    client.post(reverse("report-action", args=[report.pk, "return"]), {"comment": "请补充分市数据"})
    report.refresh_from_db()
    assert report.status == S.RETURNED and report.review_comment == "请补充分市数据"
    assert report.reviewed_by == world.users["office"] and report.reviewed_at is not None

    login(client, world, "lead_reporter")
    html = client.get(url).content.decode()
    assert "退回意见" in html and "请补充分市数据" in html
    client.post(url, form_data(world, report, progress="补充：长春市1200人。", then="submit"))
    login(client, world, "lead_approver").post(reverse("report-action", args=[report.pk, "approve"]))
    login(client, world, "office").post(reverse("report-action", args=[report.pk, "accept"]))
    report.refresh_from_db()
    assert report.status == S.ACCEPTED and report.progress == "补充：长春市1200人。"
    # Accepted: read-only, no form on the page.
    html = login(client, world, "lead_reporter").get(url).content.decode()
    assert 'name="progress"' not in html and "更正已采纳的报告" in html


def test_approver_sends_back_inside_the_unit(client, world, flow):
    report = flow.submitted()
    login(client, world, "lead_approver")
    client.post(reverse("report-action", args=[report.pk, "send_back"]), {"comment": "数字再核对"})
    report.refresh_from_db()
    assert report.status == S.RETURNED and report.review_comment == "数字再核对"
    assert Notification.objects.filter(user=world.users["lead_reporter"], kind="returned").exists()


def test_reopen_accepted_report_needs_a_reason_and_opens_a_new_version(client, world, flow):
    report = flow.accepted()
    login(client, world, "lead_reporter")
    client.post(reverse("report-action", args=[report.pk, "reopen"]), {"reason": ""})
    assert flow.fresh(report).status == S.ACCEPTED
    client.post(reverse("report-action", args=[report.pk, "reopen"]), {"reason": "统计口径更正"})
    fresh = flow.fresh(report)
    assert fresh.status == S.DRAFT and fresh.version == report.version + 1
    assert fresh.history.filter(status=S.ACCEPTED).exists()  # the accepted version stays in history


def test_lead_unit_sees_participating_units_submitted_reports_before_writing(client, world, flow):
    flow.draft(world.part_unit, progress="民政厅：草稿内容")
    lead = world.report_of(world.lead_unit)
    login(client, world, "lead_reporter")
    html = client.get(reverse("report-detail", args=[lead.pk])).content.decode()
    assert "民政厅：草稿内容" not in html  # a draft stays with its unit
    flow.approved(world.part_unit)
    html = client.get(reverse("report-detail", args=[lead.pk])).content.decode()
    assert "参加单位的报告" in html and "完成城镇新增就业3000人。" in html and "省民政厅" in html
    # The participating unit does not see the lead unit's report.
    login(client, world, "part_reporter")
    assert client.get(reverse("report-detail", args=[lead.pk])).status_code == 404


# ---------------------------------------------------------------- bad input: a clear Chinese message, nothing written

@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"figure": "-5"}, "不能为负数"),
        ({"figure": "三千"}, "必须是数字"),
        ({"figure": "99999999"}, "远超目标值"),
        ({"progress": "很" * 5001}, "5000"),
        ({"next_steps": "很" * 3001}, "3000"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_written(client, world, overrides, message):
    report = world.report_of(world.lead_unit)
    data = form_data(world, report)
    if "figure" in overrides:
        data[f"figure_{world.target.pk}"] = overrides.pop("figure")
    data.update(overrides)
    response = login(client, world, "lead_reporter").post(reverse("report-detail", args=[report.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "本次未保存任何内容" in response.content.decode()
    report.refresh_from_db()
    assert report.version == 1 and report.progress == "" and not TargetValue.objects.exists()


def test_stale_version_is_refused_and_both_versions_remain(client, world):
    report = world.report_of(world.lead_unit)
    url = reverse("report-detail", args=[report.pk])
    first, second = form_data(world, report, progress="甲的版本"), form_data(world, report, progress="乙的版本")
    login(client, world, "lead_reporter")
    assert client.post(url, first).status_code == 302
    response = client.post(url, second)  # based on version 1 as well
    assert response.status_code == 409
    html = response.content.decode()
    assert "已另行保存" in html and "甲的版本" in html  # the page shows the saved version
    report.refresh_from_db()
    assert report.progress == "甲的版本" and report.version == 2
    refused = RefusedEdit.objects.get(report=report)
    assert refused.payload["progress"] == "乙的版本" and refused.based_on_version == 1
    history = client.get(reverse("report-history", args=[report.pk])).content.decode()
    assert "乙的版本" in history and "甲的版本" in history


def test_closed_round_refuses_saving(client, world):
    report = world.report_of(world.lead_unit)
    world.round.closed = True
    world.round.save()
    login(client, world, "lead_reporter")
    response = client.post(reverse("report-detail", args=[report.pk]), form_data(world, report))
    assert response.status_code == 400 and "已关闭" in response.content.decode()
    assert world.report_of(world.lead_unit).version == 1


def test_task_no_longer_assigned_to_the_unit_refuses_saving(client, world):
    report = world.report_of(world.lead_unit)
    Assignment.objects.filter(task=world.task, unit=world.lead_unit).delete()
    login(client, world, "lead_reporter")
    response = client.post(reverse("report-detail", args=[report.pk]), form_data(world, report))
    assert response.status_code == 400 and "未分配给本单位" in response.content.decode()
    assert world.report_of(world.lead_unit).version == 1


def test_submit_without_progress_text_is_refused(client, world, flow):
    report = world.report_of(world.lead_unit)
    login(client, world, "lead_reporter")
    client.post(reverse("report-action", args=[report.pk, "submit"]), follow=True)
    assert flow.fresh(report).status == S.DRAFT
    response = client.post(reverse("report-action", args=[report.pk, "submit"]), follow=True)
    assert "请填写“进展情况”后再提交" in response.content.decode()


def test_return_without_a_comment_is_refused(client, world, flow):
    report = flow.approved()
    response = login(client, world, "office").post(reverse("report-action", args=[report.pk, "return"]),
                                                   {"comment": "  "}, follow=True)
    assert "退回时请写明退回原因" in response.content.decode()
    assert flow.fresh(report).status == S.APPROVED


def test_unknown_action_is_404(client, world):
    report = world.report_of(world.lead_unit)
    assert login(client, world, "lead_reporter").post(reverse("report-action", args=[report.pk, "explode"])).status_code == 404


def test_report_text_is_escaped(client, world, flow):
    flow.draft(progress="<script>alert(1)</script>")
    report = world.report_of(world.lead_unit)
    login(client, world, "office")
    html = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_report_page_query_count(client, world, flow, django_assert_max_num_queries):
    flow.approved(world.part_unit)  # before the extra targets: a participating unit would need a reason for each
    for i in range(10):
        f.TargetFactory(task=world.task, indicator=f"指标{i}", order=i + 1)
    report = world.report_of(world.lead_unit)
    login(client, world, "lead_reporter")
    with django_assert_max_num_queries(22):
        assert client.get(reverse("report-detail", args=[report.pk])).status_code == 200


def test_save_and_submit_query_count(client, world, django_assert_max_num_queries):
    """保存并提交 is the busiest write of a deadline day: the save and the submit share one lock and one
    read of the task's targets, whatever the number of targets (10 here)."""
    for i in range(10):
        f.TargetFactory(task=world.task, indicator=f"指标{i}", order=i + 1, value=Decimal("100"))
    report = world.report_of(world.lead_unit)
    data = form_data(world, report, then="submit", problems="部分指标进度偏慢，正在协调推进。")
    data.update({f"figure_{t.pk}": "10" for t in world.task.targets.all() if t.pk != world.target.pk})
    login(client, world, "lead_reporter")
    with django_assert_max_num_queries(55):  # 11 figures and their history: one INSERT each, not eleven
        response = client.post(reverse("report-detail", args=[report.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    report.refresh_from_db()
    assert report.status == S.SUBMITTED and report.values.count() == 11


def test_overdue_uses_the_units_extension(client, world):
    # Stored directly: the service refuses dates beyond the plan's period + 2 years, and today is past 2023.
    DeadlineExtension.objects.create(round=world.round, unit=world.lead_unit, due_on=datetime.date(2099, 1, 1),
                                     reason="特殊情况", granted_by=world.users["office"])
    html = login(client, world, "lead_reporter").get(reverse("my-tasks")).content.decode()
    assert "2099-01-01" in html and "status-overdue" not in html


def test_overlong_comment_or_reason_is_refused_with_the_limit(client, world, flow):
    report = flow.approved()
    response = login(client, world, "office").post(reverse("report-action", args=[report.pk, "return"]),
                                                   {"comment": "长" * 2001}, follow=True)
    assert "2000" in response.content.decode() and flow.fresh(report).status == S.APPROVED
    report = services.accept(report=report, user=world.users["office"])
    response = client.post(reverse("report-action", args=[report.pk, "reopen"]), {"reason": "长" * 501}, follow=True)
    assert "500" in response.content.decode() and flow.fresh(report).status == S.ACCEPTED

