"""The report FilterSet shared by the web lists and the API: every filter, and choices limited to what the user reads."""
import datetime

import pytest
from django.test import RequestFactory

from reports import services
from reports.filtersets import ProgressReportFilterSet
from reports.models import ProgressReport
from reports.selectors import visible_reports

pytestmark = pytest.mark.django_db


def run(world, user, **params):
    request = RequestFactory().get("/", params)
    request.user = world.users[user]
    fs = ProgressReportFilterSet(request.GET, queryset=visible_reports(request.user), request=request)
    assert fs.is_valid(), fs.errors
    return set(fs.qs.values_list("unit__short_name", flat=True))


def test_each_filter(world, flow):
    flow.approved(world.lead_unit)
    flow.draft(world.part_unit, progress="民政：困难残疾人生活补贴")
    services.extend_deadline(round=world.round, user=world.users["office"], unit=world.part_unit,
                             due_on=datetime.date(2021, 8, 1))
    both = {"省人社厅", "省民政厅"}
    assert run(world, "office") == both
    assert run(world, "office", plan=world.plan.pk, round=world.round.pk, year=2021, task=world.task.pk) == both
    assert run(world, "office", unit=world.part_unit.pk) == {"省民政厅"}
    assert run(world, "office", status=["approved"]) == {"省人社厅"}
    assert run(world, "office", status=["approved", "draft"]) == both
    assert run(world, "office", role="lead") == {"省人社厅"}
    assert run(world, "office", role="participating") == {"省民政厅"}
    assert run(world, "office", due_before="2021-07-10") == {"省人社厅"}
    assert run(world, "office", due_after="2021-07-11") == {"省民政厅"}
    assert run(world, "office", q="生活补贴") == {"省民政厅"}
    assert run(world, "office", q="省人社") == {"省人社厅"}
    assert run(world, "office", year=2022) == set()


def test_choices_are_limited_to_what_the_user_reads(world):
    request = RequestFactory().get("/", {"plan": world.plan.pk})
    request.user = world.users["other_office"]
    fs = ProgressReportFilterSet(request.GET, queryset=visible_reports(request.user), request=request)
    assert not fs.is_valid() and "plan" in fs.errors
    request = RequestFactory().get("/", {"round": world.round.pk})
    request.user = world.users["part_reporter"]
    fs = ProgressReportFilterSet(request.GET, queryset=visible_reports(request.user), request=request)
    assert fs.is_valid() and list(fs.qs) == [world.report_of(world.part_unit)]


def test_without_a_request_there_are_no_choices(world):
    fs = ProgressReportFilterSet({"plan": world.plan.pk}, queryset=ProgressReport.objects.all())
    assert not fs.is_valid()
