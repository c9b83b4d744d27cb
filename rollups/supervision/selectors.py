"""Reads of 督办 and 批示: who sees which items and instructions, the ladder in force, the 批示 a
report must answer."""
from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from reports.models import ProgressReport
from tasks.models import Assignment
from units.models import UnitRole
from units.selectors import access_for

from ..models import Bulletin, EscalationStep, Instruction, InstructionAnswer, SupervisionItem
from . import rules

Role = UnitRole.Role


def step_rule(row: EscalationStep) -> rules.StepRule:
    notify = {name for name, on in ((rules.REPORTERS, row.notify_reporters), (rules.APPROVERS, row.notify_approvers),
                                    (rules.OFFICE, row.notify_office), (rules.LEADERS, row.notify_leaders)) if on}
    return rules.StepRule(row.level, row.name, row.overdue_days, row.lagging_days, frozenset(notify), row.enabled)


def ladders(committee_ids) -> dict:
    """{committee id: (StepRule, …)}: the office's steps, or ``rules.DEFAULT_STEPS`` when it set none."""
    found = {}
    for row in EscalationStep.objects.filter(committee_id__in=set(committee_ids)).order_by("level"):
        found.setdefault(row.committee_id, []).append(step_rule(row))
    return {c: tuple(found.get(c, ())) or rules.DEFAULT_STEPS for c in set(committee_ids)}


def ladder(committee_id) -> tuple:
    return ladders([committee_id])[committee_id]


def _unit_roles(access):
    return access.units_with(Role.REPORTER, Role.APPROVER)


def visible_items(user):
    """The 督办事项 ``user`` may read: every item of the committees they read wholly (office, leaders,
    API clients of the subtree), and their own units' items (reporters, approvers)."""
    access = access_for(user)
    qs = SupervisionItem.objects.all()
    if access.is_superuser:
        return qs
    return qs.filter(Q(committee_id__in=access.wide_committee_ids) | Q(unit_id__in=_unit_roles(access)))


def get_item(user, pk):
    item = (visible_items(user).select_related("committee", "plan", "round", "task", "unit", "closed_by", "report")
            .filter(pk=pk).first())
    if item is None:
        raise Http404
    return item


def item_list(qs):
    return qs.select_related("plan", "round", "task", "unit").order_by("status", "-level", "since", "id")


def visible_instructions(user):
    """批示 of the committees ``user`` reads wholly, and those concerning their own units."""
    access = access_for(user)
    qs = Instruction.objects.all()
    if access.is_superuser:
        return qs
    mine = _unit_roles(access)
    assigned = Assignment.objects.filter(task_id=OuterRef("task_id"), unit_id__in=mine)
    return qs.filter(Q(committee_id__in=access.wide_committee_ids) | Q(unit_id__in=mine)
                     | (Q(unit__isnull=True) & Exists(assigned)))


def instruction_list(qs):
    return (qs.select_related("plan", "task", "unit", "author")
            .prefetch_related("answers__unit", "answers__report__round", "answers__answered_by")
            .order_by("-created_at", "-id"))


def may_instruct(user, committee_id) -> bool:
    """Leaders and the office of the committee write 批示 (people only: API clients do not)."""
    access = access_for(user)
    if getattr(user, "_luoshi_api_client", None) is not None or not getattr(user, "is_authenticated", False):
        return False
    return access.is_office_of(committee_id) or committee_id in access.committees_with(Role.LEADER)


def instructions_for_report(report) -> list:
    """The 批示 concerning ``report`` (its unit, on its task), written before now, each with
    ``answer``: the unit's answer (None while unanswered)."""
    plan_id = report.round.plan_id if hasattr(report, "round") else report.round_id
    assigned = set(Assignment.objects.filter(task_id=report.task_id).values_list("unit_id", flat=True))
    candidates = (Instruction.objects.filter(plan_id=plan_id)
                  .filter(Q(task_id=report.task_id) | Q(task__isnull=True))
                  .filter(Q(unit_id=report.unit_id) | Q(unit__isnull=True))
                  .select_related("author", "task", "unit").order_by("created_at", "id"))
    found = [i for i in candidates if rules.concerns(
        instruction_task=i.task_id, instruction_unit=i.unit_id, task=report.task_id, unit=report.unit_id,
        assigned_units=assigned)]
    answers = {a.instruction_id: a for a in InstructionAnswer.objects.filter(
        instruction__in=[i.pk for i in found], unit_id=report.unit_id).select_related("report__round")}
    for instruction in found:
        instruction.answer = answers.get(instruction.pk)
    return found


def unanswered_for_report(report) -> list:
    return [i for i in instructions_for_report(report) if i.answer is None]


def visible_bulletins(user):
    """调度通报 ``user`` may read: their committees' published ones, and the drafts of the committees
    whose office they are."""
    access = access_for(user)
    qs = Bulletin.objects.select_related("round__plan")
    if access.is_superuser:
        return qs
    readable = Q(round__plan__committee_id__in=access.readable_committee_ids)
    office = Q(round__plan__committee_id__in=access.committees_with(Role.OFFICE, Role.ADMIN))
    return qs.filter(readable & (Q(status=Bulletin.Status.PUBLISHED) | office))


def report_of(item):
    """The report slot of an overdue item (the current one, even if re-created)."""
    if item.reason != SupervisionItem.Reason.OVERDUE:
        return None
    return ProgressReport.objects.filter(round_id=item.round_id, task_id=item.task_id, unit_id=item.unit_id).first()
