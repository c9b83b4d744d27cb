"""Reads for targets."""
from django.db import models

from tasks.models import PlanChange


def revisions_for_plan(plan) -> dict:
    """The revisions (调整, changes made after publishing) of each target of ``plan``, oldest first.

    ``{target_id: [PlanChange, …]}`` in one query, for the plan page, the dashboard and the year-end
    files. Each change carries ``changes`` — ``[{"field", "label", "before", "after"}]`` —, ``reason``,
    ``user`` and ``created_at``; the first change's ``before`` is what the target was when published.
    A deleted target's revisions stay under its former id.
    """
    return revisions_for_plans([getattr(plan, "pk", plan)])


def revisions_for_plans(plan_ids) -> dict:
    """``revisions_for_plan`` for several plans at once (a plan and its lower plans), one query."""
    result = {}
    rows = (PlanChange.objects.filter(plan_id__in=list(plan_ids), object_kind=PlanChange.Kind.TARGET,
                                      is_revision=True)
            .select_related("user").order_by("created_at", "id"))
    for change in rows:
        result.setdefault(change.object_id, []).append(change)
    return result


def revised_from(changes) -> dict:
    """What a revised target was before its first revision: ``{field: value as published}``."""
    first = {}
    for change in changes:
        for item in change.changes:
            first.setdefault(item["field"], item["before"])
    return first


# ---------------------------------------------------------------- five-year plan indicators

def _wide(user):
    from units.selectors import access_for

    return access_for(user)


def indicator_plans_for(user):
    """Multi-year plans whose indicators ``user`` may read: the office, leaders and API clients of the
    plan's committee or a committee above it (``access_for``'s wide committees); nobody else."""
    from tasks.models import WorkPlan

    access = _wide(user)
    qs = WorkPlan.objects.filter(period_end__gt=models.F("period_start")).select_related("committee")
    return qs if access.is_superuser else qs.filter(committee_id__in=access.wide_committee_ids)


def indicators_for(user):
    from .models import PlanIndicator

    access = _wide(user)
    qs = PlanIndicator.objects.select_related("plan", "responsible_unit")
    return qs if access.is_superuser else qs.filter(plan__committee_id__in=access.wide_committee_ids)


def indicator_values_for(user):
    from .models import IndicatorValue

    access = _wide(user)
    qs = IndicatorValue.objects.select_related("indicator", "entered_by")
    return qs if access.is_superuser else qs.filter(indicator__plan__committee_id__in=access.wide_committee_ids)


def can_manage_indicators(user, plan) -> bool:
    return _wide(user).is_office_of(plan.committee_id)


def annual_plans_of(plan):
    """The committee's annual plans inside a five-year plan's period (the plans whose targets link to it)."""
    from tasks.models import WorkPlan

    return (WorkPlan.objects.filter(committee_id=plan.committee_id, period_start=models.F("period_end"),
                                    period_start__gte=plan.period_start, period_end__lte=plan.period_end)
            .exclude(status="draft").order_by("period_start", "id"))


def value_history(indicator):
    """Every saved version of the indicator's yearly values, newest first."""
    return indicator.values.model.history.filter(indicator_id=indicator.pk).select_related("history_user") \
        .order_by("-history_date")
def revision_text(changes) -> str:
    """One line saying how a target was revised: "调整：目标值 5000 → 5600（2026-11-30，原因：…）；…"."""
    parts = []
    for change in changes:
        fields = "，".join(f"{item.get('label') or item['field']} {item['before']} → {item['after']}"
                          for item in change.changes)
        when = change.created_at.date().isoformat() if change.created_at else ""
        parts.append(f"{fields}（{when}，原因：{change.reason}）" if change.reason else f"{fields}（{when}）")
    return "调整：" + "；".join(parts) if parts else ""
