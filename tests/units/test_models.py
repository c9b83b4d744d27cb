import pytest
from django.db import IntegrityError, transaction

from tests import factories as f
from units.models import Committee, UnitRole
from units.selectors import access_for, suggest_units, unit_name_index

pytestmark = pytest.mark.django_db


def test_str_and_display_name_follow_successor():
    new = f.UnitFactory(short_name="省卫生健康委")
    old = f.UnitFactory(committee=new.committee, short_name="省卫生计生委", successor=new)
    assert str(old) == "省卫生计生委"
    assert old.display_name == "省卫生计生委（现省卫生健康委）"
    assert old.current() == new
    assert str(new.committee) == new.committee.name


def test_unit_short_name_unique_within_committee():
    unit = f.UnitFactory(short_name="省民政厅")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.UnitFactory(committee=unit.committee, short_name="省民政厅")
    f.UnitFactory(short_name="省民政厅")  # another committee may have one


def test_alias_unique_within_committee():
    alias = f.UnitAliasFactory(name="省人力资源社会保障厅")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.UnitAliasFactory(name="省人力资源社会保障厅", unit=f.UnitFactory(committee=alias.committee))


def test_membership_period_must_be_ordered():
    with pytest.raises(IntegrityError), transaction.atomic():
        f.UnitFactory(member_since="2021-05-01", member_until="2020-01-01")


def test_committee_cannot_be_its_own_parent():
    c = f.CommitteeFactory()
    c.parent_id = c.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        c.save()


def test_role_unique_per_user_unit():
    role = f.UnitRoleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitRole.objects.create(user=role.user, unit=role.unit, role=role.role)


def test_name_index_covers_short_full_and_alias_names():
    unit = f.UnitFactory(short_name="省人社厅", full_name="吉林省人力资源和社会保障厅")
    f.UnitAliasFactory(unit=unit, name="省人力资源社会保障厅")
    index = unit_name_index(unit.committee)
    assert index["省人社厅"] == index["吉林省人力资源和社会保障厅"] == index["省人力资源社会保障厅"] == unit


def test_suggestions_rank_the_closest_name_first():
    unit = f.UnitFactory(short_name="省人力资源社会保障厅")
    f.UnitFactory(committee=unit.committee, short_name="省财政厅")
    best = suggest_units("省人力资源和社会保障厅", unit_name_index(unit.committee))[0]
    assert best[1] == unit


def test_office_reads_lower_committees_but_reporter_only_own():
    province = f.CommitteeFactory(level=Committee.Level.PROVINCE)
    city = f.CommitteeFactory(level=Committee.Level.CITY, parent=province)
    county = f.CommitteeFactory(level=Committee.Level.COUNTY, parent=city)
    office = f.UnitRoleFactory(unit=f.UnitFactory(committee=province), role=UnitRole.Role.OFFICE).user
    reporter = f.UnitRoleFactory(unit=f.UnitFactory(committee=city), role=UnitRole.Role.REPORTER).user
    assert access_for(office).readable_committee_ids == {province.pk, city.pk, county.pk}
    assert access_for(reporter).readable_committee_ids == {city.pk}
    assert access_for(reporter).wide_committee_ids == set()
