"""The reporter's round with the keyboard only (Tab, Shift+Tab, Enter, Space and typing): log in, reach
the home page, open the report, type the narrative and the figure, attach a file, save, submit and see
the result. At every stop the focus must be visible (the site's :focus-visible outline) and move forward
in the page's reading order (backward with Shift+Tab); axe-core on every page on the way."""
import os
import tempfile

import pytest

from reports.models import Attachment, ProgressReport

pytestmark = pytest.mark.browser
PASSWORD = "jianpan-2021-walk"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# What the focused element is, whether its focus shows, and where it sits relative to the previous stop.
FOCUS = """(previous) => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const label = el.labels && el.labels.length ? el.labels[0].textContent : '';
  let order = null;  // the first stop on a page has nothing before it
  if (window.__lastFocus && window.__lastFocus !== el && window.__lastFocus.isConnected) {
    const pos = window.__lastFocus.compareDocumentPosition(el);
    order = pos & Node.DOCUMENT_POSITION_FOLLOWING ? 1 : (pos & Node.DOCUMENT_POSITION_PRECEDING ? -1 : 0);
  }
  window.__lastFocus = el;
  return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name') || '', type: el.type || '',
          text: (el.innerText || el.value || '').trim().slice(0, 40), label: label.trim(),
          visible: el.matches(':focus-visible') && outline, order: order};
}"""


def stops(page, until, *, shift=False, limit=80):
    """Press Tab (Shift+Tab) until ``until(stop)``; every stop's focus visible and in reading order."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if shift else "Tab")
        stop = page.evaluate(FOCUS, None)
        seen.append(stop)
        assert stop["tag"] != "body", f"focus fell out of the page after {seen[-3:]}"
        assert stop["visible"], f"focus not visible on {stop}"
        assert stop["order"] in (None, -1 if shift else 1), f"focus jumped against the reading order to {stop}"
        if until(stop):
            return seen
    raise AssertionError(f"not reached in {limit} stops: {seen[-5:]}")


def check(page, axe, name):
    violations = axe(page, name)
    assert violations == [], f"{name}: {violations}"


@pytest.fixture
def evidence_file():
    path = os.path.join(tempfile.mkdtemp(), "培训签到表.pdf")
    with open(path, "wb") as fh:
        fh.write(PDF)
    return path


@pytest.mark.parametrize("viewport", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
def test_a_reporter_does_the_round_with_the_keyboard_only(page_as, world, axe, settings, evidence_file, tmp_path,
                                                          viewport):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LUOSHI_AUTOSAVE_SECONDS = 0  # the walk's own saves only
    user = world.users["lead_reporter"]
    user.set_password(PASSWORD)
    user.save()
    report = world.report_of(world.lead_unit)
    name = f"keyboard-{viewport[0]}"
    page = page_as(None)
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    choosers = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))  # Playwright takes the system's file dialog from the start

    # Log in: the user name field has the focus when the page opens.
    page.goto(page.base_url + "/accounts/login/", wait_until="load")
    assert page.evaluate(FOCUS, None)["id"] == "id_username"
    page.keyboard.type("lead_reporter")
    stops(page, lambda s: s["id"] == "id_password")
    page.keyboard.type(PASSWORD)
    check(page, axe, f"{name}-login")
    page.keyboard.press("Enter")
    page.wait_for_url(page.base_url + "/")
    page.get_by_text("现在要做").first.wait_for()
    page.wait_for_load_state("load")
    check(page, axe, f"{name}-home")

    # Home: the skip link comes first; then on, in reading order, to the report's link.
    first = stops(page, lambda s: True)[0]
    assert first["text"] == "跳到主要内容"
    walk = stops(page, lambda s: s["text"] == "填报任务5")
    # The header on the way, before the page's own links: its links, or on a phone the 菜单 button.
    assert any(s["text"] == ("首页" if viewport[0] > 700 else "菜单") for s in walk)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/reports/{report.pk}/")
    page.get_by_role("heading", name="填报", exact=True).wait_for()
    page.wait_for_load_state("load")

    # The report: type the narrative, go back one field with Shift+Tab, then the figure.
    stops(page, lambda s: s["label"].startswith("进展情况"))
    page.keyboard.type("本季度全省城镇新增残疾人就业3000人，培训残疾人1200人次。")
    stops(page, lambda s: s["label"].startswith("存在问题"))
    back = stops(page, lambda s: s["label"].startswith("进展情况"), shift=True)
    assert len(back) == 1
    stops(page, lambda s: s["label"].startswith("城镇新增残疾人就业"))
    page.keyboard.type("3000")
    # The file input opens the system's file chooser with Space; the file is picked there.
    stops(page, lambda s: s["id"] == "id_evidence")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(evidence_file)
    check(page, axe, f"{name}-report-filled")

    # Save the draft (Enter on 保存草稿): the page comes back with the saved version.
    stops(page, lambda s: s["text"] == "保存草稿")
    page.keyboard.press("Enter")
    page.get_by_text("草稿已保存").wait_for()
    page.wait_for_load_state("load")  # its stylesheet too: the focus outline is the site's
    report.refresh_from_db()
    assert report.status == "draft" and "3000人" in report.progress and report.version == 2
    assert Attachment.objects.filter(report=report, original_name="培训签到表.pdf").exists()
    assert page.locator(".version-line").inner_text().startswith("第2版")

    # Submit (Space on 保存并提交) and see the result.
    stops(page, lambda s: s["text"] == "保存并提交")
    page.keyboard.press("Space")
    page.get_by_text("已提交（第").wait_for()
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED
    assert page.get_by_role("status").or_(page.locator(".messages")).first.is_visible()
    check(page, axe, f"{name}-submitted")
