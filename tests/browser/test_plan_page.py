"""The plan and task pages in a real browser, with axe-core finding nothing."""
import pytest
from django.core.management import call_command

from tasks.models import WorkPlan

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    return WorkPlan.objects.get(doc_number="吉政残工委发〔2021〕2号")


def test_log_in_through_the_form_and_read_the_demo_plan(page_as, demo, axe):
    page = page_as()
    page.goto(page.base_url + "/")
    assert "/accounts/login/" in page.url
    assert axe(page, "login") == []
    page.get_by_label("用户名").fill("office")
    page.get_by_label("密码").fill("luoshi-demo-2021")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", level=1, name="工作台").wait_for()  # the office lands on its 工作台
    page.get_by_role("link", name="工作计划", exact=True).click()
    page.get_by_role("link", name=demo.title).click()
    page.get_by_role("heading", level=1, name=demo.title).wait_for()
    assert page.locator("li.task").count() == 21
    assert page.get_by_text("城镇新增就业5600人以上").count() >= 1
    assert axe(page, "plan-detail") == []


def test_task_page_and_keyboard_skip_link(page_as, demo, axe):
    from django.contrib.auth import get_user_model

    page = page_as(get_user_model().objects.get(username="leader"))
    page.goto(page.base_url + f"/plans/{demo.pk}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "跳到主要内容" in focused
    page.get_by_role("link", name="完善残疾人就业保障措施", exact=False).first.click()
    page.get_by_role("heading", level=2, name="进展报告").wait_for()
    assert page.locator("table.data tbody tr").count() >= 2
    assert axe(page, "task-detail") == []


def test_home_in_english(page_as, demo, axe):
    from django.contrib.auth import get_user_model

    page = page_as(get_user_model().objects.get(username="cl_reporter"), language="en")
    page.goto(page.base_url + f"/plans/{demo.pk}/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_text("Lead units").count() >= 1
    assert axe(page, "plan-detail-en") == []
