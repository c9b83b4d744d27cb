"""Writes for committees and units: one function per change, validated, in one transaction."""
from django.db import transaction

from .models import Committee, Unit, UnitAlias, UnitRole


@transaction.atomic
def create_unit(*, committee: Committee, code: str, short_name: str, full_name: str = "", kind=Unit.Kind.GOVERNMENT,
                order: int = 0, aliases=()) -> Unit:
    unit = Unit(committee=committee, code=code, short_name=short_name, full_name=full_name, kind=kind, order=order)
    unit.full_clean()
    unit.save()
    for name in aliases:
        add_alias(unit=unit, name=name)
    return unit


@transaction.atomic
def add_alias(*, unit: Unit, name: str) -> UnitAlias:
    """Remember another name for ``unit`` (idempotent: the same name twice is one alias)."""
    name = name.strip()
    alias, _ = UnitAlias.objects.get_or_create(committee_id=unit.committee_id, name=name, defaults={"unit": unit})
    return alias


@transaction.atomic
def rename_unit(*, unit: Unit, successor: Unit, renamed_on=None) -> Unit:
    """Record 机构改革: ``unit``'s duties pass to ``successor``; history stays with ``unit``."""
    unit.successor = successor
    unit.renamed_on = renamed_on
    unit.is_active = False
    unit.full_clean()
    unit.save(update_fields=["successor", "renamed_on", "is_active"])
    return unit


@transaction.atomic
def grant_role(*, user, unit: Unit, role: str) -> UnitRole:
    grant, _ = UnitRole.objects.get_or_create(user=user, unit=unit, role=role)
    return grant
