"""承接: a lower committee derives its own plan from the plan handed down to it (下达的任务).

One step: the chosen tasks are copied with ``parent`` links (so the roll-up counts them up),
their sections with them; each target becomes the committee's allocated share (a target to be
reached everywhere keeps its value; one not split to the committee is kept 待确认 for the office to
decide); the lead and participating units are the committee's own, found through its
counterpart (对口) links. The new plan is a draft: the office then adds its own tasks and publishes.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from targets.models import Allocation, Target
from units.models import Committee
from units.selectors import access_for, counterpart_map

from .models import Assignment, PlanChange, Section, Task, WorkPlan
from .services import _record, _user_or_none


def handed_down_plans(committee: Committee):
    """The published plans of the committee directly above ``committee``: what it may derive from."""
    if committee.parent_id is None:
        return WorkPlan.objects.none()
    return (WorkPlan.objects.filter(committee_id=committee.parent_id, status=WorkPlan.Status.PUBLISHED)
            .select_related("committee").order_by("-period_start", "title"))


def derived_plan_of(parent_plan: WorkPlan, committee: Committee):
    return WorkPlan.objects.filter(parent=parent_plan, committee=committee).first()


def can_derive(user, parent_plan: WorkPlan, committee: Committee) -> bool:
    return (access_for(user).is_office_of(committee.pk) and committee.parent_id == parent_plan.committee_id
            and parent_plan.status == WorkPlan.Status.PUBLISHED)


@transaction.atomic
def derive_plan(*, parent_plan: WorkPlan, committee: Committee, user, task_ids, title: str = "") -> tuple:
    """Create ``committee``'s draft plan from the chosen tasks of ``parent_plan``.

    Returns ``(plan, notes)``: ``notes`` lists, in Chinese, what the office still has to do (units
    without a counterpart link, targets not split to the committee). Refused input writes nothing.
    """
    if not access_for(user).is_office_of(committee.pk):
        raise PermissionDenied(_("只有该残工委办公室可以承接上级计划。"))
    if committee.parent_id != parent_plan.committee_id:
        raise PermissionDenied(_("只能承接直接上级残工委下达的计划。"))
    parent_plan = WorkPlan.objects.select_for_update().get(pk=parent_plan.pk)
    if parent_plan.status != WorkPlan.Status.PUBLISHED:
        raise ValidationError(_("只能承接已发布的上级计划。"), code="not_published")
    if WorkPlan.objects.filter(parent=parent_plan, committee=committee).exists():
        raise ValidationError(_("本残工委已承接过该计划，请在已承接的计划中添加或修改任务。"), code="already_derived")
    try:
        wanted = {int(i) for i in task_ids}
    except (TypeError, ValueError):
        raise ValidationError(_("所选任务无效，请重新选择。")) from None
    if any(not 0 < i < 2**63 for i in wanted):
        raise ValidationError(_("所选任务无效，请重新选择。"))
    tasks = list(Task.objects.filter(plan=parent_plan, pk__in=wanted).select_related("section")
                 .prefetch_related("assignments", "targets").order_by("order", "pk"))
    if not wanted:
        raise ValidationError(_("请至少选择一项要承接的任务。"), code="no_tasks")
    if len(tasks) != len(wanted):
        raise ValidationError(_("所选任务不属于该上级计划。"), code="foreign_task")
    title = (title or "").strip() or _("%(committee)s%(years)s年%(kind)s") % {
        "committee": committee.name, "years": parent_plan.period_label, "kind": parent_plan.get_kind_display()}
    if len(title) > 200:
        raise ValidationError(_("计划标题请控制在200字以内。"))

    plan = WorkPlan.objects.create(
        committee=committee, title=title, kind=parent_plan.kind, period_start=parent_plan.period_start,
        period_end=parent_plan.period_end, status=WorkPlan.Status.DRAFT, parent=parent_plan,
        created_by=_user_or_none(user),
    )
    # the sections holding the chosen tasks, with their ancestors, in the parent plan's order
    needed = set()
    all_sections = {s.pk: s for s in Section.objects.filter(plan=parent_plan)}
    for task in tasks:
        node = all_sections.get(task.section_id)
        while node is not None and node.pk not in needed:
            needed.add(node.pk)
            node = all_sections.get(node.parent_id)
    copies = {}
    for order, section in enumerate(sorted((all_sections[i] for i in needed), key=lambda s: (s.order, s.pk)), 1):
        copies[section.pk] = Section.objects.create(
            plan=plan, parent=copies.get(section.parent_id), number=section.number, path=section.path,
            title=section.title, order=order)

    links = counterpart_map(committee)
    shares = dict(Allocation.objects.filter(committee=committee, target__task__in=tasks)
                  .values_list("target_id", "value"))
    notes, missing_units = [], {}
    new_tasks, assignments, targets = [], [], []
    for order, task in enumerate(tasks, start=1):
        new_tasks.append(Task(plan=plan, section=copies.get(task.section_id), ref=task.ref, text=task.text,
                              order=order, deadline=task.deadline, all_member_units=task.all_member_units,
                              parent=task))
    Task.objects.bulk_create(new_tasks)
    for task, copy in zip(tasks, new_tasks, strict=True):
        seen = set()
        for a in sorted(task.assignments.all(), key=lambda a: (a.role != Assignment.Role.LEAD, a.order)):
            unit = links.get(a.unit_id)
            if unit is None:
                missing_units.setdefault(a.unit_id, []).append(task.ref)
                continue
            if unit.pk in seen:
                continue
            seen.add(unit.pk)
            assignments.append(Assignment(task=copy, unit=unit, role=a.role, order=len(seen)))
        for target in task.targets.all():
            share = shares.get(target.pk)
            unsplit = share is None and not target.per_unit
            targets.append(Target(
                task=copy, indicator=target.indicator, measure_unit=target.measure_unit,
                comparator=target.comparator, quote=target.quote, order=target.order,
                value=share if share is not None else target.value, ambiguous=target.ambiguous or unsplit))
            if unsplit:
                notes.append(_("任务 %(ref)s 的目标“%(name)s”未分解到本级，已按上级目标值%(v)s%(u)s列为待确认，"
                               "请确认本级目标值。") % {"ref": task.ref, "name": target.indicator,
                                                  "v": target.display_value, "u": target.measure_unit})
    Assignment.objects.bulk_create(assignments)
    Target.objects.bulk_create(targets)
    if missing_units:
        names = dict(parent_plan.committee.units.filter(pk__in=list(missing_units)).values_list("pk", "short_name"))
        for unit_id, refs in missing_units.items():
            notes.insert(0, _("%(unit)s没有对口单位（任务 %(refs)s）：请在成员单位中设置对口单位，或在任务中指定本级单位。")
                         % {"unit": names.get(unit_id, unit_id), "refs": "、".join(refs)})
    _record(plan=plan, user=user, action=_("承接上级计划"), kind=PlanChange.Kind.PLAN, obj=plan, revision=False,
            changes=[{"field": "parent", "label": str(_("上级计划")), "before": "",
                      "after": f"{parent_plan.title}（{len(tasks)}项任务）"}])
    return plan, notes
