"""Reads for targets."""
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


def revision_text(changes) -> str:
    """One line saying how a target was revised: "调整：目标值 5000 → 5600（2026-11-30，原因：…）；…"."""
    parts = []
    for change in changes:
        fields = "，".join(f"{item.get('label') or item['field']} {item['before']} → {item['after']}"
                          for item in change.changes)
        when = change.created_at.date().isoformat() if change.created_at else ""
        parts.append(f"{fields}（{when}，原因：{change.reason}）" if change.reason else f"{fields}（{when}）")
    return "调整：" + "；".join(parts) if parts else ""
