"""序时进度 checks on a report about to be submitted ("explain if red").

When a unit's figure leaves a target below 序时进度 (by more than the plan's tolerance), the
report must say why in 存在问题. The target's ratio is the roll-up's figure with this unit's
figure put in place of its previous one (a target split to units: the unit's figure against its
share; a per-unit target: against the whole value). Registered in ``reports.services`` by this
app's ``ready``.
"""
from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from reports.models import TargetValue
from targets.models import Allocation, Target

from . import rules
from .models import TargetRollup


def lagging_figures(report) -> list[dict]:
    """[{target, ratio, expected}] for each of the report's figures that leaves its target lagging."""
    plan = report.task.plan
    period_end = report.round.period_end
    start, end = rules.plan_period(plan.period_start, plan.period_end)
    values = {tv.target_id: tv.value for tv in TargetValue.objects.filter(report=report).select_related("target")}
    if not values:
        return []
    targets = {t.pk: t for t in Target.objects.filter(pk__in=values, ambiguous=False)}
    shares = dict(Allocation.objects.filter(target_id__in=values, unit_id=report.unit_id)
                  .values_list("target_id", "value"))
    stored = {r.target_id: r for r in TargetRollup.objects.filter(target_id__in=values, year=period_end.year)
              .only("target_id", "contributors")}
    found = []
    for target_id, value in values.items():
        target = targets.get(target_id)
        if target is None or target.comparator == Target.Comparator.AT_MOST:
            continue
        if target_id in shares:
            whole, reached = shares[target_id], value
        elif target.per_unit:
            whole, reached = target.value, value
        else:
            others = Decimal(0)
            rollup = stored.get(target_id)
            for kind, ident, figure, _share, _as_of, counted in (rollup.contributors if rollup else []):
                if kind == "u" and ident != report.unit_id and counted and figure is not None:
                    others += Decimal(figure)
            whole, reached = target.value, others + value
        ratio = reached / whole if whole else rules.ONE
        percent = target.measure_unit.strip() == rules.PERCENT
        expected = rules.ONE if percent else rules.expected_share(
            start, end, period_end, rules.clean_weights(target.pace_weights))
        if rules.is_lagging(ratio, expected, plan.pace_tolerance or Decimal(0)):
            found.append({"target": target, "ratio": ratio, "expected": expected})
    return found


def _percent(ratio):
    text = f"{(Decimal(ratio) * 100).quantize(Decimal('0.1'))}%"
    return text.replace(".0%", "%")


def explanation_messages(report) -> list[str]:
    """One Chinese message per lagging figure, for the submit validation."""
    return [
        _("“%(indicator)s”完成率 %(ratio)s，低于序时进度 %(expected)s。") % {
            "indicator": row["target"].indicator, "ratio": _percent(row["ratio"]),
            "expected": _percent(row["expected"])}
        for row in lagging_figures(report)
    ]
