"""The 调度通报 page in a real browser: the office drafts, edits and publishes by keyboard, a unit
reads the published one; axe-core finds nothing on any of them."""
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from reports.models import Notification
from rollups.models import Bulletin
from tasks.models import WorkPlan

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=open("/dev/null", "w"))
    return WorkPlan.objects.get(doc_number="吉政残工委发〔2021〕2号")


def user(name):
    return get_user_model().objects.get(username=name)


def test_office_drafts_edits_and_publishes_by_keyboard(page_as, demo, axe):
    rnd = demo.rounds.get(period_label="2021年第三季度")
    page = page_as(user("office"))
    page.goto(page.base_url + f"/reports/rounds/{rnd.pk}/bulletin/")
    assert axe(page, "bulletin-empty") == []
    page.get_by_role("button", name="根据汇总数据起草通报").click()
    title = page.get_by_label("标题", exact=True)
    title.wait_for()
    assert "二、进度滞后的任务" in page.get_by_label("正文", exact=False).input_value()
    assert axe(page, "bulletin-draft") == []
    # bad input: an empty title is refused by the server too (the browser's check is bypassed)
    title.fill("")
    page.evaluate("document.querySelector('.bulletin-form').noValidate = true")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("请填写通报标题。").first.wait_for()
    assert axe(page, "bulletin-error") == []
    title = page.get_by_label("标题", exact=True)
    title.fill("关于2021年第三季度重点工作任务推进情况的通报")
    title.press("Tab")
    page.keyboard.press("Tab")  # body → 保存
    page.keyboard.press("Enter")
    page.get_by_text("通报已保存。").wait_for()
    page.get_by_role("button", name="发布给各成员单位").focus()
    page.keyboard.press("Enter")
    page.get_by_text("通报已发布").wait_for()
    assert Bulletin.objects.get(round=rnd).is_published
    assert axe(page, "bulletin-published") == []


def test_a_unit_reads_the_published_bulletin(page_as, demo, axe):
    rnd = demo.rounds.get(period_label="2021年第二季度")  # published by the demo
    assert Notification.objects.filter(kind="bulletin", user=user("rs_reporter")).exists()
    page = page_as(user("rs_reporter"))
    page.goto(page.base_url + f"/reports/rounds/{rnd.pk}/bulletin/")
    page.get_by_role("heading", level=2).filter(has_text="通报").wait_for()
    assert page.get_by_role("button").filter(has_text="发布").count() == 0
    assert axe(page, "bulletin-unit") == []
