"""Five-year plan evaluation in a real browser: the office links the 2021 plan's targets to the 十四五
indicators by keyboard, opens an indicator, produces the mid-term evaluation and downloads it as Word and
Excel (rendered through LibreOffice when it is installed); a leader reads; a reporter is refused. axe-core
finds nothing on any page visited."""
import shutil
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from targets.models import Target
from tasks.models import WorkPlan

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=open("/dev/null", "w"))
    Target.objects.update(plan_indicator=None)  # the office links them here


def user(name):
    return get_user_model().objects.get(username=name)


def test_office_links_targets_and_produces_the_mid_term_evaluation(page_as, demo, axe, tmp_path):
    page = page_as(user("office"))
    page.goto(page.base_url + "/")
    page.get_by_role("link", name="五年规划指标", exact=True).click()
    page.get_by_role("heading", name="五年规划主要指标与评估", level=1).wait_for()
    assert axe(page, "fyp-index") == []
    page.get_by_role("link", name="吉林省“十四五”残疾人保障和发展规划").click()
    assert page.locator("#indicators tbody tr").count() == 10
    assert axe(page, "fyp-plan") == []
    page.get_by_role("link", name="的目标关联到指标", exact=False).first.click()
    page.get_by_role("heading", level=1).wait_for()
    assert axe(page, "fyp-link") == []
    # by keyboard: focus the first select, choose with the keyboard, tab to the next, save with Enter
    employment = page.get_by_label("城镇新增残疾人就业", exact=False)
    employment.focus()
    employment.select_option(label="5. 残疾人城镇新增就业人数（累计）")
    page.keyboard.press("Tab")
    page.get_by_label("培训残疾人", exact=False).select_option(label="4. 城乡残疾人职业技能培训人数（累计）")
    page.get_by_role("button", name="保存关联").focus()
    page.keyboard.press("Enter")
    page.get_by_text("已保存", exact=False).first.wait_for()
    linked = {t.indicator: t.plan_indicator.number for t in Target.objects.filter(plan_indicator__isnull=False)}
    assert linked == {"城镇新增残疾人就业": 5, "培训残疾人": 4}
    assert axe(page, "fyp-link-saved") == []
    page.get_by_role("link", name="返回规划").click()
    page.get_by_role("link", name="残疾人城镇新增就业人数").click()
    page.get_by_role("heading", name="残疾人城镇新增就业人数（累计）", level=1).wait_for()
    assert axe(page, "fyp-indicator") == []
    page.go_back()
    page.get_by_role("link", name="2023年中期评估").click()
    page.get_by_text("10项主要指标中，5项约束性指标、5项预期性指标。", exact=False).wait_for()
    assert "年度计划目标汇总" in page.locator("#evaluation").inner_html()  # 2021 from the linked targets
    assert axe(page, "fyp-evaluation-2023") == []
    with page.expect_download() as info:
        page.get_by_role("link", name="下载评估表（Excel）").click()
    assert info.value.suggested_filename.endswith(".xlsx")
    with page.expect_download() as info:
        page.get_by_role("link", name="下载评估报告（Word 公文）").click()
    path = tmp_path / "evaluation.docx"
    info.value.save_as(path)
    assert path.stat().st_size > 5000
    if shutil.which("soffice") and shutil.which("pdftoppm"):
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
                        "pdf", "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=180)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(tmp_path / "evaluation.pdf"),
                        "test-artifacts/fyp-browser-docx"], check=True, timeout=60)


def test_leader_reads_reporter_is_refused(page_as, demo, axe):
    plan = WorkPlan.objects.get(title__contains="十四五")
    page = page_as(user("leader"))
    page.goto(page.base_url + f"/reports/fyp/plans/{plan.pk}/evaluation/2025/")
    page.get_by_text("总结评估", exact=False).first.wait_for()
    assert page.get_by_role("link", name="导入指标表").count() == 0
    assert axe(page, "fyp-evaluation-2025-leader") == []
    page = page_as(user("rs_reporter"))
    response = page.goto(page.base_url + f"/reports/fyp/plans/{plan.pk}/")
    assert response.status == 404
