"""分解下达 in Chromium: the province publishes its plan and allocates a target to two cities; a city
derives its plan (承接) and publishes it; a city unit reports and the city office accepts; the province
dashboard shows the city's figure against its share. axe-core finds nothing on any page; the member
unit and people pages are checked too."""
from decimal import Decimal

import pytest

from reports import services as report_services
from rollups.engine import recompute_year
from targets.models import Target
from tasks.models import Assignment, WorkPlan
from tests import factories as f
from units.models import Committee, Counterpart, UnitRole

pytestmark = pytest.mark.browser


@pytest.fixture
def hierarchy(transactional_db):
    province = f.CommitteeFactory(code="jl", name="吉林省残工委", level=Committee.Level.PROVINCE)
    cc = f.CommitteeFactory(code="cc", name="长春市残工委", level=Committee.Level.CITY, parent=province)
    f.CommitteeFactory(code="jlc", name="吉林市残工委", level=Committee.Level.CITY, parent=province)
    p_cl = f.UnitFactory(committee=province, short_name="省残联", code="cl")
    p_rs = f.UnitFactory(committee=province, short_name="省人社厅", code="rs")
    c_cl = f.UnitFactory(committee=cc, short_name="长春市残联", code="cl")
    c_rs = f.UnitFactory(committee=cc, short_name="长春市人社局", code="rs")
    Counterpart.objects.create(committee=cc, unit=c_rs, upper_unit=p_rs)
    plan = f.WorkPlanFactory(committee=province, title="2021年吉林省残疾人工作重点任务", status=WorkPlan.Status.DRAFT)
    task = f.TaskFactory(plan=plan, ref="1", text="城镇新增残疾人就业5600人以上。")
    f.AssignmentFactory(task=task, unit=p_rs, role=Assignment.Role.LEAD)
    f.TargetFactory(task=task, value=Decimal("5600"))
    users = {}
    for name, unit, role in (("p_office", p_cl, "office"), ("c_office", c_cl, "office"),
                             ("c_reporter", c_rs, "reporter"), ("c_approver", c_rs, "approver")):
        users[name] = f.UserFactory(username=name)
        f.UnitRoleFactory(user=users[name], unit=unit, role=role)
    return plan, cc, c_rs, users


def test_cascade_province_to_city_and_back_up(page_as, hierarchy, axe):
    plan, city, city_unit, users = hierarchy
    province = page_as(users["p_office"])
    # 1. the province publishes its plan
    province.goto(province.base_url + f"/plans/{plan.pk}/edit/")
    province.locator("#publish-button").click()
    province.get_by_text("计划已发布，可以开始填报。").wait_for()
    # 2. and allocates the target to its two cities, by keyboard; a sum that does not add up is refused first
    target = Target.objects.get(task__plan=plan)
    province.goto(province.base_url + f"/targets/{target.pk}/allocate/")
    assert axe(province, "cascade-allocate") == []
    province.get_by_label("长春市残工委（人）").fill("3000")
    province.get_by_label("吉林市残工委（人）").fill("2000")
    province.get_by_label("吉林市残工委（人）").press("Enter")
    province.locator("#form-errors").wait_for()
    assert "合计为5000人" in province.locator("#form-errors").inner_text()
    assert axe(province, "cascade-allocate-refused") == []
    province.get_by_label("吉林市残工委（人）").fill("2600")
    province.get_by_label("吉林市残工委（人）").press("Enter")
    province.get_by_text("已保存目标“城镇新增残疾人就业”的分解。").wait_for()

    # 3. the city office sees the plan handed down and derives its own in one step, then publishes it
    office = page_as(users["c_office"])
    office.goto(office.base_url + "/plans/handed-down/")
    assert axe(office, "cascade-handed-down") == []
    office.get_by_role("link", name="承接 2021年吉林省残疾人工作重点任务").click()
    office.get_by_role("heading", level=1).filter(has_text="承接上级计划").wait_for()
    assert axe(office, "cascade-derive") == []
    assert office.get_by_text("长春市人社局").count() >= 1
    office.locator("#derive-submit").click()
    office.get_by_text("已承接1项任务").wait_for()
    city_plan = WorkPlan.objects.get(parent=plan, committee=city)
    assert Target.objects.get(task__plan=city_plan).value == Decimal("3000")
    assert axe(office, "cascade-city-plan-draft") == []
    office.locator("#publish-button").click()
    office.get_by_text("计划已发布，可以开始填报。").wait_for()

    # 4. a city unit reports (services) and the city office accepts on the round page
    rnd = report_services.create_round(
        plan=city_plan, period_kind="quarter", period_label="2021年第二季度", period_start="2021-04-01",
        period_end="2021-06-30", opens_on="2021-06-20", due_on="2021-07-10")
    report = rnd.reports.get(unit=city_unit)
    report_services.save_and_submit(report=report, user=users["c_reporter"], version=report.version, progress="进展", problems="进度偏慢，下季度集中推进。",
                                    figures={Target.objects.get(task__plan=city_plan).pk: "1200"})
    report.refresh_from_db()
    report_services.approve(report=report, user=users["c_approver"])
    office.goto(office.base_url + f"/reports/rounds/{rnd.pk}/")
    office.get_by_role("button", name="采纳任务1（长春市人社局）").click()
    office.get_by_text("已采纳。").wait_for()

    # 5. the province dashboard shows the city's figure against its share
    recompute_year(2021)
    province.goto(province.base_url + f"/reports/dashboard/plans/{plan.pk}/?year=2021")
    shares = province.locator("section[aria-labelledby='shares-heading']")
    row = shares.get_by_role("row").filter(has_text="长春市残工委")
    assert "3000" in row.inner_text() and "1200" in row.inner_text() and "40.0%" in row.inner_text()
    assert "尚未承接本计划的下级残工委：吉林市残工委" in shares.inner_text()
    assert axe(province, "cascade-province-dashboard") == []


def test_member_unit_and_people_pages_are_accessible(page_as, hierarchy, axe):
    plan, city, city_unit, users = hierarchy
    office = page_as(users["c_office"])
    for name, path in (("units-list", "/units/"), ("units-edit", f"/units/{city_unit.pk}/"),
                       ("units-reform", f"/units/{city_unit.pk}/reform/"), ("people", "/units/people/")):
        office.goto(office.base_url + path)
        assert axe(office, name) == [], name
    assert UnitRole.objects.filter(user=users["c_reporter"]).exists()
