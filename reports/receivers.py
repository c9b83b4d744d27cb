"""Reacting to member-unit management: after 机构改革 the successor takes over what is still open."""
from django.dispatch import receiver
from django.utils.translation import gettext as _

from tasks.models import Assignment, PlanChange, WorkPlan
from tasks.services import _user_or_none
from units.signals import unit_reformed

from .models import ProgressReport


@receiver(unit_reformed, dispatch_uid="reports.unit_reformed")
def move_open_work_to_successor(sender, *, unit, successor, effective_on, user=None, **kwargs):
    """Open report slots (open rounds, not yet accepted) and the assignments of running plans move to the
    successor; accepted reports, closed rounds and closed plans stay under the old name. A slot the
    successor already has for the same task and round stays with the old unit (both are shown)."""
    taken = set(ProgressReport.objects.filter(unit=successor, round__closed=False).values_list("round_id", "task_id"))
    for report in (ProgressReport.objects.filter(unit=unit, round__closed=False)
                   .exclude(status=ProgressReport.Status.ACCEPTED).select_for_update()):
        if (report.round_id, report.task_id) in taken:
            continue
        report.unit = successor
        report._change_reason = _("机构改革：%(old)s并入%(new)s") % {"old": unit.short_name, "new": successor.short_name}
        report.save(update_fields=["unit", "updated_at"])
    running = (WorkPlan.Status.DRAFT, WorkPlan.Status.PUBLISHED)
    moved_plans = {}
    for a in Assignment.objects.filter(unit=unit, task__plan__status__in=running).select_related("task__plan"):
        if Assignment.objects.filter(task_id=a.task_id, unit=successor).exists():
            a.delete()
        else:
            a.unit = successor
            a.save(update_fields=["unit"])
        moved_plans.setdefault(a.task.plan_id, (a.task.plan, []))[1].append(a.task.ref)
    for plan, refs in moved_plans.values():
        PlanChange.objects.create(
            plan=plan, action=_("机构改革"), object_kind=PlanChange.Kind.ASSIGNMENT, object_label=unit.short_name,
            changes=[{"field": "unit", "label": str(_("责任单位")), "before": unit.short_name,
                      "after": successor.short_name}],
            reason=_("机构改革，%(date)s起由%(new)s承担（任务 %(refs)s）") % {
                "date": effective_on.isoformat(), "new": successor.short_name, "refs": "、".join(refs)},
            is_revision=plan.status == WorkPlan.Status.PUBLISHED,
            user=_user_or_none(user),
        )
