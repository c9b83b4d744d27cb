"""The figure rules: the lead unit gives every figure; a participating unit may leave one empty
with a reason; a cumulative figure below the last accepted one needs confirmation and a reason
and is flagged to the office; whole numbers for 人/户/个/处/所/次."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports import services
from reports.models import ProgressReport, TargetValue

from .test_web_reporting import form_data, login

pytestmark = pytest.mark.django_db
S = ProgressReport.Status


def save(world, unit, who, **kw):
    report = world.report_of(unit)
    return services.save_draft(report=report, user=world.users[who], version=report.version,
                               progress=kw.pop("progress", "进展。"),
                               problems=kw.pop("problems", "上半年基层统计滞后。"), **kw)


def test_lead_unit_cannot_submit_without_a_figure_for_each_target(world):
    report = save(world, world.lead_unit, "lead_reporter")
    with pytest.raises(ValidationError, match="牵头单位须填写"):
        services.submit(report=report, user=world.users["lead_reporter"])
    report = save(world, world.lead_unit, "lead_reporter", figures={world.target.pk: ("", "暂无数据")})
    with pytest.raises(ValidationError, match="牵头单位须填写"):  # a reason is not enough for the lead unit
        services.submit(report=report, user=world.users["lead_reporter"])
    report = save(world, world.lead_unit, "lead_reporter", figures={world.target.pk: "3000"})
    assert services.submit(report=report, user=world.users["lead_reporter"]).status == S.SUBMITTED


def test_participating_unit_may_leave_a_figure_empty_with_a_reason(world):
    report = save(world, world.part_unit, "part_reporter")
    with pytest.raises(ValidationError, match="写明不填的原因"):
        services.submit(report=report, user=world.users["part_reporter"])
    report = save(world, world.part_unit, "part_reporter", figures={world.target.pk: ("", "本单位不统计就业人数")})
    assert report.empty_reasons == {str(world.target.pk): "本单位不统计就业人数"}
    assert services.submit(report=report, user=world.users["part_reporter"]).status == S.SUBMITTED


def accept_earlier(world, flow, figure):
    """An earlier round whose lead-unit report (figure) was accepted."""
    earlier = services.create_round(plan=world.plan, period_kind="quarter", period_label="2021年第一季度",
                                    period_start="2021-01-01", period_end="2021-03-31", opens_on="2021-03-20",
                                    due_on="2021-04-10")
    report = earlier.reports.get(unit=world.lead_unit)
    report = services.save_draft(report=report, user=world.users["lead_reporter"], version=1, progress="一季度",
                                 problems="进度偏慢。", figures={world.target.pk: figure})
    report = services.submit(report=report, user=world.users["lead_reporter"])
    report = services.approve(report=report, user=world.users["lead_approver"])
    return services.accept(report=report, user=world.users["office"])


def test_a_figure_below_the_last_accepted_needs_confirmation_and_a_reason(world, flow):
    accept_earlier(world, flow, "1580")
    report = save(world, world.lead_unit, "lead_reporter", figures={world.target.pk: "100"})
    with pytest.raises(ValidationError, match="低于本单位上期采纳的 1580"):
        services.submit(report=report, user=world.users["lead_reporter"])
    report = save(world, world.lead_unit, "lead_reporter", figures={world.target.pk: ("100", "", True)})
    with pytest.raises(ValidationError, match="低于本单位上期采纳"):  # confirmed, but no reason
        services.submit(report=report, user=world.users["lead_reporter"])
    report = save(world, world.lead_unit, "lead_reporter",
                  figures={world.target.pk: ("1500", "口径调整：剔除重复统计80人", True)})
    assert services.submit(report=report, user=world.users["lead_reporter"]).status == S.SUBMITTED
    assert TargetValue.objects.get(report=report).below_last is True


def test_the_office_sees_the_flag(client, world, flow):
    accept_earlier(world, flow, "1580")
    report = save(world, world.lead_unit, "lead_reporter",
                  figures={world.target.pk: ("1500", "口径调整", True)})
    report = services.submit(report=report, user=world.users["lead_reporter"])
    services.approve(report=report, user=world.users["lead_approver"])
    html = login(client, world, "office").get(reverse("round-detail", args=[world.round.pk])).content.decode()
    assert "低于上期采纳值：口径调整" in html


def test_whole_numbers_for_people_counts(world):
    assert world.target.measure_unit == "人"
    with pytest.raises(ValidationError, match="须为整数"):
        save(world, world.lead_unit, "lead_reporter", figures={world.target.pk: "1800.5"})
    assert save(world, world.lead_unit, "lead_reporter", figures={world.target.pk: "1800.0"}).version == 2
    assert TargetValue.objects.get().value == Decimal("1800")


def test_report_page_keeps_typed_text_when_submit_is_refused_on_figures(client, world):
    report = world.report_of(world.lead_unit)
    login(client, world, "lead_reporter")
    data = form_data(world, report, then="submit", **{f"figure_{world.target.pk}": ""})
    response = client.post(reverse("report-detail", args=[report.pk]), data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == S.DRAFT and report.progress == "本季度新增就业3000人。"  # saved, not submitted
    assert "牵头单位须填写" in client.get(reverse("report-detail", args=[report.pk])).content.decode()


def test_the_decrease_checkbox_is_on_the_form(client, world, flow):
    accept_earlier(world, flow, "1580")
    report = world.report_of(world.lead_unit)
    login(client, world, "lead_reporter")
    data = form_data(world, report, then="submit", problems="统计口径调整。", **{f"figure_{world.target.pk}": "1500",
                                                        f"note_{world.target.pk}": "口径调整",
                                                        f"below_{world.target.pk}": "on"})
    assert client.post(reverse("report-detail", args=[report.pk]), data).status_code == 302
    report.refresh_from_db()
    assert report.status == S.SUBMITTED


def excel_saved(world):
    """Two drafts saved as an Excel upload would (the service underneath)."""
    lead = save(world, world.lead_unit, "lead_reporter", figures={world.target.pk: "3000"})
    return lead


def test_bulk_submit_after_an_excel_upload(client, world):
    report = excel_saved(world)
    login(client, world, "lead_reporter")
    url = reverse("unit-excel-submit", args=[world.round.pk, world.lead_unit.pk])
    response = client.post(url, {"report": [report.pk]})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == S.SUBMITTED


def test_bulk_submit_only_of_the_uploaders_units_drafts(client, world):
    lead = excel_saved(world)
    part = save(world, world.part_unit, "part_reporter", figures={world.target.pk: "10"})
    login(client, world, "lead_reporter")
    url = reverse("unit-excel-submit", args=[world.round.pk, world.lead_unit.pk])
    client.post(url, {"report": [part.pk]})  # another unit's draft through my unit's page
    part.refresh_from_db()
    assert part.status == S.DRAFT
    for name, status in (("lead_approver", 403), ("part_reporter", 404), ("office", 403)):
        login(client, world, name)
        assert client.post(url, {"report": [lead.pk]}).status_code == status, name
    lead.refresh_from_db()
    assert lead.status == S.DRAFT


@pytest.mark.parametrize("ids", [[], ["abc"], ["1; drop"]])
def test_bulk_submit_bad_input(client, world, ids):
    report = excel_saved(world)
    login(client, world, "lead_reporter")
    url = reverse("unit-excel-submit", args=[world.round.pk, world.lead_unit.pk])
    assert client.post(url, {"report": ids} if ids else {}).status_code == 302
    report.refresh_from_db()
    assert report.status == S.DRAFT
    assert client.get(url).status_code == 405


def test_bulk_submit_reports_each_refusal(client, world):
    report = save(world, world.lead_unit, "lead_reporter")  # no figure: the lead unit cannot submit it
    login(client, world, "lead_reporter")
    client.post(reverse("unit-excel-submit", args=[world.round.pk, world.lead_unit.pk]), {"report": [report.pk]})
    report.refresh_from_db()
    assert report.status == S.DRAFT
    assert "牵头单位须填写" in client.get(reverse("my-tasks")).content.decode()
