"""Writes of 考核: the office sets its scheme and enters bonuses and deductions.

Keyword-only arguments, the permission check inside (``access_for``: the office of the scheme's
committee), one transaction each; bad data raises ``ValidationError`` with a Chinese message
and writes nothing. Every change is kept in the models' history.
"""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from targets.models import Target
from units.models import Committee, Unit
from units.selectors import access_for

from ..models_scoring import ScoreAdjustment, ScoringItem, ScoringScheme, TargetWeight

KINDS = set(ScoringItem.Kind.values)


def _check_office(user, committee_id):
    if not access_for(user).is_office_of(committee_id):
        raise PermissionDenied(_("只有本级残工委办公室可以设置考核办法"))


def _validate(*, items, excellent_from, good_from, fair_from, units, lower_committees, committee):
    if not (excellent_from > good_from > fair_from >= 0):
        raise ValidationError(_("等次分数线须依次降低：优秀 > 良好 > 一般 ≥ 0。"))
    kinds = [i["kind"] for i in items]
    if not items:
        raise ValidationError(_("请至少设置一个考核项目。"))
    if len(kinds) != len(set(kinds)) or not set(kinds) <= KINDS:
        raise ValidationError(_("考核项目重复或类型不正确：每种类型只能有一项。"))
    for item in items:
        for field in ("points", "per_missing", "per_late", "per_return"):
            if Decimal(item.get(field) or 0) < 0:
                raise ValidationError(_("分值和扣分标准不能为负数。"))
    if any(u.committee_id != committee.pk for u in units):
        raise ValidationError(_("只能考核本残工委的成员单位。"))
    if any(c.parent_id != committee.pk for c in lower_committees):
        raise ValidationError(_("只能考核本残工委的直接下级残工委。"))


@transaction.atomic
def save_scheme(*, user, committee: Committee, scheme: ScoringScheme | None = None, year: int, title: str,
                doc_number: str = "", score_member_units: bool = True, units=(), lower_committees=(),
                excellent_from, good_from, fair_from, items) -> ScoringScheme:
    """Create or replace a scheme with its items (``items``: dicts of kind, label, points, per_* and order)."""
    if scheme is not None:
        committee = scheme.committee
    _check_office(user, committee.pk)
    units, lower_committees = list(units), list(lower_committees)
    _validate(items=items, excellent_from=excellent_from, good_from=good_from, fair_from=fair_from, units=units,
              lower_committees=lower_committees, committee=committee)
    if ScoringScheme.objects.filter(committee=committee, year=year).exclude(pk=getattr(scheme, "pk", None)).exists():
        raise ValidationError(_("本残工委%(year)s年度已有考核办法。") % {"year": year})
    scheme = scheme or ScoringScheme(committee=committee)
    for name, value in {"year": year, "title": title, "doc_number": doc_number,
                        "score_member_units": score_member_units, "excellent_from": excellent_from,
                        "good_from": good_from, "fair_from": fair_from, "updated_by": user}.items():
        setattr(scheme, name, value)
    try:
        scheme.save()
    except IntegrityError:
        raise ValidationError(_("考核办法保存失败：请检查年度与等次分数线。")) from None
    scheme.units.set(units)
    scheme.lower_committees.set(lower_committees)
    existing = {i.kind: i for i in scheme.items.all()}
    for row in items:
        item = existing.pop(row["kind"], None) or ScoringItem(scheme=scheme, kind=row["kind"])
        changed = item.pk is None
        for name in ("label", "points", "per_missing", "per_late", "per_return", "order"):
            value = row.get(name, "" if name == "label" else 0)
            if getattr(item, name) != value:
                setattr(item, name, value)
                changed = True
        if changed:
            item.save()
    for item in existing.values():
        item.delete()
    return scheme


@transaction.atomic
def add_adjustment(*, user, scheme: ScoringScheme, unit: Unit | None = None, committee: Committee | None = None,
                   points, reason: str, evidence: str = "") -> ScoreAdjustment:
    _check_office(user, scheme.committee_id)
    if (unit is None) == (committee is None):
        raise ValidationError(_("加分/扣分须对应一个成员单位或一个下级残工委。"))
    if unit is not None and unit.committee_id != scheme.committee_id:
        raise ValidationError(_("只能为本残工委的成员单位加分或扣分。"))
    if committee is not None and not scheme.lower_committees.filter(pk=committee.pk).exists():
        raise ValidationError(_("该下级残工委不在本考核办法的考核范围内。"))
    if not points:
        raise ValidationError(_("分数不能为0。"))
    if not (reason or "").strip():
        raise ValidationError(_("请填写加分或扣分的事由。"))
    return ScoreAdjustment.objects.create(scheme=scheme, unit=unit, committee=committee, points=points,
                                          reason=reason.strip(), evidence=evidence.strip(), created_by=user)


@transaction.atomic
def remove_adjustment(*, user, adjustment: ScoreAdjustment):
    _check_office(user, adjustment.scheme.committee_id)
    adjustment.delete()


@transaction.atomic
def set_target_weights(*, user, scheme: ScoringScheme, weights: dict) -> int:
    """Set the weights ({target id: weight}) of the scheme's targets; weight 1 removes the row (1 is the
    default). Only targets of the committee's plans of the year; a negative weight writes nothing."""
    from .facts import scheme_plan_ids

    _check_office(user, scheme.committee_id)
    plan_ids = scheme_plan_ids({scheme.committee_id}, scheme.year).get(scheme.committee_id, [])
    allowed = set(Target.objects.filter(task__plan_id__in=plan_ids).values_list("id", flat=True))
    if set(weights) - allowed:
        raise ValidationError(_("只能为本残工委该年度计划中的目标设置权重。"))
    if any(Decimal(w) < 0 for w in weights.values()):
        raise ValidationError(_("权重不能为负数。"))
    existing = {w.target_id: w for w in TargetWeight.objects.filter(scheme=scheme)}
    changed = 0
    for target_id, weight in weights.items():
        row = existing.get(target_id)
        if weight == 1:
            if row is not None:
                row.delete()
                changed += 1
        elif row is None:
            TargetWeight.objects.create(scheme=scheme, target_id=target_id, weight=weight)
            changed += 1
        elif row.weight != weight:
            row.weight = weight
            row.save()
            changed += 1
    return changed
