"""机构改革 mid-year: a unit merged into another. Open slots and roles move, history keeps the old name,
the roll-up counts the two as one. Renames and retirement too."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reports import services as report_services
from reports.models import ProgressReport
from rollups.engine import recompute_year
from rollups.models import TargetRollup
from tasks.models import Assignment, PlanChange
from units import services
from units.models import Unit, UnitRole

from .. import factories as f

MID_YEAR = datetime.date(2021, 7, 1)


def _report(report, reporter, approver, office, target, value):
    report_services.save_and_submit(report=report, user=reporter, version=report.version, progress="进展", problems="进度偏慢，下季度集中推进。",
                                    figures={target.pk: value})
    report.refresh_from_db()
    report_services.approve(report=report, user=approver)
    report.refresh_from_db()
    report_services.accept(report=report, user=office)


def test_merge_mid_year_moves_open_work_and_keeps_history(world):
    w, office = world, world.users["office"]
    # the first round: both units report and the office accepts
    _report(w.report_of(w.lead_unit), w.users["lead_reporter"], w.users["lead_approver"], office, w.target, "1000")
    _report(w.report_of(w.part_unit), w.users["part_reporter"], w.users["part_approver"], office, w.target, "500")
    report_services.close_round(round=w.round, user=office)
    second = report_services.create_round(
        plan=w.plan, period_kind="quarter", period_label="2021年第三季度", period_start="2021-07-01",
        period_end="2021-09-30", opens_on="2021-09-20", due_on="2021-10-10")
    merged_user = f.UserFactory(username="both")
    f.UnitRoleFactory(user=merged_user, unit=w.lead_unit, role=UnitRole.Role.REPORTER)
    f.UnitRoleFactory(user=merged_user, unit=w.part_unit, role=UnitRole.Role.REPORTER)

    successor = services.reform_unit(user=office, unit=w.part_unit, successor=w.lead_unit, effective_on=MID_YEAR)

    w.part_unit.refresh_from_db()
    assert successor == w.lead_unit and not w.part_unit.is_active and w.part_unit.successor == w.lead_unit
    # history keeps the old name: the accepted report of the first round is still 省民政厅's
    assert w.round.reports.get(unit=w.part_unit).status == ProgressReport.Status.ACCEPTED
    # roles moved: the part unit's reporter now reports for the successor; no role left on the old unit
    assert not UnitRole.objects.filter(unit=w.part_unit).exists()
    assert UnitRole.objects.filter(user=w.users["part_reporter"], unit=w.lead_unit, role="reporter").exists()
    assert UnitRole.objects.filter(user=merged_user, unit=w.lead_unit).count() == 1
    # the task is now the successor's alone; the second round's open slot of the old unit stayed (the
    # successor had its own slot on the same task) and the plan records why
    assert list(Assignment.objects.filter(task=w.task).values_list("unit__short_name", flat=True)) == ["省人社厅"]
    assert PlanChange.objects.filter(plan=w.plan, action="机构改革").exists()
    assert second.reports.filter(unit=w.lead_unit).count() == 1
    # the roll-up counts the two as one unit, the successor, with the latest figure of either: after the
    # successor reports the merged units' cumulative 1800 in the third quarter, that is the figure
    recompute_year(2021)
    row = TargetRollup.objects.get(target=w.target, year=2021)
    units = [c for c in row.contributors if c[0] == "u"]
    assert [c[1] for c in units] == [w.lead_unit.pk]
    _report(second.reports.get(unit=w.lead_unit), w.users["lead_reporter"], w.users["lead_approver"], office,
            w.target, "1800")
    recompute_year(2021)
    row.refresh_from_db()
    assert row.reached == Decimal("1800")


def test_merge_moves_open_slots_without_a_clash(world):
    w, office = world, world.users["office"]
    other = f.UnitFactory(committee=w.committee, short_name="省卫生健康委", code="wj")
    services.reform_unit(user=office, unit=w.part_unit, successor=other, effective_on=MID_YEAR)
    report = w.round.reports.get(task=w.task, unit=other)
    assert report.status == ProgressReport.Status.DRAFT
    assert not w.round.reports.filter(unit=w.part_unit).exists()
    assert report.history.first().history_change_reason.startswith("机构改革")


def test_rename_creates_the_successor(world):
    w = world
    new = services.reform_unit(user=w.users["office"], unit=w.part_unit, new_name="省民政厅（新）", effective_on=MID_YEAR)
    assert new.committee == w.committee and new.short_name == "省民政厅（新）"
    w.part_unit.refresh_from_db()
    assert w.part_unit.display_name == "省民政厅（现省民政厅（新））"


@pytest.mark.parametrize("kwargs, message", [
    ({"new_name": "", "successor": None}, "二者选一"),
    ({"new_name": "省人社厅"}, "已有名为"),
    ({"effective_on": None, "new_name": "新名"}, "生效日期"),
])
def test_bad_reform_writes_nothing(world, kwargs, message):
    w = world
    args = {"user": w.users["office"], "unit": w.part_unit, "effective_on": MID_YEAR, **kwargs}
    with pytest.raises(ValidationError) as exc:
        services.reform_unit(**args)
    assert message in " ".join(exc.value.messages)
    w.part_unit.refresh_from_db()
    assert w.part_unit.is_active and Unit.objects.filter(committee=w.committee).count() == 3


def test_merge_into_a_unit_of_another_committee_is_refused(world):
    w = world
    stranger = Unit.objects.get(short_name="外省残联")
    with pytest.raises(ValidationError):
        services.reform_unit(user=w.users["office"], unit=w.part_unit, successor=stranger, effective_on=MID_YEAR)


@pytest.mark.parametrize("who", ["leader", "lead_reporter", "part_approver", "other_office"])
def test_only_the_office_manages_units(world, who):
    w, user = world, world.users[who]
    calls = [
        lambda: services.reform_unit(user=user, unit=w.part_unit, new_name="新名", effective_on=MID_YEAR),
        lambda: services.retire_unit(user=user, unit=w.part_unit, retired_on=MID_YEAR),
        lambda: services.add_unit(user=user, committee=w.committee, short_name="省新厅"),
        lambda: services.update_unit(user=user, unit=w.part_unit, short_name="改名"),
        lambda: services.add_unit_alias(user=user, unit=w.part_unit, name="别名"),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    w.part_unit.refresh_from_db()
    assert w.part_unit.is_active and w.part_unit.short_name == "省民政厅" and not w.part_unit.aliases.exists()
    assert Unit.objects.filter(committee=w.committee).count() == 3


def test_retired_unit_leaves_the_round_dropdowns(world):
    from reports.selectors import office_units_of

    w = world
    assert w.part_unit in office_units_of(w.users["office"], w.round)
    services.retire_unit(user=w.users["office"], unit=w.part_unit, retired_on=MID_YEAR)
    assert w.part_unit not in office_units_of(w.users["office"], w.round)
    assert w.round.reports.filter(unit=w.part_unit).exists()  # kept in history
    with pytest.raises(ValidationError):
        services.retire_unit(user=w.users["office"], unit=w.part_unit, retired_on=MID_YEAR)


def test_unit_names_and_aliases(world):
    w, office = world, world.users["office"]
    unit = services.add_unit(user=office, committee=w.committee, short_name="省教育厅", full_name="吉林省教育厅")
    services.update_unit(user=office, unit=unit, full_name="吉林省教育厅（改）")
    services.add_unit_alias(user=office, unit=unit, name="省教委")
    with pytest.raises(ValidationError):
        services.add_unit_alias(user=office, unit=w.part_unit, name="省教委")
    with pytest.raises(ValidationError):
        services.update_unit(user=office, unit=unit, short_name="省民政厅")
    with pytest.raises(ValidationError):
        services.add_unit(user=office, committee=w.committee, short_name="省教委")
    unit.refresh_from_db()
    assert unit.full_name == "吉林省教育厅（改）" and [a.name for a in unit.aliases.all()] == ["省教委"]


def test_a_retired_unit_is_not_newly_assigned_to_a_task(world):
    from tasks import services as task_services

    w = world
    other = f.UnitFactory(committee=w.committee, short_name="省扶贫办", code="fp")
    services.retire_unit(user=w.users["office"], unit=other, retired_on=MID_YEAR)
    with pytest.raises(ValidationError):
        task_services.set_task_units(task=w.task, user=w.users["office"], lead=[w.lead_unit], reason="x",
                                     participating=[w.part_unit, other])
    services.retire_unit(user=w.users["office"], unit=w.part_unit, retired_on=MID_YEAR)
    # already on the task: it may stay
    task_services.set_task_units(task=w.task, user=w.users["office"], lead=[w.lead_unit, w.part_unit],
                                 participating=[], reason="调整")
    assert set(Assignment.objects.filter(task=w.task).values_list("role", flat=True)) == {"lead"}
