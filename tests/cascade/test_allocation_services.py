"""Allocating a target among lower committees and member units: checks, notes, permissions."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from targets.models import Allocation
from targets.services import set_allocations
from tasks.models import PlanChange


def test_shares_that_add_up_are_saved_with_history(cascade):
    c = cascade
    set_allocations(target=c.target, user=c.users["p_office"], committees=[(c.city_a, "3000"), (c.city_b, "2600")])
    shares = dict(Allocation.objects.filter(target=c.target).values_list("committee__code", "value"))
    assert shares == {"cc": Decimal("3000"), "jlc": Decimal("2600")}
    change = PlanChange.objects.get(plan=c.plan, action="分解目标")
    assert "长春市残工委 3000" in change.changes[0]["after"]


def test_shares_that_do_not_add_up_need_a_note(cascade):
    c = cascade
    with pytest.raises(ValidationError) as exc:
        set_allocations(target=c.target, user=c.users["p_office"], committees=[(c.city_a, "3000"), (c.city_b, "2000")])
    assert "合计为5000人" in " ".join(exc.value.messages)
    assert not Allocation.objects.exists()
    set_allocations(target=c.target, user=c.users["p_office"], committees=[(c.city_a, "3000"), (c.city_b, "2000")],
                    note="省级统筹600人")
    c.target.refresh_from_db()
    assert c.target.allocation_note == "省级统筹600人"
    assert Allocation.objects.count() == 2


def test_unit_split_is_checked_apart_from_the_committee_split(cascade):
    c = cascade
    with pytest.raises(ValidationError):
        set_allocations(target=c.target, user=c.users["p_office"], committees=[(c.city_a, "2800"), (c.city_b, "2800")],
                        units=[(c.units["p_mz"], "100")])
    assert not Allocation.objects.exists()
    set_allocations(target=c.target, user=c.users["p_office"], committees=[(c.city_a, "2800"), (c.city_b, "2800")],
                    units=[(c.units["p_mz"], "5000"), (c.units["p_rs"], "600")])
    assert Allocation.objects.count() == 4


def test_per_place_target_needs_each_share_to_reach_it(cascade):
    c = cascade
    c.target.per_unit, c.target.value = True, Decimal("2")
    c.target.save()
    with pytest.raises(ValidationError) as exc:
        set_allocations(target=c.target, user=c.users["p_office"], committees=[(c.city_a, "2"), (c.city_b, "1")])
    assert "吉林市残工委" in " ".join(exc.value.messages)
    set_allocations(target=c.target, user=c.users["p_office"], committees=[(c.city_a, "3"), (c.city_b, "2")])
    assert Allocation.objects.count() == 2


@pytest.mark.parametrize("rows, message", [
    ([("city_a", "-1")], "负数"),
    ([("city_a", "abc")], "不是数字"),
    ([("city_a", "NaN")], "不是数字"),
    ([("city_a", "1"), ("city_a", "2")], "重复"),
    ([("county", "5600")], "直接下级"),
])
def test_bad_shares_write_nothing(cascade, rows, message):
    c = cascade
    with pytest.raises(ValidationError) as exc:
        set_allocations(target=c.target, user=c.users["p_office"], note="x",
                        committees=[(getattr(c, name), value) for name, value in rows])
    assert message in " ".join(exc.value.messages)
    assert not Allocation.objects.exists()
    assert not PlanChange.objects.filter(action="分解目标").exists()


def test_unit_of_another_committee_or_retired_is_refused(cascade):
    c = cascade
    with pytest.raises(ValidationError):
        set_allocations(target=c.target, user=c.users["p_office"], units=[(c.units["a_mz"], "5600")])
    c.units["p_rs"].is_active = False
    c.units["p_rs"].save()
    with pytest.raises(ValidationError):
        set_allocations(target=c.target, user=c.users["p_office"], units=[(c.units["p_rs"], "5600")])
    assert not Allocation.objects.exists()


def test_changing_shares_of_a_published_plan_needs_a_reason(cascade):
    c = cascade
    office = c.users["p_office"]
    set_allocations(target=c.target, user=office, committees=[(c.city_a, "3000"), (c.city_b, "2600")])
    with pytest.raises(ValidationError):
        set_allocations(target=c.target, user=office, committees=[(c.city_a, "2600"), (c.city_b, "3000")])
    set_allocations(target=c.target, user=office, committees=[(c.city_a, "2600"), (c.city_b, "3000")], reason="调整")
    assert dict(Allocation.objects.values_list("committee__code", "value"))["cc"] == Decimal("2600")
    assert PlanChange.objects.get(action="分解目标", is_revision=True).reason == "调整"


@pytest.mark.parametrize("who", ["p_leader", "p_reporter", "a_office", "b_office", "k_office"])
def test_only_the_plans_office_allocates(cascade, who):
    c = cascade
    with pytest.raises(PermissionDenied):
        set_allocations(target=c.target, user=c.users[who], committees=[(c.city_a, "3000"), (c.city_b, "2600")])
    assert not Allocation.objects.exists()
