"""The plan dashboard and the year-end summary page in a real browser, with axe-core finding nothing."""
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from rollups.models import RollupRun
from tasks.models import WorkPlan

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=open("/dev/null", "w"))
    return WorkPlan.objects.get(doc_number="吉政残工委发〔2021〕2号")


def user(name):
    return get_user_model().objects.get(username=name)


def test_dashboard_has_bars_lights_chart_and_table(page_as, demo, axe):
    run = RollupRun.objects.get(plan=demo, year=2021)  # rolled up as the demo's reports were accepted
    assert run.computed_at is not None
    page = page_as(user("leader"))
    page.goto(page.base_url + "/")  # a leader lands on a dashboard; the site menu leads to all of them
    page.get_by_role("banner").get_by_role("link", name="看板与年度总结").click()
    page.get_by_role("link", name=demo.title).first.click()
    page.get_by_role("heading", level=1).filter(has_text="年度看板").wait_for()
    # the chart is drawn by the locally served ECharts, and its data is also a table
    page.wait_for_selector("#section-chart canvas")
    chart = page.locator("#section-chart")
    assert chart.get_attribute("role") == "img"
    assert chart.get_attribute("aria-label") == "各部分目标平均完成率柱状图"
    assert page.locator("#section-table tbody tr").count() >= 3
    # a progress bar for every target, with the numbers as text
    assert page.locator("progress").count() == run.targets_total
    assert page.get_by_text("完成率", exact=False).count() >= 1
    # traffic lights carry text, not only colour
    assert page.locator(".light").filter(has_text="黄灯").count() >= 1
    assert page.get_by_role("table").filter(has_text="退回次数").count() == 1
    # contributors open by keyboard
    summary = page.locator("details summary").first
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("details[open]").count() == 1
    assert axe(page, "dashboard") == []


def test_summary_page_generates_and_offers_downloads(page_as, demo, axe):
    page = page_as(user("office"))
    page.goto(page.base_url + f"/reports/summary/plans/{demo.pk}/?year=2021")
    assert axe(page, "summary-empty") == []
    page.get_by_label("同时汇总据本计划制定的下级残工委计划", exact=False).check()
    page.get_by_role("button", name="生成（重新生成会替换已有文件）").click()
    page.get_by_text("已开始生成年度总结").wait_for()
    page.reload()
    link = page.get_by_role("link", name="下载", exact=False).first
    with page.expect_download() as info:
        link.click()
    assert info.value.suggested_filename.endswith((".xlsx", ".docx"))
    assert axe(page, "summary-ready") == []


def test_dashboard_in_english(page_as, demo, axe):
    page = page_as(user("office"), language="en")
    page.goto(page.base_url + f"/reports/dashboard/plans/{demo.pk}/?year=2021")
    assert page.locator("html").get_attribute("lang") == "en"
    page.wait_for_selector("#section-chart canvas")
    assert axe(page, "dashboard-en") == []
