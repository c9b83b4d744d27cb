"""The import wizard in a real browser: upload → check and map units → confirm, axe-core on each step."""

import pytest

from tasks.models import WorkPlan
from tests import factories as f
from tests.plan_fixtures import PLANS

pytestmark = pytest.mark.browser
PLAN = PLANS / "jilin-13th-fyp-division-table.txt"


def test_office_imports_the_division_table(page_as, world, axe):
    province = world.committee
    f.UnitFactory(committee=province, short_name="省财政厅", code="cz")
    page = page_as(world.users["office"])
    page.goto(page.base_url + "/")
    page.get_by_role("link", name="导入工作计划").click()
    assert axe(page, "import-upload") == []

    page.get_by_label("计划文件").set_input_files(str(PLAN))
    page.get_by_role("button", name="上传并识别").click()
    page.get_by_role("heading", level=1, name="核对导入结果").wait_for()
    assert axe(page, "import-preview") == []
    assert page.get_by_text("未识别").count() > 0

    # Confirming with names still unmapped: errors listed, focusable, nothing saved.
    page.get_by_label("标题").fill("吉林省残疾人事业“十三五”规划纲要重点任务分工")
    page.get_by_role("button", name="确认导入").click()
    page.locator("#form-errors").wait_for()
    assert axe(page, "import-preview-errors") == []
    assert WorkPlan.objects.count() == 1

    page.locator("fieldset.attention select").first.select_option("new")
    page.get_by_label("未选择对应单位的名称，全部新建为单位").check()
    page.get_by_role("button", name="确认导入").click()
    page.get_by_role("heading", level=1, name="吉林省残疾人事业“十三五”规划纲要重点任务分工").wait_for()
    plan = WorkPlan.objects.exclude(pk=world.plan.pk).get()
    assert plan.tasks.count() == 36 and plan.period_start == 2016 and plan.period_end == 2020
    assert page.locator("li.task").count() == 36
    assert axe(page, "import-result") == []
