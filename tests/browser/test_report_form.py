"""The one report form in Chromium: type, attach and submit in one go; leaving with unsaved
changes asks first; the automatic save, then a conflict, loses nothing. axe-core on desktop and
at 390×844."""
import os
import tempfile

import pytest

from reports import services
from reports.models import Attachment, ProgressReport, RefusedEdit

pytestmark = pytest.mark.browser
S = ProgressReport.Status
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def check(page, axe, name):
    violations = axe(page, name)
    assert violations == [], f"{name}: {violations}"


@pytest.fixture
def evidence_file():
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "就业台账.pdf")
    with open(path, "wb") as fh:
        fh.write(PDF)
    return path


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_type_attach_and_submit_in_one_go(page_as, world, axe, evidence_file):
    report = world.report_of(world.lead_unit)
    page = page_as(world.users["lead_reporter"])
    page.goto(page.base_url + f"/reports/{report.pk}/")
    page.get_by_label("进展情况").fill("本季度全省城镇新增残疾人就业3000人。")
    page.get_by_label("城镇新增残疾人就业 累计完成（人）").fill("3000")
    page.get_by_label("添加证明材料").set_input_files(evidence_file)
    check(page, axe, "report-form-filled")
    page.get_by_role("button", name="保存并提交").click()
    page.get_by_text("已提交（第").wait_for()
    report.refresh_from_db()
    assert report.status == S.SUBMITTED and "3000人" in report.progress
    assert list(Attachment.objects.filter(report=report).values_list("original_name", flat=True)) == ["就业台账.pdf"]


def test_leaving_with_unsaved_changes_asks_first(page_as, world):
    report = world.report_of(world.lead_unit)
    page = page_as(world.users["lead_reporter"])
    page.goto(page.base_url + f"/reports/{report.pk}/")
    page.get_by_label("进展情况").fill("还没保存的文字")
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", on_dialog)
    page.get_by_role("link", name="我的任务").first.click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.get_by_label("进展情况").input_value() == "还没保存的文字"
    # Saving is not "leaving with unsaved changes": no question.
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("草稿已保存").wait_for()
    assert dialogs == ["beforeunload"]


def test_autosave_then_conflict_loses_nothing(page_as, world, axe, settings):
    settings.LUOSHI_AUTOSAVE_SECONDS = 1
    report = world.report_of(world.lead_unit)
    page = page_as(world.users["lead_reporter"])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + f"/reports/{report.pk}/")
    page.get_by_label("进展情况").fill("手机上写的第一段。")
    page.get_by_text("已自动保存（第2版").wait_for()
    assert page.locator(".version-line").inner_text().startswith("第2版，")  # the 版本 line follows the save
    assert page.get_by_role("status").filter(has_text="已自动保存").count() == 1
    report.refresh_from_db()
    assert report.version == 2 and report.progress == "手机上写的第一段。"
    # A colleague saves from another computer.
    services.save_draft(report=report, user=world.users["lead_reporter"], version=2, progress="同事在电脑上保存的文字")
    page.get_by_label("进展情况").fill("手机上写的第一段。第二段，还在写。")
    page.get_by_text("自动保存已停止").wait_for()
    assert "自动保存已停止" in page.get_by_role("alert").filter(has_text="自动保存").inner_text()
    check(page, axe, "report-form-conflict-390")
    report.refresh_from_db()
    assert report.progress == "同事在电脑上保存的文字"  # never overwritten
    assert RefusedEdit.objects.get(report=report).payload["progress"] == "手机上写的第一段。第二段，还在写。"
    assert page.get_by_label("进展情况").input_value() == "手机上写的第一段。第二段，还在写。"  # still on the page
