"""考核 on the database: facts read from reports, history and the stored roll-up; renamed units
scored once; a lower committee on its own plan; query counts; the pages' permission matrix;
bad input on the scheme form; the annex as Excel and Word."""
import datetime
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import ProgressReport
from rollups import engine as rollup
from rollups.models import ScoreAdjustment, ScoringItem, ScoringScheme
from rollups.scoring import selectors
from rollups.scoring.facts import load_facts
from tasks.models import Assignment
from tests import factories as f
from units.models import UnitRole
from units.services import rename_unit

pytestmark = pytest.mark.django_db
Status = ProgressReport.Status
TODAY = datetime.date(2022, 3, 1)


@pytest.fixture
def scored(world, reports):
    """The lead unit: Q1 on time and accepted, Q2 late (accepted after one return), Q3 missing.
    The participating unit: Q1 on time and accepted. Target 5600, reached 2800 + 1000."""
    w = world
    reports.report(1, w.lead_unit, {w.target: 2000})
    late = reports.report(2, w.lead_unit, {w.target: 2800}, submitted_on=datetime.date(2021, 7, 15))
    late.status = Status.RETURNED
    late.save()
    late.status = Status.ACCEPTED
    late.save()
    reports.report(3, w.lead_unit, status=Status.DRAFT)
    reports.report(1, w.part_unit, {w.target: 1000})
    rollup.recompute_year(2021)
    scheme = f.ScoringSchemeFactory(committee=w.committee)
    return scheme


def cards_of(user, scheme):
    cards, _top = selectors.results(user, scheme, today=TODAY)
    return {c.name: c for c in cards}


def test_scores_and_every_point_is_a_line(world, scored):
    cards = cards_of(world.users["office"], scored)
    lead = cards["省人社厅"]
    items = {i.kind: i for i in lead.items}
    assert items["timeliness"].points == D("4.50")  # 6 − 0.5 late − 1 missing
    assert items["completeness"].points == D("9.33")  # 14 × 2/3
    assert items["returns"].points == D("8.00")  # 10 − 2 × 1 return
    assert items["targets"].points == D("27.14")  # 40 × 3800/5600
    assert items["tasks"].points == D("0.00")
    assert lead.total == sum(i.points for i in lead.items)
    for item in lead.items:
        assert item.max_points + sum(ln.points for ln in item.lines) == item.points or item.kind == "adjustments"
    links = [ln.link for ln in items["timeliness"].lines]
    assert all(link.startswith("/reports/") for link in links) and len(links) == 2
    assert items["returns"].lines[0].link.endswith("/history/")
    # The participating unit leads nothing: targets and tasks at full points.
    part = cards["省民政厅"]
    assert {i.kind: i.points for i in part.items}["targets"] == D("40.00")
    assert part.rank == 1 and lead.rank == 2


def test_adjustments_count_and_link(world, scored):
    a = f.ScoreAdjustmentFactory(scheme=scored, unit=world.lead_unit, points=D("3"), reason="获表彰")
    lead = cards_of(world.users["office"], scored)["省人社厅"]
    item = {i.kind: i for i in lead.items}["adjustments"]
    assert item.points == D(3) and item.lines[0].link.endswith(f"#adjustment-{a.pk}")


def test_a_renamed_unit_is_scored_once_under_its_successor(world, reports):
    old = f.UnitFactory(committee=world.committee, short_name="省卫生计生委", code="wsjs")
    new = f.UnitFactory(committee=world.committee, short_name="省卫生健康委", code="wsjk")
    f.AssignmentFactory(task=world.task, unit=old, role=Assignment.Role.LEAD, order=3)
    reports.report(1, old, {world.target: 100})
    rename_unit(unit=old, successor=new, renamed_on=datetime.date(2021, 5, 1))
    reports.report(2, new, {world.target: 300}, submitted_on=datetime.date(2021, 7, 20))
    rollup.recompute_year(2021)
    scheme = f.ScoringSchemeFactory(committee=world.committee)
    cards = cards_of(world.users["office"], scheme)
    assert "省卫生计生委" not in cards
    health = cards["省卫生健康委"]
    timeliness = {i.kind: i for i in health.items}["timeliness"]
    assert "应报2次，按时1次，迟报1次" in timeliness.summary
    # Its reporters see the one card.
    reporter = f.UserFactory(username="ws_reporter")
    f.UnitRoleFactory(user=reporter, unit=new, role=UnitRole.Role.REPORTER)
    assert list(cards_of(reporter, scheme)) == ["省卫生健康委"]


def test_a_lower_committee_is_scored_on_its_own_plan(world, reports, scored):
    city = f.CommitteeFactory(code="city", name="某市残工委", parent=world.committee, level="city")
    city_unit = f.UnitFactory(committee=city, short_name="市人社局", code="srs")
    city_plan = f.WorkPlanFactory(committee=city, parent=world.plan, title="某市2021年重点工作任务")
    city_task = f.TaskFactory(plan=city_plan, ref="1", text="城镇新增就业600人。")
    f.AssignmentFactory(task=city_task, unit=city_unit, role=Assignment.Role.LEAD)
    city_target = f.TargetFactory(task=city_task, value=D(600))
    reports.report(1, city_unit, {city_target: 600}, task=city_task)
    reports.report(2, city_unit, {city_target: 600}, task=city_task, submitted_on=datetime.date(2021, 7, 30))
    rollup.recompute_year(2021)
    scored.lower_committees.add(city)
    card = cards_of(world.users["office"], scored)["某市残工委"]
    items = {i.kind: i for i in card.items}
    assert items["targets"].points == D("40.00")  # its own 600 of 600, not the province's 5600
    assert items["timeliness"].points == D("5.50")  # one late report in its own plan
    assert card.kind == "committee"


def test_constant_queries(world, scored, django_assert_max_num_queries):
    for i in range(8):
        unit = f.UnitFactory(committee=world.committee, short_name=f"单位{i}", code=f"u{i}")
        f.AssignmentFactory(task=world.task, unit=unit, role=Assignment.Role.PARTICIPATING, order=10 + i)
    scheme = ScoringScheme.objects.get(pk=scored.pk)
    with django_assert_max_num_queries(14):
        load_facts(scheme, today=TODAY)


# ---------------------------------------------------------------- pages and permissions

def pages(scheme, world):
    return [reverse("scoring-scheme", args=[scheme.pk]), reverse("scoring-export-xlsx", args=[scheme.pk]),
            reverse("scoring-export-docx", args=[scheme.pk])]


@pytest.mark.parametrize("who,status,sees", [
    ("office", 200, {"省人社厅", "省民政厅"}),
    ("leader", 200, {"省人社厅", "省民政厅"}),
    ("lead_reporter", 200, {"省人社厅"}),
    ("part_approver", 200, {"省民政厅"}),
    ("other_office", 404, set()),
])
def test_who_reads_what(client, world, scored, who, status, sees):
    client.force_login(world.users[who])
    response = client.get(reverse("scoring-scheme", args=[scored.pk]))
    assert response.status_code == status
    if status == 200:
        shown = {c.name for c in response.context["cards"]}
        assert shown == sees
        for name in {"省人社厅", "省民政厅"} - sees:
            assert name not in response.content.decode()
    lead_key = f"u{world.lead_unit.pk}"
    detail = client.get(reverse("scoring-subject", args=[scored.pk, lead_key]))
    assert detail.status_code == (200 if "省人社厅" in sees else 404)
    for url in pages(scored, world)[1:]:
        assert client.get(url).status_code == status


def test_anonymous_is_sent_to_login(client, world, scored):
    response = client.get(reverse("scoring-scheme", args=[scored.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("who", ["leader", "lead_reporter", "other_office"])
def test_only_the_office_writes(client, world, scored, who):
    client.force_login(world.users[who])
    before = (ScoringItem.objects.count(), ScoreAdjustment.objects.count(), ScoringScheme.objects.get().title)
    r1 = client.post(reverse("scoring-scheme-edit", args=[scored.pk]), form_data(scored.committee, title="改"))
    r2 = client.post(reverse("scoring-adjustment-add", args=[scored.pk]),
                     {"subject": f"u{world.lead_unit.pk}", "points": "5", "reason": "自评"})
    r3 = client.get(reverse("scoring-scheme-new") + f"?committee={world.committee.pk}")
    assert r1.status_code in (403, 404) and r2.status_code in (403, 404) and r3.status_code == 403
    assert (ScoringItem.objects.count(), ScoreAdjustment.objects.count(), ScoringScheme.objects.get().title) == before


def form_data(committee, **overrides):
    data = {"year": "2021", "title": "2021年度考核办法", "doc_number": "", "score_member_units": "on",
            "excellent_from": "90", "good_from": "80", "fair_from": "60",
            "items-TOTAL_FORMS": "6", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "6"}
    rows = [("timeliness", "按时报送", "6", "1", "0.5", ""), ("completeness", "", "14", "", "", ""),
            ("returns", "", "10", "", "", "1"), ("targets", "", "40", "", "", ""), ("tasks", "", "30", "", "", ""),
            ("", "", "", "", "", "")]
    for i, (kind, label, points, missing, late, ret) in enumerate(rows):
        data.update({f"items-{i}-kind": kind, f"items-{i}-label": label, f"items-{i}-points": points,
                     f"items-{i}-per_missing": missing, f"items-{i}-per_late": late, f"items-{i}-per_return": ret})
    data.update(overrides)
    return data


def test_office_defines_a_scheme(client, world):
    client.force_login(world.users["office"])
    response = client.post(reverse("scoring-scheme-new") + f"?committee={world.committee.pk}",
                           form_data(world.committee))
    scheme = ScoringScheme.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("scoring-scheme", args=[scheme.pk])
    timely = scheme.items.get(kind="timeliness")
    assert (timely.points, timely.per_missing, timely.per_late) == (D(6), D(1), D("0.5"))
    assert scheme.items.count() == 5 and scheme.history.count() == 1
    # Editing keeps the history.
    client.post(reverse("scoring-scheme-edit", args=[scheme.pk]), form_data(world.committee, title="修订"))
    assert scheme.history.count() == 2


@pytest.mark.parametrize("overrides,message", [
    ({"items-0-points": "-6"}, "不能为负数"),
    ({"items-1-per_missing": "-1"}, "不能为负数"),
    ({"items-1-kind": "timeliness"}, "重复"),
    ({"good_from": "95"}, "依次降低"),
    ({"fair_from": "85"}, "依次降低"),
    ({"items-0-points": "六"}, "请输入数字"),
    ({"year": ""}, "必填"),
])
def test_bad_scheme_input_writes_nothing(client, world, overrides, message):
    client.force_login(world.users["office"])
    response = client.post(reverse("scoring-scheme-new") + f"?committee={world.committee.pk}",
                           form_data(world.committee, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ScoringScheme.objects.exists() and not ScoringItem.objects.exists()


def test_adjustment_entered_and_removed(client, world, scored):
    client.force_login(world.users["office"])
    url = reverse("scoring-adjustment-add", args=[scored.pk])
    client.post(url, {"subject": f"u{world.lead_unit.pk}", "points": "2", "reason": "获省政府表彰", "evidence": "=HYPERLINK()"})
    adj = ScoreAdjustment.objects.get()
    assert adj.points == D(2) and adj.created_by == world.users["office"]
    client.post(url, {"subject": f"u{world.lead_unit.pk}", "points": "0", "reason": "无"})
    client.post(url, {"subject": f"u{world.lead_unit.pk}", "points": "1", "reason": ""})
    assert ScoreAdjustment.objects.count() == 1
    client.post(reverse("scoring-adjustment-remove", args=[scored.pk, adj.pk]))
    assert not ScoreAdjustment.objects.exists() and adj.history.count() == 2


def test_page_queries_do_not_grow(client, world, scored, django_assert_max_num_queries):
    client.force_login(world.users["office"])
    for i in range(6):
        unit = f.UnitFactory(committee=world.committee, short_name=f"单位{i}", code=f"u{i}")
        f.AssignmentFactory(task=world.task, unit=unit, role=Assignment.Role.LEAD, order=10 + i)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("scoring-scheme", args=[scored.pk])).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(reverse("scoring-subject", args=[scored.pk, f"u{world.lead_unit.pk}"])).status_code == 200


def test_dashboard_links_to_scoring(client, world, scored):
    client.force_login(world.users["office"])
    body = client.get(reverse("plan-dashboard", args=[world.plan.pk]) + "?year=2021").content.decode()
    assert reverse("scoring-index") in body


# ---------------------------------------------------------------- the annex

def test_xlsx_annex(client, world, scored):
    world.lead_unit.short_name = "=1+1 单位"
    world.lead_unit.save()
    client.force_login(world.users["office"])
    wb = load_workbook(io.BytesIO(client.get(reverse("scoring-export-xlsx", args=[scored.pk])).content))
    assert wb.sheetnames[0] == "排名" and len(wb.sheetnames) == 3
    ranking = wb["排名"]
    assert ranking.print_title_rows == "$1:$2" and ranking.page_setup.orientation == "landscape"
    assert ranking.page_setup.fitToWidth == 1
    names = [ranking.cell(row=r, column=2).value for r in range(3, ranking.max_row + 1)]
    assert "'=1+1 单位" in names  # formula neutralised
    unit_sheet = wb[wb.sheetnames[2]]
    texts = [unit_sheet.cell(row=r, column=5).value for r in range(3, unit_sheet.max_row + 1)]
    assert any(t and t.startswith("迟报") for t in texts)


def test_docx_annex_is_a_gongwen(client, world, scored):
    from docx import Document

    client.force_login(world.users["office"])
    doc = Document(io.BytesIO(client.get(reverse("scoring-export-docx", args=[scored.pk])).content))
    s = doc.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    margins = [round(m.mm, 1) for m in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)]
    assert margins == [37, 35, 28, 26]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "一、考核办法" in text and "（一）按时报送6" in text and "二、考核结果" in text


# ---------------------------------------------------------------- services

def scheme_kwargs(**overrides):
    from tests.factories import scoring_items

    kw = {"year": 2021, "title": "考核办法", "excellent_from": D(90), "good_from": D(80), "fair_from": D(60),
          "items": [{**row, "order": i} for i, row in enumerate(scoring_items())]}
    kw.update(overrides)
    return kw


@pytest.mark.parametrize("overrides,message", [
    ({"good_from": D(95)}, "依次降低"),
    ({"items": []}, "至少设置一个"),
    ({"items": [{"kind": "tasks", "points": D(5)}, {"kind": "tasks", "points": D(5)}]}, "重复"),
    ({"items": [{"kind": "tasks", "points": D(-5)}]}, "不能为负数"),
])
def test_service_refuses_bad_schemes_and_writes_nothing(world, overrides, message):
    from django.core.exceptions import ValidationError

    from rollups.scoring import services

    with pytest.raises(ValidationError, match=message):
        services.save_scheme(user=world.users["office"], committee=world.committee, **scheme_kwargs(**overrides))
    assert not ScoringScheme.objects.exists() and not ScoringItem.objects.exists()


def test_service_checks_who_and_one_scheme_a_year(world):
    from django.core.exceptions import PermissionDenied, ValidationError

    from rollups.scoring import services

    with pytest.raises(PermissionDenied):
        services.save_scheme(user=world.users["leader"], committee=world.committee, **scheme_kwargs())
    services.save_scheme(user=world.users["office"], committee=world.committee, **scheme_kwargs())
    with pytest.raises(ValidationError, match="已有考核办法"):
        services.save_scheme(user=world.users["office"], committee=world.committee, **scheme_kwargs())
    assert ScoringScheme.objects.count() == 1


def test_admin_lists_schemes_and_their_history(client, world, scored):
    admin_user = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    for url in (reverse("admin:rollups_scoringscheme_changelist"),
                reverse("admin:rollups_scoringscheme_change", args=[scored.pk]),
                reverse("admin:rollups_scoringscheme_history", args=[scored.pk]),
                reverse("admin:rollups_scoreadjustment_changelist")):
        assert client.get(url).status_code == 200, url


def test_office_sets_target_weights(client, world, scored):
    other = f.TargetFactory(task=world.task, value=D(100), indicator="培训")
    rollup.recompute_year(2021)
    url = reverse("scoring-target-weights", args=[scored.pk])
    client.force_login(world.users["leader"])
    assert client.post(url, {f"weight-{world.target.pk}": "3"}).status_code == 403
    client.force_login(world.users["office"])
    assert client.get(url).status_code == 200
    response = client.post(url, {f"weight-{world.target.pk}": "-1", f"weight-{other.pk}": "1"})
    assert response.status_code == 400 and "请填写0到9999之间的数字" in response.content.decode()
    assert not scored.target_weights.exists()
    assert client.post(url, {f"weight-{world.target.pk}": "3", f"weight-{other.pk}": "1"}).status_code == 302
    assert list(scored.target_weights.values_list("target_id", "weight")) == [(world.target.pk, D(3))]
    lead = cards_of(world.users["office"], scored)["省人社厅"]
    targets = {i.kind: i for i in lead.items}["targets"]
    # (3 × 3800/5600 + 1 × 0) / 4 × 40
    assert targets.points == D("20.36")
