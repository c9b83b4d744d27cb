from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from targets.models import Allocation
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_negative_target_value_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        f.TargetFactory(value=Decimal("-1"))


def test_unknown_comparator_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        f.TargetFactory(comparator="!=")


def test_allocation_goes_to_a_unit_or_a_committee_not_both_nor_neither():
    target = f.TargetFactory()
    unit = f.UnitFactory(committee=target.task.plan.committee)
    lower = f.CommitteeFactory(parent=target.task.plan.committee, level="city")
    Allocation.objects.create(target=target, unit=unit, value=10)
    Allocation.objects.create(target=target, committee=lower, value=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(target=target, unit=unit, committee=lower, value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(target=target, value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(target=target, unit=unit, value=5)  # same unit twice


def test_negative_allocation_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        f.AllocationFactory(value=Decimal("-5"))


def test_str_shows_comparator_value_and_unit():
    target = f.TargetFactory(indicator="培训残疾人", value=Decimal("20000.0000"), measure_unit="人次")
    assert str(target) == "培训残疾人 不少于20000人次"
    assert str(f.AllocationFactory(target=target, value=5)).startswith("培训残疾人 →")
