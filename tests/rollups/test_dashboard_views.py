"""Dashboard and summary pages, and the roll-up API: happy path, permissions, bad input, query counts."""
from decimal import Decimal

import pytest
from django.urls import reverse

from rollups import engine as rollup
from rollups import jobs
from rollups.models import SummaryFile
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def rolled(world, reports):
    reports.report(2, world.lead_unit, {world.target: 2000}, narrative="<script>alert(1)</script>进展")
    reports.report(3, world.part_unit, {world.target: 900})
    rollup.recompute_plan(world.plan.pk, 2021)
    return world


def dashboard_url(world, year=2021):
    return reverse("plan-dashboard", args=[world.plan.pk]) + f"?year={year}"


def test_dashboard_shows_bars_lights_units_and_chart_data(client, rolled, django_assert_max_num_queries):
    client.force_login(rolled.users["leader"])
    with django_assert_max_num_queries(25):
        response = client.get(dashboard_url(rolled))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<progress max="100" value="52"' in html  # 2900 / 5600
    assert "完成 2900人" in html and "完成率 51.8%" in html
    assert "黄灯 · 进度滞后" in html or "红灯 · 存在风险" in html
    assert "省人社厅" in html and "按时率" in html
    assert 'id="section-chart-data"' in html and "vendor/echarts/echarts.min.js" in html
    assert 'role="img"' in html
    assert "重新汇总" not in html  # leaders read only


def test_dashboard_query_count_does_not_grow_with_the_plan(client, rolled, reports, django_assert_max_num_queries):
    for n in range(10):
        task = f.TaskFactory(plan=rolled.plan, section=rolled.task.section, ref=str(30 + n))
        f.AssignmentFactory(task=task, unit=rolled.lead_unit)
        target = f.TargetFactory(task=task, indicator=f"指标{n}")
        reports.report(2, rolled.lead_unit, {target: 10}, task=task)
    rollup.recompute_plan(rolled.plan.pk, 2021)
    client.force_login(rolled.users["office"])
    with django_assert_max_num_queries(25):
        assert client.get(dashboard_url(rolled)).status_code == 200


def test_dashboard_before_any_roll_up(client, world):
    client.force_login(world.users["office"])
    response = client.get(dashboard_url(world))
    assert "该年度尚未汇总" in response.content.decode()
    assert "echarts" not in response.content.decode()


@pytest.mark.parametrize("name", ["lead_reporter", "part_approver", "other_office"])
def test_dashboard_is_for_committee_wide_roles(client, rolled, name):
    client.force_login(rolled.users[name])
    assert client.get(dashboard_url(rolled)).status_code == 404
    assert client.get(reverse("plan-summary", args=[rolled.plan.pk])).status_code == 404


def test_dashboard_needs_login_and_a_valid_year(client, rolled):
    assert client.get(dashboard_url(rolled)).status_code == 302
    client.force_login(rolled.users["office"])
    assert client.get(dashboard_url(rolled, year=1999)).status_code == 404
    assert client.get(reverse("plan-dashboard", args=[rolled.plan.pk]) + "?year=abc").status_code == 404
    assert client.get(reverse("plan-dashboard", args=[rolled.plan.pk])).status_code == 200  # default year


def test_dashboard_index_lists_readable_plans(client, rolled, django_assert_max_num_queries):
    client.force_login(rolled.users["office"])
    with django_assert_max_num_queries(10):
        response = client.get(reverse("dashboard-index"))
    assert rolled.plan.title in response.content.decode()
    client.force_login(rolled.users["other_office"])
    assert rolled.plan.title not in client.get(reverse("dashboard-index")).content.decode()


def test_office_refreshes_the_roll_up(client, rolled, reports):
    reports.report(4, rolled.part_unit, {rolled.target: 3000})
    url = reverse("plan-rollup-refresh", args=[rolled.plan.pk])
    client.force_login(rolled.users["leader"])
    assert client.post(url, {"year": 2021}).status_code == 403
    assert client.get(url).status_code == 405
    client.force_login(rolled.users["office"])
    response = client.post(url, {"year": 2021}, follow=True)
    assert "完成 5000人" in response.content.decode()


def test_summary_page_generate_and_download(client, rolled):
    client.force_login(rolled.users["office"])
    page = reverse("plan-summary", args=[rolled.plan.pk]) + "?year=2021"
    assert "尚未生成" in client.get(page).content.decode()
    response = client.post(reverse("plan-summary-generate", args=[rolled.plan.pk]), {"year": 2021}, follow=True)
    html = response.content.decode()
    assert "已开始生成年度总结" in html
    sf = SummaryFile.objects.get(plan=rolled.plan, year=2021, kind="xlsx")
    # the job is queued on commit; run it as a worker would
    jobs.generate_summary(plan_id=rolled.plan.pk, year=2021)
    assert "下载" in client.get(page).content.decode()
    download = client.get(reverse("summary-download", args=[sf.pk]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert b"".join(download.streaming_content)[:2] == b"PK"


def test_summary_generate_refuses_others_and_bad_years(client, rolled):
    url = reverse("plan-summary-generate", args=[rolled.plan.pk])
    client.force_login(rolled.users["leader"])
    assert client.post(url, {"year": 2021}).status_code == 403
    client.force_login(rolled.users["office"])
    assert client.post(url, {"year": 1990}).status_code == 404
    assert not SummaryFile.objects.exists()


def test_download_of_a_missing_or_foreign_file(client, rolled):
    sf = SummaryFile.objects.create(plan=rolled.plan, year=2021, kind="xlsx")
    client.force_login(rolled.users["office"])
    assert client.get(reverse("summary-download", args=[sf.pk])).status_code == 404  # not generated yet
    client.force_login(rolled.users["other_office"])
    assert client.get(reverse("summary-download", args=[sf.pk])).status_code == 404


# ---------------------------------------------------------------- API

def test_api_plan_rollup_list_and_detail(client, rolled, django_assert_max_num_queries):
    client.force_login(rolled.users["leader"])
    with django_assert_max_num_queries(10):
        listing = client.get("/api/v1/plan-rollups/?year=2021").json()
    assert listing["count"] == 1
    row = listing["results"][0]
    assert (row["plan"], row["tasks_total"], row["targets_total"]) == (rolled.plan.pk, 1, 1)
    with django_assert_max_num_queries(20):
        detail = client.get(f"/api/v1/plan-rollups/{row['id']}/").json()
    target = detail["tasks"][0]["targets"][0]
    assert Decimal(target["reached"]) == Decimal("2900")
    assert {c["name"] for c in target["contributors"]} == {"省人社厅", "省民政厅"}
    assert detail["tasks"][0]["light"] in {"yellow", "red"}


def test_api_rollups_are_scoped(client, rolled):
    client.force_login(rolled.users["other_office"])
    assert client.get("/api/v1/plan-rollups/").json()["count"] == 0
    assert client.get("/api/v1/committee-rollups/").json()["count"] == 0
    client.force_login(rolled.users["lead_reporter"])
    assert client.get("/api/v1/plan-rollups/").json()["count"] == 0
    client.logout()
    assert client.get("/api/v1/plan-rollups/").status_code in (401, 403)


def test_api_committee_rollups(client, rolled):
    client.force_login(rolled.users["office"])
    body = client.get("/api/v1/committee-rollups/?scope=tree&year=2021").json()
    assert body["count"] == 1 and body["results"][0]["committee"] == rolled.committee.pk


def test_api_summary_generate_list_and_download(client, rolled):
    client.force_login(rolled.users["office"])
    response = client.post("/api/v1/summaries/generate/", {"plan": rolled.plan.pk, "year": 2021},
                           content_type="application/json")
    assert response.status_code == 202
    jobs.generate_summary(plan_id=rolled.plan.pk, year=2021)
    files = client.get(f"/api/v1/summaries/?plan={rolled.plan.pk}").json()["results"]
    assert {f["kind"] for f in files} == {"xlsx", "docx"}
    docx_file = next(f for f in files if f["kind"] == "docx")
    assert docx_file["download"].endswith(f"/api/v1/summaries/{docx_file['id']}/download/")
    download = client.get(f"/api/v1/summaries/{docx_file['id']}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"


def test_api_summary_generate_bad_input(client, rolled):
    client.force_login(rolled.users["office"])
    bad = client.post("/api/v1/summaries/generate/", {"plan": rolled.plan.pk, "year": 1990},
                      content_type="application/json")
    assert bad.status_code == 400 and "year" in bad.json()["errors"]
    unknown = client.post("/api/v1/summaries/generate/", {"plan": 999999, "year": 2021}, content_type="application/json")
    assert unknown.status_code == 400 and "plan" in unknown.json()["errors"]
    client.force_login(rolled.users["leader"])
    forbidden = client.post("/api/v1/summaries/generate/", {"plan": rolled.plan.pk, "year": 2021},
                            content_type="application/json")
    assert forbidden.status_code == 403
    assert not SummaryFile.objects.exists()


def test_every_light_says_why_against_the_expected_progress(client, rolled):
    """2900 of 5600 (51.8%) by 30 September: linear 序时进度 is 273/365 = 74.8% — red, with its reason."""
    client.force_login(rolled.users["office"])
    html = client.get(dashboard_url(rolled)).content.decode()
    assert "目标完成率 51.8%，低于序时进度 74.8%" in html
    assert 'class="light-reason"' in html and 'tabindex="0"' in html and "aria-describedby=\"reason-" in html
    assert "红灯 · 存在风险" in html


def test_weighted_curve_and_tolerance_change_the_light(client, rolled):
    rolled.target.pace_weights = [1, 1, 1, 3]  # figures come in Q4: by Q3 only half is expected
    rolled.target.save()
    rollup.recompute_plan(rolled.plan.pk, 2021)
    client.force_login(rolled.users["office"])
    html = client.get(dashboard_url(rolled)).content.decode()
    assert "目标完成率 51.8%，达到序时进度 50%" in html and "绿灯 · 进展顺利" in html

    rolled.target.pace_weights = []
    rolled.target.save()
    rolled.plan.pace_tolerance = Decimal("0.25")  # 74.8% − 25 points: 51.8% is within
    rolled.plan.save()
    rollup.recompute_plan(rolled.plan.pk, 2021)
    html = client.get(dashboard_url(rolled)).content.decode()
    assert "略低于序时进度 74.8%（在容差内）" in html and "绿灯 · 进展顺利" in html


def test_the_units_explanation_shows_beside_a_red_light(client, world, reports):
    report = reports.report(3, world.lead_unit, {world.target: 2000})
    report.problems = "企业用工需求下降，招聘会推迟到四季度。"
    report.save()
    rollup.recompute_plan(world.plan.pk, 2021)
    client.force_login(world.users["leader"])
    html = client.get(dashboard_url(world)).content.decode()
    assert "单位说明：省人社厅：企业用工需求下降，招聘会推迟到四季度" in html
    assert html.count("企业用工需求下降") == 2  # beside the task's light and under the target


def test_a_revised_target_says_so_on_the_dashboard_and_in_the_workbook(client, rolled, tmp_path):
    """Plans on the web: a target revised mid-year with a reason shows 已调整, from what, when and why."""
    import openpyxl

    from rollups.summary import sheets, workbook
    from tasks import services as task_services

    world = rolled
    world.plan.status = "published"
    world.plan.save()
    task_services.update_target(target=world.target, user=world.users["office"], value=Decimal("6000"),
                                reason="省政府调高年度目标")
    rollup.recompute_plan(world.plan.pk, 2021)
    client.force_login(world.users["leader"])
    html = client.get(dashboard_url(world)).content.decode()
    assert "已调整" in html and "5600 → 6000" in html and "省政府调高年度目标" in html

    path = tmp_path / "summary.xlsx"
    workbook.write_workbook(str(path), sheets.WorkbookData(world.plan, 2021).sheets())
    rows = list(openpyxl.load_workbook(path)["目标"].iter_rows(values_only=True))
    column = rows[0].index("调整情况")
    assert "5600 → 6000" in rows[1][column] and "省政府调高年度目标" in rows[1][column]
