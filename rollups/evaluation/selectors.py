"""Reads of the five-year plan evaluation: the yearly value of each indicator and the evaluation itself.

A year's value of an indicator is the value the office entered for that year (with its source) when
there is one; otherwise the roll-up of the annual targets linked to it (``TargetRollup.reached`` of the
linked targets of that year's annual plans: summed, or for a percentage the highest), source "汇总".
Who may read: ``targets.selectors.indicator_plans_for`` (office, leaders, API clients of the plan's
committee or above); others get 404.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Max, Sum
from django.http import Http404

from targets.models import IndicatorValue, PlanIndicator
from targets.selectors import indicator_plans_for

from ..models import TargetRollup
from . import rules

ROLLUP_SOURCE = "年度计划目标汇总"


def get_plan(user, pk):
    plan = indicator_plans_for(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if plan is None:
        raise Http404("五年规划不存在或无权查看")
    return plan


def terms_of(indicator: PlanIndicator) -> rules.IndicatorTerms:
    return rules.IndicatorTerms(
        key=indicator.pk, name=indicator.name, measure_unit=indicator.measure_unit, baseline=indicator.baseline,
        target=indicator.target_value, kind=indicator.kind, direction=indicator.direction,
        cumulative=indicator.cumulative, weight=indicator.weight)


def yearly_values(plan, indicators, *, until=None) -> dict:
    """``{indicator id: {year: (value, source)}}`` for the years of the plan up to ``until``."""
    return _values(indicators, plan.period_start, until or plan.period_end)


def _values(indicators, start, until) -> dict:
    """Three queries whatever the number of indicators (and of plans they belong to)."""
    ids = [i.pk for i in indicators]
    percent = {i.pk for i in indicators if "%" in (i.measure_unit or "")}
    values = defaultdict(dict)
    rows = (TargetRollup.objects
            .filter(target__plan_indicator_id__in=ids, year__gte=start, year__lte=until, as_of__isnull=False)
            .values("target__plan_indicator_id", "year").order_by()
            .annotate(total=Sum("reached"), highest=Max("reached"))
            .values_list("target__plan_indicator_id", "year", "total", "highest"))
    for indicator_id, year, total, highest in rows:
        value = highest if indicator_id in percent else total
        values[indicator_id][year] = (Decimal(value), ROLLUP_SOURCE)
    for indicator_id, year, value, source in (IndicatorValue.objects
                                              .filter(indicator_id__in=ids, year__gte=start, year__lte=until)
                                              .values_list("indicator_id", "year", "value", "source")):
        values[indicator_id][year] = (value, source)
    return values


def evaluation_years(plan):
    """The evaluations a plan has: mid-term (the middle year, 2023 of 2021–2025) and final (the last year)."""
    middle = plan.period_start + (plan.period_end - plan.period_start) // 2
    return [middle, plan.period_end] if middle != plan.period_end else [plan.period_end]


def evaluate_plan(plan, year, *, indicators=None) -> rules.Evaluation:
    """The evaluation of ``plan`` at the end of ``year`` (no permission check: callers have one)."""
    if not plan.period_start <= year <= plan.period_end:
        raise ValueError("评估年度须在规划期内")
    indicators = list(indicators if indicators is not None else
                      plan.indicators.select_related("responsible_unit").order_by("number", "id"))
    values = yearly_values(plan, indicators, until=year)
    ev = rules.evaluate([terms_of(i) for i in indicators], values, start=plan.period_start, end=plan.period_end,
                        year=year)
    by_id = {i.pk: i for i in indicators}
    for outcome in ev.outcomes:
        outcome.indicator = by_id[outcome.terms.key]
    return ev


def evaluate_plans(plans, year) -> dict:
    """``{plan id: Evaluation}`` for many plans at once (three queries in all; no permission check)."""
    plans = [p for p in plans if p.period_start <= year <= p.period_end]
    indicators = list(PlanIndicator.objects.filter(plan__in=plans).select_related("responsible_unit")
                      .order_by("plan_id", "number", "id"))
    if not plans:
        return {}
    values = _values(indicators, min(p.period_start for p in plans), year)
    by_plan = defaultdict(list)
    for i in indicators:
        by_plan[i.plan_id].append(i)
    out = {}
    for plan in plans:
        mine = by_plan.get(plan.pk, [])
        ev = rules.evaluate([terms_of(i) for i in mine], {i.pk: {y: v for y, v in values.get(i.pk, {}).items()
                                                               if y >= plan.period_start} for i in mine},
                            start=plan.period_start, end=plan.period_end, year=year)
        for outcome, indicator in zip(ev.outcomes, mine, strict=True):
            outcome.indicator = indicator
        out[plan.pk] = ev
    return out


def evaluation_for(user, pk, year):
    plan = get_plan(user, pk)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise Http404("评估年度不正确") from None
    if not plan.period_start <= year <= plan.period_end:
        raise Http404("评估年度须在规划期内")
    return plan, evaluate_plan(plan, year)
