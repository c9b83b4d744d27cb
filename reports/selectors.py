"""Reads for rounds and reports, filtered by what the user may see."""
from django.db.models import Prefetch, Q

from tasks.models import Assignment
from units.selectors import access_for

from .models import ProgressReport, TargetValue


def visible_reports(user):
    """Reports the user may read.

    Office staff and leaders read every report of their committees and of the lower
    committees; reporters and approvers read their own units' reports and — where their
    unit leads a task — the participating units' reports on that task.
    """
    access = access_for(user)
    qs = ProgressReport.objects.select_related("round", "task", "unit")
    if access.is_superuser:
        return qs
    own_units = access.all_unit_ids
    led_tasks = Assignment.objects.filter(unit_id__in=own_units, role=Assignment.Role.LEAD).values("task_id")
    return qs.filter(
        Q(task__plan__committee_id__in=access.wide_committee_ids) | Q(unit_id__in=own_units) | Q(task_id__in=led_tasks)
    )


def reports_for_task(user, task):
    """The task's non-draft reports the user may read, newest round first, with their figures."""
    return (
        visible_reports(user)
        .filter(task=task)
        .exclude(status=ProgressReport.Status.DRAFT)
        .prefetch_related(Prefetch("values", queryset=TargetValue.objects.select_related("target")))
        .order_by("-round__period_end", "unit__order")
    )
