"""A whole reporting round in a real browser, with axe-core finding nothing on any page:
the reporter drafts and submits, the approver signs off, the office returns with a comment,
the reporter corrects and resubmits, the approver signs off again, the office accepts."""
import pytest

from reports.models import ProgressReport

pytestmark = pytest.mark.browser
S = ProgressReport.Status


def check(page, axe, name):
    violations = axe(page, name)
    assert violations == [], f"{name}: {violations}"


def test_a_whole_round_through_the_browser(page_as, world, axe):
    u = world.users
    report = world.report_of(world.lead_unit)

    # 1. The lead unit's reporter drafts, then submits.
    reporter = page_as(u["lead_reporter"])
    reporter.goto(reporter.base_url + "/reports/")
    reporter.get_by_role("heading", level=1, name="我的任务").wait_for()
    check(reporter, axe, "round-1-my-tasks")
    reporter.get_by_role("link", name="填报任务5").click()
    reporter.get_by_label("进展情况").fill("本季度全省城镇新增残疾人就业3000人。")
    reporter.get_by_label("城镇新增残疾人就业 累计完成（人）").fill("3000")
    check(reporter, axe, "round-2-report-form")
    reporter.get_by_role("button", name="保存草稿").click()
    reporter.get_by_text("草稿已保存（第2版）").wait_for()
    check(reporter, axe, "round-3-draft-saved")
    reporter.get_by_role("button", name="保存并提交").click()
    reporter.get_by_text("已提交（第4版）").wait_for()  # saved as version 3, submitted as version 4
    report.refresh_from_db()
    assert report.status == S.SUBMITTED

    # 2. The unit's approver signs off.
    approver = page_as(u["lead_approver"])
    approver.goto(approver.base_url + "/reports/")
    approver.get_by_role("heading", name="待我审核").wait_for()
    check(approver, axe, "round-4-approver-tasks")
    approver.get_by_role("link", name="审核任务5的报告").click()
    approver.get_by_role("button", name="审核通过，报送办公室").wait_for()
    check(approver, axe, "round-5-approver-report")
    approver.get_by_role("button", name="审核通过，报送办公室").click()
    approver.get_by_text("已审核通过").wait_for()
    report.refresh_from_db()
    assert report.status == S.APPROVED

    # 3. The office returns it with a comment, from the round's review queue.
    office = page_as(u["office"])
    office.goto(office.base_url + "/reports/rounds/")
    check(office, axe, "round-6-rounds")
    office.get_by_role("link", name="2021年第二季度").click()
    office.get_by_role("heading", name="待审阅（1份）").wait_for()
    check(office, axe, "round-7-review-queue")
    office.get_by_text("退回…").click()
    office.get_by_label("退回任务5（省人社厅）的原因").fill("请补充分市（州）的就业人数。")
    office.get_by_role("button", name="退回", exact=True).click()
    office.get_by_text("已退回单位").wait_for()
    report.refresh_from_db()
    assert report.status == S.RETURNED and report.reviewed_by == u["office"]

    # 4. The reporter sees the comment, corrects and resubmits.
    reporter.goto(reporter.base_url + "/reports/")
    reporter.get_by_role("heading", name="被退回的报告").wait_for()
    assert reporter.get_by_text("请补充分市（州）的就业人数。").count() == 1
    check(reporter, axe, "round-8-returned")
    reporter.get_by_role("link", name="填报任务5").click()
    reporter.get_by_role("heading", name="退回意见").wait_for()
    check(reporter, axe, "round-9-returned-report")
    reporter.get_by_label("进展情况").fill("本季度全省城镇新增残疾人就业3000人，其中长春市1200人、吉林市800人。")
    reporter.get_by_role("button", name="保存并提交").click()
    reporter.get_by_text("已提交").first.wait_for()

    # 5. The approver signs off again; the office accepts.
    approver.goto(approver.base_url + f"/reports/{report.pk}/")
    approver.get_by_role("button", name="审核通过，报送办公室").click()
    approver.get_by_text("已审核通过").wait_for()
    office.goto(office.base_url + f"/reports/rounds/{world.round.pk}/")
    office.get_by_role("button", name="采纳任务5（省人社厅）").click()
    office.get_by_text("已采纳。").wait_for()
    check(office, axe, "round-10-accepted")
    report.refresh_from_db()
    assert report.status == S.ACCEPTED and "长春市1200人" in report.progress

    # 6. Every step is in the history, with who did it.
    office.goto(office.base_url + f"/reports/{report.pk}/history/")
    office.get_by_role("heading", level=1, name="历史版本").wait_for()
    assert office.get_by_text("办公室退回：请补充分市（州）的就业人数。").count() == 1
    assert office.get_by_text("原因：办公室采纳").count() == 1
    check(office, axe, "round-11-history")


def test_the_other_reporting_pages_pass_axe(page_as, world, flow_in_browser, axe):
    u = world.users
    reporter = page_as(u["lead_reporter"])
    for path, name in [
        (f"/reports/units/{world.lead_unit.pk}/", "reporting-unit-overview"),
        (f"/reports/rounds/{world.round.pk}/units/{world.lead_unit.pk}/excel/", "reporting-excel"),
        ("/reports/notifications/", "reporting-notifications"),
    ]:
        reporter.goto(reporter.base_url + path)
        check(reporter, axe, name)
    office = page_as(u["office"])
    office.goto(office.base_url + f"/reports/plans/{world.plan.pk}/schedule/")
    check(office, axe, "reporting-schedule")
    office.goto(office.base_url + f"/reports/rounds/{world.round.pk}/")
    office.locator("#chase_unit").select_option(label="省民政厅")
    office.get_by_label("催办内容").fill("请尽快报送。")
    office.get_by_role("button", name="发送催办").click()
    office.get_by_text("已向省民政厅发出催办").wait_for()
    check(office, axe, "reporting-round-after-chase")
    english = page_as(u["lead_reporter"], language="en")
    english.goto(english.base_url + "/reports/")
    assert english.locator("html").get_attribute("lang") == "en"
    check(english, axe, "reporting-my-tasks-en")


@pytest.fixture
def flow_in_browser(world):
    """A returned report and an accepted one, so the pages have something in every section."""
    from reports import services

    u = world.users
    report = world.report_of(world.lead_unit)
    # 1000 of 5600 is below 序时进度: the report explains why (存在问题), as submitting requires.
    report = services.save_draft(report=report, user=u["lead_reporter"], version=1, progress="第一稿",
                                 problems="上半年招聘会推迟，就业人数集中在下半年。", figures={world.target.pk: "1000"})
    report = services.approve(report=services.submit(report=report, user=u["lead_reporter"]), user=u["lead_approver"])
    services.return_report(report=report, user=u["office"], comment="请补充")
    return world
