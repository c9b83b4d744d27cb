"""The office fixes a draft plan in Chromium — units and a target, by keyboard —, publishes it and later
revises a target with a reason; axe-core finds nothing on any page of the editor."""
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tasks.models import Assignment, WorkPlan
from tests import factories as f
from units.models import UnitRole

pytestmark = pytest.mark.browser


@pytest.fixture
def draft(transactional_db):
    committee = f.CommitteeFactory(code="prov", name="某省残工委")
    office_unit = f.UnitFactory(committee=committee, short_name="省残联", code="cl")
    rs = f.UnitFactory(committee=committee, short_name="省人社厅", code="rs")
    f.UnitFactory(committee=committee, short_name="省民政厅", code="mz")
    office = f.UserFactory(username="office")
    f.UnitRoleFactory(user=office, unit=office_unit, role=UnitRole.Role.OFFICE)
    plan = f.WorkPlanFactory(committee=committee, title="2022年重点工作任务", status=WorkPlan.Status.DRAFT,
                             period_start=2022, period_end=2022)
    section = f.SectionFactory(plan=plan, number="一", path="一", title="就业")
    first = f.TaskFactory(plan=plan, section=section, ref="1", text="做好就业服务。", order=1)
    f.AssignmentFactory(task=first, unit=rs, role=Assignment.Role.LEAD)
    second = f.TaskFactory(plan=plan, section=section, ref="2", text="城镇新增残疾人就业100人。", order=2)
    f.TargetFactory(task=second, indicator="城镇新增残疾人就业", value=Decimal("100"), ambiguous=True)
    return plan, second, office


def focused_id(page):
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_office_fixes_publishes_and_revises_by_keyboard(page_as, draft, axe):
    plan, task, office = draft
    page = page_as(office)
    page.goto(page.base_url + "/plans/new/")
    assert axe(page, "plan-new") == []
    page.goto(page.base_url + f"/plans/{plan.pk}/edit/")
    assert page.get_by_text("任务 2：没有牵头单位").count() == 1
    assert axe(page, "plan-edit-draft") == []

    page.get_by_role("link", name="编辑 任务 2").click()
    page.get_by_role("heading", level=1, name="编辑任务 2").wait_for()
    assert axe(page, "task-edit-draft") == []

    # A name the committee does not know: refused by the server, focus goes to the error summary.
    page.get_by_label("牵头单位").fill("不存在厅")
    page.locator("#units-submit").press("Enter")
    page.locator("#editor .form-errors").wait_for()
    assert "本残工委没有名为“不存在厅”的成员单位" in page.locator("#editor .form-errors").inner_text()
    # expect() polls from outside the page: the CSP forbids the eval a string wait_for_function needs.
    expect(page.locator("#editor .form-errors")).to_be_focused(timeout=5000)

    # Units: typed by name, saved with Enter on the focused button; focus comes back to it after the swap.
    lead = page.get_by_label("牵头单位")
    lead.fill("")
    lead.focus()
    page.keyboard.type("省人社厅")
    page.keyboard.press("Tab")
    page.keyboard.type("省民政厅")
    while focused_id(page) != "units-submit":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.get_by_text("已保存责任单位。").wait_for()
    assert focused_id(page) == "units-submit"
    assert page.get_by_label("牵头单位").input_value() == "省人社厅"

    # Escape puts back what was there before editing.
    target_form = page.locator("fieldset.target-edit").first
    value = target_form.get_by_label("目标值")
    value.fill("999")
    value.press("Escape")
    assert value.input_value() in ("100", "100.0000")

    # The target: confirmed (not 待确认 any more) and a new value, saved with Enter in the field.
    target_form.get_by_label("待确认").uncheck()
    value.fill("150")
    value.press("Enter")
    page.get_by_text("已保存目标“城镇新增残疾人就业”。").wait_for()
    assert axe(page, "task-edit-saved") == []

    page.get_by_role("link", name="返回计划").click()
    page.get_by_role("button", name="发布计划").click()
    page.get_by_text("计划已发布，可以开始填报。").wait_for()
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.PUBLISHED
    assert axe(page, "plan-edit-published") == []

    # Mid-year: revise the target. The reason is required: without it nothing is sent and focus goes to it.
    page.goto(page.base_url + f"/tasks/{task.pk}/edit/")
    target_form = page.locator("fieldset.target-edit").first
    target_form.get_by_label("目标值").fill("200")
    target_form.get_by_label("目标值").press("Enter")
    expect(target_form.get_by_label("调整原因")).to_be_focused()
    target_form.get_by_label("调整原因").fill("省政府调高年度目标")
    target_form.get_by_role("button", name="保存目标").click()
    page.get_by_text("已保存目标“城镇新增残疾人就业”。").wait_for()
    assert page.get_by_text("目标值 150 → 200").count() >= 1
    assert axe(page, "task-edit-revised") == []

    page.goto(page.base_url + f"/plans/{plan.pk}/")
    assert page.get_by_text("已调整").count() == 1
    assert page.get_by_text("目标值由150调整为200").count() == 1
    assert axe(page, "plan-detail-revised") == []
    page.goto(page.base_url + f"/plans/{plan.pk}/history/")
    assert page.get_by_text("省政府调高年度目标").count() == 1
    assert axe(page, "plan-history") == []


def test_schedule_page_with_a_schedule_to_edit(page_as, world, axe):
    from reports import services as report_services

    report_services.set_schedule(plan=world.plan, user=world.users["office"], frequency="quarter", due_days=10,
                                 reminder_offsets="-3,1,7")
    page = page_as(world.users["office"])
    page.goto(page.base_url + f"/reports/plans/{world.plan.pk}/schedule/")
    assert page.get_by_label("填报周期").input_value() == ""
    assert axe(page, "schedule-with-one") == []
    page.get_by_role("button", name="删除该安排 季报").click()
    page.get_by_text("已删除季报安排").wait_for()
    assert axe(page, "schedule-removed") == []


JOURNEY_PLAN = """某省残工委2022年重点工作任务
一、就业
1.做好残疾人就业服务，城镇新增就业100人以上。（牵头单位：地方各级政府；参加单位：省民政厅）
2.做好康复服务。（牵头单位：省民政厅）
"""


def test_import_fix_publish_open_a_round_and_revise(page_as, world, axe, tmp_path):
    """The whole journey of the issue: import (ignoring a name that is not a member unit), fix the task
    that lost its lead unit, publish, open a round, and revise the target mid-year with a reason."""
    path = tmp_path / "2022年重点工作任务.txt"
    path.write_text(JOURNEY_PLAN, encoding="utf-8")
    page = page_as(world.users["office"])
    page.goto(page.base_url + "/plans/import/")
    page.get_by_label("计划文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并识别").click()
    page.get_by_role("heading", level=1, name="核对导入结果").wait_for()
    assert page.get_by_label("标题").input_value() == "某省残工委2022年重点工作任务"
    page.locator("fieldset.attention select").first.select_option("ignore")
    page.get_by_role("button", name="确认导入").click()
    page.get_by_role("link", name="编辑与发布").click()
    assert page.get_by_text("任务 1：没有牵头单位").count() == 1
    plan = WorkPlan.objects.get(title="某省残工委2022年重点工作任务")

    page.get_by_role("link", name="编辑 任务 1").click()
    page.get_by_label("牵头单位").fill("省人社厅")
    page.locator("#units-submit").press("Enter")
    page.get_by_text("已保存责任单位。").wait_for()
    page.get_by_role("link", name="返回计划").click()
    page.get_by_role("button", name="发布计划").click()
    page.get_by_text("计划已发布，可以开始填报。").wait_for()

    page.goto(page.base_url + "/reports/rounds/")
    page.get_by_label("工作计划").select_option(label=plan.title)
    page.get_by_label("名称").fill("2022年年中专项调度")
    for label, day in (("期间开始", "2022-01-01"), ("期间结束", "2022-06-30"), ("开始填报", "2022-07-01"),
                       ("截止日期", "2022-07-15")):
        page.get_by_label(label).fill(day)
    page.get_by_role("button", name="开启").click()
    page.get_by_text("2022年年中专项调度").first.wait_for()
    assert plan.rounds.count() == 1

    task = plan.tasks.get(ref="1")
    page.goto(page.base_url + f"/tasks/{task.pk}/edit/")
    target_form = page.locator("fieldset.target-edit").first
    target_form.get_by_label("目标值").fill("120")
    target_form.get_by_label("调整原因").fill("年中评估后调高")
    target_form.get_by_role("button", name="保存目标").click()
    page.get_by_text("目标值 100 → 120").first.wait_for()
    assert axe(page, "journey-revised") == []
    page.goto(page.base_url + f"/plans/{plan.pk}/")
    assert page.get_by_text("目标值由100调整为120").count() == 1
