"""Writes for targets' allocations (分解下达): a target's shares for member units and lower committees.

The target editing itself (add, change, delete) lives with the plan's other edits in
``tasks.services``; this module uses the same lock, permission check and history.
"""
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tasks.models import PlanChange, WorkPlan
from tasks.services import _check_manage, _lock, _record
from units.models import Committee, Unit

from .models import Allocation, Target

NOTE_MAX = 300


def _figure(value) -> str:
    return format(Decimal(value).normalize(), "f")


def _decimal(value, label):
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(_("%(who)s的分解值“%(v)s”不是数字。") % {"who": label, "v": value}) from None
    if not number.is_finite():
        raise ValidationError(_("%(who)s的分解值“%(v)s”不是数字。") % {"who": label, "v": value})
    if number < 0:
        raise ValidationError(_("%(who)s的分解值不能为负数。") % {"who": label})
    if number >= Decimal(10) ** 14:
        raise ValidationError(_("%(who)s的分解值过大。") % {"who": label})
    return number


def share_problems(target: Target, unit_shares: dict, committee_shares: dict) -> list[str]:
    """Why the shares do not add up to ``target`` (empty: they do). ``*_shares``: label → value.

    A target to be reached everywhere (各地分别达到, ``per_unit``) needs every lower committee's share
    to reach it; any other target needs the shares of each split (units, committees) to sum to it.
    """
    problems = []
    value = target.value
    if target.per_unit:
        below = [name for name, share in committee_shares.items() if share < value]
        if below:
            problems.append(_("目标为各地分别达到%(v)s%(u)s，%(names)s的分解值低于该值。") % {
                "v": _figure(value), "u": target.measure_unit, "names": "、".join(below)})
        return problems
    for label, shares in ((_("下级残工委"), committee_shares), (_("成员单位"), unit_shares)):
        if not shares:
            continue
        total = sum(shares.values(), Decimal(0))
        if total != value:
            problems.append(_("分解到%(who)s的合计为%(sum)s%(u)s，与目标值%(v)s%(u)s不一致。") % {
                "who": label, "sum": _figure(total), "v": _figure(value), "u": target.measure_unit})
    return problems


def _describe(rows) -> str:
    return "；".join(f"{name} {_figure(value)}" for name, value in rows)


@transaction.atomic
def set_allocations(*, target: Target, user, units=(), committees=(), note: str = "", reason: str = "") -> Target:
    """Replace ``target``'s allocations with ``units`` and ``committees`` (pairs of a ``Unit``/``Committee``
    or its id and a value). Shares that do not add up need ``note``; on a published plan, changing
    shares already handed down needs ``reason``. Refused input writes nothing.
    """
    plan = target.task.plan
    _check_manage(user, plan)
    plan = _lock(plan)
    target = Target.objects.select_for_update().select_related("task").get(pk=target.pk, task__plan=plan)
    if plan.status not in (WorkPlan.Status.DRAFT, WorkPlan.Status.PUBLISHED):
        raise ValidationError(_("计划“%(title)s”%(status)s，不能再分解目标。") % {
            "title": plan.title, "status": plan.get_status_display()}, code="not_editable")
    note, reason = (note or "").strip(), (reason or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(_("分解说明请控制在%(n)s字以内。") % {"n": NOTE_MAX})
    if len(reason) > 500:
        raise ValidationError(_("调整原因请控制在500字以内。"), code="reason_too_long")

    unit_rows = [(getattr(u, "pk", u), v) for u, v in units]
    committee_rows = [(getattr(c, "pk", c), v) for c, v in committees]
    try:
        unit_ids = [int(i) for i, _v in unit_rows]
        committee_ids = [int(i) for i, _v in committee_rows]
    except (TypeError, ValueError):
        raise ValidationError(_("分解对象无效，请重新选择。")) from None
    if any(not 0 < i < 2**63 for i in unit_ids + committee_ids):
        raise ValidationError(_("分解对象无效，请重新选择。"))
    if len(set(unit_ids)) != len(unit_ids) or len(set(committee_ids)) != len(committee_ids):
        raise ValidationError(_("同一单位或下级残工委不能重复分解。"))
    unit_objs = Unit.objects.in_bulk(unit_ids)
    committee_objs = Committee.objects.in_bulk(committee_ids)
    if any(i not in unit_objs or unit_objs[i].committee_id != plan.committee_id for i in unit_ids):
        raise ValidationError(_("所选单位不是本残工委的成员单位。"), code="foreign_unit")
    retired = [unit_objs[i].short_name for i in unit_ids if not unit_objs[i].is_active]
    if retired:
        raise ValidationError(_("%(names)s已撤销或更名，不能再分解目标。") % {"names": "、".join(retired)})
    if any(i not in committee_objs or committee_objs[i].parent_id != plan.committee_id for i in committee_ids):
        raise ValidationError(_("只能分解到本残工委的直接下级残工委。"), code="foreign_committee")

    unit_shares = {unit_objs[i].short_name: _decimal(v, unit_objs[i].short_name) for i, (_u, v) in
                   zip(unit_ids, unit_rows, strict=True)}
    committee_shares = {committee_objs[i].name: _decimal(v, committee_objs[i].name) for i, (_c, v) in
                        zip(committee_ids, committee_rows, strict=True)}
    problems = share_problems(target, unit_shares, committee_shares)
    if problems and not note:
        raise ValidationError([*problems, _("请调整分解值，或在“分解说明”中写明不一致的原因。")], code="shares_mismatch")

    current = list(Allocation.objects.filter(target=target).select_related("unit", "committee").order_by("pk"))
    before = _describe([(a.unit.short_name if a.unit_id else a.committee.name, a.value) for a in current])
    after = _describe([*unit_shares.items(), *committee_shares.items()])
    changes = []
    if before != after:
        changes.append({"field": "allocations", "label": str(_("目标分解")), "before": before, "after": after})
    if note != target.allocation_note:
        changes.append({"field": "allocation_note", "label": str(_("分解说明")), "before": target.allocation_note,
                        "after": note})
    if not changes:
        return target
    if plan.status == WorkPlan.Status.PUBLISHED and current and not reason:
        raise ValidationError(_("计划已发布，调整已下达的分解值须填写调整原因。"), code="reason_required")

    wanted_units = dict(zip(unit_ids, unit_shares.values(), strict=True))
    wanted_committees = dict(zip(committee_ids, committee_shares.values(), strict=True))
    keep, changed = set(), []
    for a in current:
        share = wanted_units.get(a.unit_id) if a.unit_id else wanted_committees.get(a.committee_id)
        if share is None:
            continue
        keep.add(a.pk)
        if a.value != share:
            a.value = share
            changed.append(a)
    Allocation.objects.filter(target=target).exclude(pk__in=keep).delete()
    Allocation.objects.bulk_update(changed, ["value"])
    held_units = {a.unit_id for a in current if a.pk in keep and a.unit_id}
    held_committees = {a.committee_id for a in current if a.pk in keep and a.committee_id}
    Allocation.objects.bulk_create(
        [Allocation(target=target, unit_id=i, value=v) for i, v in wanted_units.items() if i not in held_units]
        + [Allocation(target=target, committee_id=i, value=v) for i, v in wanted_committees.items()
           if i not in held_committees]
    )
    if note != target.allocation_note:
        target.allocation_note = note
        target.save(update_fields=["allocation_note"])
    _record(plan=plan, user=user, action=_("分解目标"), kind=PlanChange.Kind.TARGET, obj=target, changes=changes,
            reason=reason, revision=plan.status == WorkPlan.Status.PUBLISHED and bool(reason))
    return target
