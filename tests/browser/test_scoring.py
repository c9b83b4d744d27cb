"""考核 in a real browser: the office defines the demo's scheme (after a refused bad try), reads the
ranking, opens a unit's deductions, exports the annex; a unit sees only its own card. axe-core
finds nothing on any page visited."""
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from rollups.models import ScoringScheme

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=open("/dev/null", "w"))
    ScoringScheme.objects.all().delete()  # the office defines it here


def user(name):
    return get_user_model().objects.get(username=name)


def test_office_defines_scores_traces_and_exports(page_as, demo, axe, tmp_path):
    page = page_as(user("office"))
    page.goto(page.base_url + "/")
    page.get_by_role("link", name="考核", exact=True).click()
    page.get_by_role("heading", name="考核", level=1).wait_for()
    assert axe(page, "scoring-index") == []
    page.get_by_role("link", name="设置新的年度考核办法", exact=False).click()
    page.get_by_label("年度").fill("2021")
    page.get_by_label("良好（不低于）").fill("95")  # above 优秀: refused
    page.get_by_role("button", name="保存考核办法").click()
    page.get_by_text("等次分数线须依次降低", exact=False).first.wait_for()
    assert ScoringScheme.objects.count() == 0
    assert axe(page, "scoring-form-error") == []
    page.get_by_label("良好（不低于）").fill("80")
    page.get_by_label("第1行 分值").fill("6")
    page.get_by_label("第1行 缺报每次扣分").fill("1")
    page.get_by_label("第1行 迟报每次扣分").fill("0.5")
    page.get_by_role("button", name="保存考核办法").focus()
    page.keyboard.press("Enter")  # by keyboard
    page.get_by_text("考核办法已保存").wait_for()
    assert ScoringScheme.objects.get().items.get(kind="timeliness").per_late == 0.5
    table = page.locator("#ranking")
    assert table.locator("tbody tr").count() > 10
    assert axe(page, "scoring-results") == []
    page.get_by_role("link", name="设置目标权重").click()
    page.get_by_role("heading", name="目标权重", level=1).wait_for()
    assert axe(page, "scoring-weights") == []
    page.get_by_role("button", name="保存权重").click()
    page.get_by_text("目标权重已保存").wait_for()
    # a bonus with its reason
    page.get_by_label("单位或下级残工委").select_option(label="省民政厅")
    page.get_by_label("分数（加分为正，扣分为负）").fill("2")
    page.get_by_label("事由").fill("获评全省残疾人工作先进集体")
    page.get_by_role("button", name="录入", exact=True).click()
    page.get_by_text("已录入").wait_for()
    # click a score → its deductions, each with a link to where it came from
    page.locator("#ranking").get_by_role("link", name="省人社厅得分", exact=False).click()
    page.get_by_role("heading", name="省人社厅", level=1).wait_for()
    links = page.locator("main table a")
    assert links.count() >= 1
    assert axe(page, "scoring-unit") == []
    href = links.first.get_attribute("href")
    assert href.startswith("/reports/")
    page.go_back()
    with page.expect_download() as info:
        page.get_by_role("link", name="导出考核结果（Excel）").click()
    assert info.value.suggested_filename.endswith(".xlsx")
    with page.expect_download() as info:
        page.get_by_role("link", name="导出考核结果（Word 公文）").click()
    path = tmp_path / "annex.docx"
    info.value.save_as(path)
    assert path.stat().st_size > 5000


def test_a_unit_sees_only_its_own_card(page_as, demo, axe):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # puts the demo scheme back
    scheme = ScoringScheme.objects.get()
    page = page_as(user("rs_reporter"))
    page.goto(page.base_url + f"/reports/scoring/{scheme.pk}/")
    rows = page.locator("#ranking tbody tr")
    assert rows.count() == 1 and "省人社厅" in rows.first.inner_text()
    assert page.get_by_text("省民政厅").count() == 0
    assert page.get_by_role("link", name="修改考核办法").count() == 0
    assert axe(page, "scoring-own-card") == []
    rows.first.get_by_role("link").click()
    page.get_by_role("heading", name="省人社厅", level=1).wait_for()
    assert axe(page, "scoring-own-unit") == []
