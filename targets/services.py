"""Writes of five-year plan indicators: enter or import the indicators, enter yearly values with their
source, link annual targets to the indicator they serve.

Keyword-only arguments, the permission check inside (``access_for``: the office of the plan's committee),
one transaction each; bad data raises ``ValidationError`` with a Chinese message and writes nothing.
Indicators and values keep their history (django-simple-history).
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tasks.models import WorkPlan
from units.models import Unit, UnitAlias
from units.selectors import access_for, suggest_units, unit_name_index

from . import indicator_table
from .models import IndicatorValue, PlanIndicator, Target

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
