"""Each role's home page in Chromium, on a desktop and at 390×844, with axe-core finding nothing:
the reporter's what-to-do-now, the approver's one-click sign-off, the office's 工作台 with
批量采纳 and 一键催办, the leader's dashboard; the phone header collapses behind 菜单."""
import pytest

from reports import services
from reports.models import ProgressReport, ReminderLog

pytestmark = pytest.mark.browser
S = ProgressReport.Status
PHONE = {"width": 390, "height": 844}


def check(page, axe, name):
    violations = axe(page, name)
    assert violations == [], f"{name}: {violations}"


def approve(world, unit, reporter, approver):
    report = world.report_of(unit)
    report = services.save_draft(report=report, user=world.users[reporter], version=report.version,
                                 progress="本季度完成。", figures={world.target.pk: "3000"})
    report = services.submit(report=report, user=world.users[reporter])
    return services.approve(report=report, user=world.users[approver])


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_reporter_home(page_as, world, axe, viewport):
    report = approve(world, world.lead_unit, "lead_reporter", "lead_approver")
    services.return_report(report=report, user=world.users["office"], comment="请补充分市（州）的就业人数。")
    page = page_as(world.users["lead_reporter"])
    if viewport:
        page.set_viewport_size(viewport)
    page.goto(page.base_url + "/")
    page.get_by_role("heading", level=1, name="现在要做").wait_for()
    assert page.get_by_text("请补充分市（州）的就业人数。").count() == 1
    check(page, axe, f"home-reporter-{'phone' if viewport else 'desktop'}")
    if viewport:  # the header is a menu button on a phone
        assert page.get_by_role("link", name="通知").is_hidden()
        page.get_by_role("button", name="菜单").click()
        page.get_by_role("link", name="通知").wait_for(state="visible")
        check(page, axe, "home-reporter-phone-menu")
        box = page.get_by_role("button", name="退出").bounding_box()
        assert box["height"] < 50  # 退出 on one line, not 退/出
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name="填报任务5").click()
    page.get_by_role("heading", name="退回意见").wait_for()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_approver_signs_off_from_home(page_as, world, axe, viewport):
    report = world.report_of(world.lead_unit)
    report = services.save_draft(report=report, user=world.users["lead_reporter"], version=1, progress="完成。",
                                 figures={world.target.pk: "3000"})
    services.submit(report=report, user=world.users["lead_reporter"])
    page = page_as(world.users["lead_approver"])
    if viewport:
        page.set_viewport_size(viewport)
    page.goto(page.base_url + "/")
    page.get_by_role("heading", name="待我审核（1份）").wait_for()
    check(page, axe, f"home-approver-{'phone' if viewport else 'desktop'}")
    page.get_by_role("button", name="审核通过任务5").click()
    page.get_by_text("已审核通过").wait_for()
    page.get_by_role("heading", name="待我审核（0份）").wait_for()
    report.refresh_from_db()
    assert report.status == S.APPROVED


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_office_workbench_batch_accept_and_chase(page_as, world, axe, viewport):
    lead = approve(world, world.lead_unit, "lead_reporter", "lead_approver")
    page = page_as(world.users["office"])
    if viewport:
        page.set_viewport_size(viewport)
    page.goto(page.base_url + "/")
    page.get_by_role("heading", level=1, name="工作台").wait_for()
    page.get_by_role("heading", name="待审阅的报告（1份）").wait_for()
    check(page, axe, f"home-office-{'phone' if viewport else 'desktop'}")
    page.get_by_label("选择任务5（省人社厅）").check()
    page.get_by_role("button", name="批量采纳所选报告").click()
    page.get_by_text("已采纳1份报告。").wait_for()
    lead.refresh_from_db()
    assert lead.status == S.ACCEPTED
    page.get_by_role("button", name="一键催办2021年第二季度的1个逾期单位").click()
    page.get_by_text("已向1个逾期单位发出催办：省民政厅。").wait_for()
    assert ReminderLog.objects.filter(round=world.round, unit=world.part_unit, kind="chase").count() == 1
    check(page, axe, f"home-office-after-{'phone' if viewport else 'desktop'}")


def test_leader_lands_on_the_dashboard(page_as, world, axe):
    world.plan.status = "published"
    world.plan.save()
    page = page_as(world.users["leader"])
    page.goto(page.base_url + "/")
    page.get_by_role("heading", level=1).filter(has_text="年度看板").wait_for()
    assert f"/dashboard/plans/{world.plan.pk}/" in page.url


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_notifications_clear_once_the_report_is_handled(page_as, world, axe, viewport):
    report = world.report_of(world.lead_unit)
    report = services.save_draft(report=report, user=world.users["lead_reporter"], version=1, progress="完成。",
                                 figures={world.target.pk: "3000"})
    services.submit(report=report, user=world.users["lead_reporter"])
    page = page_as(world.users["lead_approver"])
    if viewport:
        page.set_viewport_size(viewport)
    page.goto(page.base_url + "/reports/notifications/")
    page.get_by_role("heading", name="2021年第二季度 · 待审核").wait_for()
    assert page.locator(".badge").first.inner_text() == "1 件待办"
    check(page, axe, f"notifications-open-{'phone' if viewport else 'desktop'}")
    page.goto(page.base_url + "/")
    page.get_by_role("button", name="审核通过任务5").click()
    page.get_by_text("已审核通过").wait_for()
    assert page.locator(".badge").count() == 0  # nothing left to do, though the notice was never opened
    page.goto(page.base_url + "/reports/notifications/")
    page.get_by_text("已办结").first.wait_for()
    page.get_by_role("button", name="全部标为已读").click()
    page.get_by_text("已将1条通知标为已读。").wait_for()
    check(page, axe, f"notifications-cleared-{'phone' if viewport else 'desktop'}")
