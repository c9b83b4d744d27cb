"""Writes of the targets app: allocations (分解下达 — a target's shares for member units and lower
committees) and five-year plan indicators (主要指标, their yearly values and the import of the
indicator table).

The target editing itself (add, change, delete) lives with the plan's other edits in
``tasks.services``; the allocations use the same lock, permission check and history.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tasks.models import PlanChange, WorkPlan
from tasks.services import _check_manage, _lock, _record
from units.models import Committee, Unit, UnitAlias
from units.selectors import access_for, suggest_units, unit_name_index

from . import indicator_table
from .models import Allocation, IndicatorValue, PlanIndicator, Target

NOTE_MAX = 300


def _figure(value) -> str:
    return format(Decimal(value).normalize(), "f")


def _share_decimal(value, label):
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
    target = Target.objects.select_for_update(of=("self",)).select_related("task").get(pk=target.pk, task__plan=plan)
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

    unit_shares = {unit_objs[i].short_name: _share_decimal(v, unit_objs[i].short_name) for i, (_u, v) in
                   zip(unit_ids, unit_rows, strict=True)}
    committee_shares = {committee_objs[i].name: _share_decimal(v, committee_objs[i].name) for i, (_c, v) in
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


# ---------------------------------------------------------------- five-year plan indicators

FIELDS = ("number", "name", "measure_unit", "baseline", "target_value", "kind", "direction", "cumulative",
          "responsible_unit", "weight")


def _check_office(user, committee_id):
    if not access_for(user).is_office_of(committee_id):
        raise PermissionDenied("只有本级残工委办公室可以修改规划指标")


def check_five_year(plan):
    if plan.period_end - plan.period_start < 1:
        raise ValidationError("主要指标只能设在多年规划（如“十四五”规划）上。")


def _decimal(value, label, *, required=False, positive=True):
    if value in (None, ""):
        if required:
            raise ValidationError(f"请填写{label}。")
        return None
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(f"{label}不是数字：“{value}”。") from None
    if not d.is_finite() or abs(d) >= Decimal(10) ** 14:
        raise ValidationError(f"{label}超出范围。")
    if positive and d < 0:
        raise ValidationError(f"{label}不能为负数。")
    return d


def _clean(plan, data):
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationError("请填写指标名称。")
    if data.get("kind") not in PlanIndicator.Kind.values:
        raise ValidationError("指标属性须为约束性或预期性。")
    if data.get("direction", ">=") not in PlanIndicator.Direction.values:
        raise ValidationError("方向须为不低于或不高于。")
    unit = data.get("responsible_unit")
    if unit is not None and unit.committee_id != plan.committee_id:
        raise ValidationError("责任单位须是本残工委的成员单位。")
    try:
        number = int(data.get("number"))
    except (TypeError, ValueError):
        raise ValidationError("序号须为正整数。") from None
    if not 0 < number < 1000:
        raise ValidationError("序号须为正整数。")
    return {
        "number": number, "name": name[:200], "measure_unit": (data.get("measure_unit") or "").strip()[:20],
        "baseline": _decimal(data.get("baseline"), "基期值", positive=False),
        "target_value": _decimal(data.get("target_value"), "目标值", required=True, positive=False),
        "kind": data["kind"], "direction": data.get("direction", ">="), "cumulative": bool(data.get("cumulative")),
        "responsible_unit": unit, "weight": _decimal(data.get("weight"), "权重"),
    }


def _save(indicator):
    try:
        with transaction.atomic():
            indicator.save()
    except IntegrityError:
        raise ValidationError("同一规划中指标序号和名称都不能重复。") from None
    return indicator


@transaction.atomic
def save_indicator(*, user, plan: WorkPlan, indicator: PlanIndicator | None = None, **data) -> PlanIndicator:
    """Create (``indicator`` None) or change one indicator of ``plan``."""
    if indicator is not None:
        plan = indicator.plan
    _check_office(user, plan.committee_id)
    check_five_year(plan)
    clean = _clean(plan, data)
    indicator = indicator or PlanIndicator(plan=plan)
    for name, value in clean.items():
        setattr(indicator, name, value)
    return _save(indicator)


@transaction.atomic
def delete_indicator(*, user, indicator: PlanIndicator):
    _check_office(user, indicator.plan.committee_id)
    indicator.delete()


@transaction.atomic
def set_value(*, user, indicator: PlanIndicator, year: int, value, source: str) -> IndicatorValue:
    """Enter (or change) the value of ``indicator`` for ``year`` with its source; the old value stays in history."""
    _check_office(user, indicator.plan.committee_id)
    plan = indicator.plan
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError("年度须为整数。") from None
    if not plan.period_start <= year <= plan.period_end:
        raise ValidationError(f"年度须在规划期{plan.period_start}—{plan.period_end}年之内。")
    value = _decimal(value, "数值", required=True, positive=False)
    source = (source or "").strip()
    if not source:
        raise ValidationError("请填写数据来源（如统计公报、年度报告）。")
    row = IndicatorValue.objects.filter(indicator=indicator, year=year).first() or \
        IndicatorValue(indicator=indicator, year=year)
    row.value, row.source, row.entered_by = value, source[:200], user
    row.save()
    return row


@transaction.atomic
def clear_value(*, user, value: IndicatorValue):
    _check_office(user, value.indicator.plan.committee_id)
    value.delete()


@transaction.atomic
def link_targets(*, user, plan: WorkPlan, links: dict) -> int:
    """Link each target of the annual ``plan`` to an indicator (``links``: target id → indicator id or None).

    The indicators must belong to a multi-year plan of the same committee whose period covers the
    annual plan. Returns how many links changed."""
    _check_office(user, plan.committee_id)
    targets = {t.pk: t for t in Target.objects.filter(task__plan=plan)}
    wanted = {int(i) for i in links.values() if i}
    indicators = {i.pk: i for i in PlanIndicator.objects.filter(pk__in=wanted).select_related("plan")}
    changed = 0
    for target_id, indicator_id in links.items():
        target = targets.get(int(target_id))
        if target is None:
            raise ValidationError("目标不属于该工作计划。")
        indicator = indicators.get(int(indicator_id)) if indicator_id else None
        if indicator_id and indicator is None:
            raise ValidationError("所选指标不存在。")
        if indicator is not None:
            ip = indicator.plan
            if ip.committee_id != plan.committee_id or not (ip.period_start <= plan.period_start
                                                            and plan.period_end <= ip.period_end):
                raise ValidationError(f"指标“{indicator.name}”不属于覆盖本计划年度的本级五年规划。")
        if target.plan_indicator_id != (indicator.pk if indicator else None):
            target.plan_indicator = indicator
            target.save(update_fields=["plan_indicator"])
            changed += 1
    return changed


# ---------------------------------------------------------------- import: preview → confirm

def preview_table(*, user, plan: WorkPlan, content: bytes, filename: str = "") -> dict:
    """Read an indicator table and say what would be saved; writes nothing.

    ``{"rows": [row dicts + "unit_id"], "unknown_units": {name: [[suggested name, unit id, score], …]}}``;
    raises ``ValidationError`` (Chinese) for a file without a readable table."""
    _check_office(user, plan.committee_id)
    check_five_year(plan)
    try:
        rows = indicator_table.read_table(content, filename)
    except indicator_table.TableError as exc:
        raise ValidationError(str(exc)) from None
    index = unit_name_index(plan.committee)
    unknown = {}
    out = []
    for row in rows:
        d = row.as_dict()
        unit = index.get(row.unit_name) if row.unit_name else None
        d["unit_id"] = unit.pk if unit else None
        if row.unit_name and unit is None:
            unknown[row.unit_name] = [[name, u.pk, score] for name, u, score in suggest_units(row.unit_name, index)]
        out.append(d)
    return {"rows": out, "unknown_units": unknown}


@transaction.atomic
def confirm_table(*, user, plan: WorkPlan, preview: dict, unit_choices: dict | None = None,
                  replace: bool = False) -> list[PlanIndicator]:
    """Save a preview's indicators. Every unknown responsible-unit name needs a choice: a unit id of the
    committee (remembered as an alias) or ``"ignore"`` (no responsible unit). ``replace`` deletes the
    plan's indicators first; otherwise rows whose 序号 exists update that indicator."""
    _check_office(user, plan.committee_id)
    check_five_year(plan)
    unit_choices = unit_choices or {}
    units = {u.pk: u for u in Unit.objects.filter(committee=plan.committee)}
    missing = [n for n in preview.get("unknown_units", {}) if not unit_choices.get(n)]
    if missing:
        raise ValidationError("请为以下责任单位选择对应的成员单位或忽略：" + "、".join(missing))
    resolved = {}
    for name, choice in unit_choices.items():
        if name not in preview.get("unknown_units", {}):
            continue
        if choice == "ignore":
            resolved[name] = None
            continue
        try:
            unit = units[int(choice)]
        except (KeyError, TypeError, ValueError):
            raise ValidationError(f"“{name}”对应的成员单位不存在或不属于本残工委。") from None
        resolved[name] = unit
        UnitAlias.objects.get_or_create(committee=plan.committee, name=name[:120], defaults={"unit": unit})
    if replace:
        Target.objects.filter(plan_indicator__plan=plan).update(plan_indicator=None)
        plan.indicators.all().delete()
    existing = {i.number: i for i in plan.indicators.all()}
    saved = []
    for row in preview.get("rows", []):
        if row.get("unit_name") in resolved:
            unit = resolved[row["unit_name"]]
        else:
            unit = units.get(row.get("unit_id")) if row.get("unit_id") else None
        data = {k: row.get(k) for k in FIELDS if k != "responsible_unit"}
        data["responsible_unit"] = unit
        clean = _clean(plan, data)
        indicator = existing.get(clean["number"]) or PlanIndicator(plan=plan)
        for name, value in clean.items():
            setattr(indicator, name, value)
        saved.append(_save(indicator))
    if not saved:
        raise ValidationError("没有可保存的指标。")
    return saved
