"""督办 in a real browser, on a desktop (1366×900) and at 390×844, by keyboard, with axe-core finding
nothing: the office reads the items, closes one (after a refused empty note), sets its ladder and the
plan's 序时进度 weights (after refused bad input); a leader writes a 批示 and the unit answers it on its
report page."""
import datetime

import pytest
from django.urls import reverse

from rollups.models import EscalationStep, InstructionAnswer, SupervisionItem
from rollups.supervision import services

pytestmark = pytest.mark.browser
DESKTOP, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


def check(page, axe, name, viewport):
    violations = axe(page, f"{name}-{'phone' if viewport == PHONE else 'desktop'}")
    assert violations == [], f"{name}: {violations}"
    if viewport == PHONE:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, name


def press(page, locator):
    """Activate a button or link by keyboard: focus it, press Enter."""
    locator.focus()
    page.keyboard.press("Enter")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_office_reads_closes_and_configures(page_as, world, axe, viewport):
    services.run_escalation(today=datetime.date(2021, 7, 20))  # 10 days late: 督办单（黄）
    page = page_as(world.users["office"])
    page.set_viewport_size(viewport)
    page.goto(page.base_url + "/reports/supervision/")
    page.get_by_role("heading", name="督办事项", level=1).wait_for()
    assert page.locator("tbody .level-2").count() == 2
    check(page, axe, "supervision-items", viewport)

    press(page, page.get_by_role("link", name="5. ", exact=False).first)
    page.get_by_role("heading", name="督办记录").wait_for()
    check(page, axe, "supervision-item", viewport)
    press(page, page.get_by_role("button", name="办结"))
    page.get_by_text("办结时请写明办结说明（如整改情况）。").first.wait_for()
    check(page, axe, "supervision-item-error", viewport)
    page.get_by_label("办结说明").fill("单位已说明原因，承诺本周内报送。")
    press(page, page.get_by_role("button", name="办结"))
    page.get_by_text("已办结，该事项不再升级督办。").wait_for()
    assert SupervisionItem.objects.filter(status="closed").count() == 1

    page.goto(page.base_url + f"/reports/supervision/committees/{world.committee.pk}/steps/")
    page.get_by_role("heading", level=1).wait_for()
    check(page, axe, "supervision-steps", viewport)
    page.locator("#id_2-overdue_days").fill("1")
    press(page, page.get_by_role("button", name="保存督办步骤"))
    page.get_by_text("报告逾期天数须多于上一级（1天），逐级升级。").first.wait_for()
    assert not EscalationStep.objects.exists()
    check(page, axe, "supervision-steps-error", viewport)
    page.locator("#id_2-overdue_days").fill("5")
    press(page, page.get_by_role("button", name="保存督办步骤"))
    page.get_by_text("督办步骤已保存").wait_for()
    assert EscalationStep.objects.get(committee=world.committee, level=2).overdue_days == 5

    page.goto(page.base_url + f"/reports/supervision/plans/{world.plan.pk}/pace/")
    page.get_by_role("heading", name="序时进度设置", level=1).wait_for()
    check(page, axe, "supervision-pace", viewport)
    weights = page.get_by_label("的权重", exact=False)
    weights.fill("1,1")
    press(page, page.get_by_role("button", name="保存序时进度设置"))
    page.get_by_text("应填写4个权重（本计划共4个填报期），收到2个。", exact=False).first.wait_for()
    check(page, axe, "supervision-pace-error", viewport)
    page.get_by_label("的权重", exact=False).fill("1,1,1,3")
    press(page, page.get_by_role("button", name="保存序时进度设置"))
    page.get_by_text("序时进度设置已保存").wait_for()
    world.target.refresh_from_db()
    assert world.target.pace_weights == [1, 1, 1, 3]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_leader_instructs_and_the_unit_answers(page_as, world, axe, viewport):
    leader = page_as(world.users["leader"])
    leader.set_viewport_size(viewport)
    leader.goto(leader.base_url + "/reports/supervision/instructions/")
    leader.get_by_role("heading", name="领导批示", level=1).wait_for()
    check(leader, axe, "supervision-instructions", viewport)
    leader.locator("#instruction_plan").select_option(label=world.plan.title)
    leader.locator("#instruction_task").select_option(index=1)
    press(leader, leader.get_by_role("button", name="发出批示"))
    leader.get_by_text("请填写批示内容。").first.wait_for()
    check(leader, axe, "supervision-instructions-error", viewport)
    leader.get_by_label("批示内容").fill("就业任务要压实责任，第三季度赶上序时进度。")
    press(leader, leader.get_by_role("button", name="发出批示"))
    leader.get_by_text("批示已发出").wait_for()

    unit = page_as(world.users["lead_reporter"])
    unit.set_viewport_size(viewport)
    report = world.report_of(world.lead_unit)
    unit.goto(unit.base_url + reverse("report-detail", args=[report.pk]))
    unit.get_by_role("heading", name="领导批示").wait_for()
    assert unit.get_by_text("待答复").count() == 1
    check(unit, axe, "report-instruction", viewport)
    unit.get_by_label("对批示的答复").fill("已召开专题会议，分解到各市（州），三季度集中招聘。")
    press(unit, unit.get_by_role("button", name="保存答复"))
    unit.get_by_text("答复已保存，将随本报告报送。").wait_for()
    check(unit, axe, "report-instruction-answered", viewport)
    answer = InstructionAnswer.objects.get()
    assert answer.report == report and answer.unit == world.lead_unit

    leader.reload()
    leader.get_by_text("已召开专题会议", exact=False).wait_for()
    check(leader, axe, "supervision-instructions-answered", viewport)
