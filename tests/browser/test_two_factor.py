"""The second factor and the job progress pages in a real browser (desktop and phone), axe-core on each."""
import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from reports.models import ExcelUpload
from security.models import TwoFactorPolicy
from tasks.models import PlanImport

pytestmark = pytest.mark.browser
PASSWORD = "pw-for-tests-1"
PHONE = {"width": 390, "height": 844}


def _code(device, steps_ahead=0):
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():06d}"


def _log_in(page, username):
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_required_enrolment_then_the_code_at_the_next_log_in(page_as, world, axe):
    TwoFactorPolicy.objects.create(pk=1, required_roles=["office"])
    page = page_as(None)
    _log_in(page, "office")
    page.get_by_role("heading", level=1, name="两步验证").wait_for()
    assert page.get_by_text("您的角色须使用两步验证").count() == 1
    assert page.locator("svg.otp-qr").count() == 1 and page.locator(".otp-secret").inner_text().strip()
    assert axe(page, "two-factor-setup") == []
    page.set_viewport_size(PHONE)
    assert axe(page, "two-factor-setup-phone") == []
    page.set_viewport_size({"width": 1366, "height": 900})

    device = TOTPDevice.objects.get(user=world.users["office"])
    page.get_by_label("验证码").fill("000000" if _code(device) != "000000" else "111111")
    page.get_by_role("button", name="启用两步验证").click()
    page.locator("#form-errors").wait_for()
    assert axe(page, "two-factor-setup-error") == []
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    page.get_by_label("验证码").fill(_code(device))
    page.get_by_role("button", name="启用两步验证").click()
    page.get_by_text("两步验证已启用").wait_for()

    page.get_by_role("button", name="退出").click()
    _log_in(page, "office")
    page.get_by_role("heading", level=1, name="两步验证").wait_for()
    assert page.get_by_role("button", name="验证并登录").count() == 1
    assert axe(page, "two-factor-verify") == []
    page.set_viewport_size(PHONE)
    assert axe(page, "two-factor-verify-phone") == []
    page.get_by_label("验证码").fill(_code(device, steps_ahead=1))  # the next step's code: never the one used
    page.get_by_role("button", name="验证并登录").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
    page.locator("main h1").first.wait_for()


def test_the_security_administrators_page(page_as, world, axe):
    from tests import factories as f
    from units.models import UnitRole

    security = f.UserFactory(username="sec")
    f.UnitRoleFactory(user=security, unit=world.lead_unit, role=UnitRole.Role.SECURITY_ADMIN)
    TOTPDevice.objects.create(user=world.users["office"], name="落实", confirmed=True)
    page = page_as(security)
    page.goto(page.base_url + "/security/two-factor/")
    page.get_by_label("残工委办公室").check()
    page.get_by_role("button", name="保存要求").click()
    page.get_by_text("两步验证要求已保存").wait_for()
    assert TwoFactorPolicy.current().required_roles == ["office"]
    assert axe(page, "two-factor-admin") == []
    page.set_viewport_size(PHONE)
    assert axe(page, "two-factor-admin-phone") == []


def test_job_progress_pages(page_as, world, axe):
    record = PlanImport.objects.create(committee=world.committee, source_name="长计划.docx", structure={},
                                       created_by=world.users["office"], status=PlanImport.Status.READING)
    page = page_as(world.users["office"])
    page.goto(page.base_url + f"/plans/import/{record.pk}/")
    page.get_by_role("heading", level=1, name="读取计划文件").wait_for()
    assert page.locator("[data-poll]").count() == 1 and page.get_by_role("link", name="刷新查看进度").count() == 1
    assert axe(page, "import-reading") == []
    page.set_viewport_size(PHONE)
    assert axe(page, "import-reading-phone") == []

    check = ExcelUpload.objects.create(round=world.round, unit=world.lead_unit, uploaded_by=world.users["lead_reporter"],
                                       source_name="填报.xlsx", file="excel-uploads/x.xlsx")
    page = page_as(world.users["lead_reporter"])
    page.goto(page.base_url + f"/reports/rounds/{world.round.pk}/units/{world.lead_unit.pk}/excel/checks/{check.pk}/")
    page.get_by_role("heading", name="正在检查上传的文件").wait_for()
    assert page.get_by_role("link", name="刷新查看进度").count() == 1
    assert axe(page, "excel-checking") == []
    page.set_viewport_size(PHONE)
    assert axe(page, "excel-checking-phone") == []
    # the job finishes: the polling script reloads the page, which shows the result
    ExcelUpload.objects.filter(pk=check.pk).update(status=ExcelUpload.Status.DONE, problems=["第4行：完成值不能为负数。"])
    page.get_by_text("第4行：完成值不能为负数。").wait_for(timeout=20000)
    assert page.locator("[data-poll]").count() == 0
    assert axe(page, "excel-check-result-phone") == []
