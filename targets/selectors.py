"""Reads for targets."""
from tasks.models import PlanChange


def revisions_for_plan(plan) -> dict:
    """The revisions (调整, changes made after publishing) of each target of ``plan``, oldest first.

    ``{target_id: [PlanChange, …]}`` in one query, for the plan page, the dashboard and the year-end
    files. Each change carries ``changes`` — ``[{"field", "label", "before", "after"}]`` —, ``reason``,
    ``user`` and ``created_at``; the first change's ``before`` is what the target was when published.
    A deleted target's revisions stay under its former id.
    """
    plan_id = getattr(plan, "pk", plan)
    result = {}
    rows = (PlanChange.objects.filter(plan_id=plan_id, object_kind=PlanChange.Kind.TARGET, is_revision=True)
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
