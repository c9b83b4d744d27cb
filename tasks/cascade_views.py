"""分解下达 on the web: a target's shares (the plan's office), the plans handed down to a lower committee
and deriving its plan from one of them (承接, the lower office). Thin: ``targets.services.set_allocations``
and ``tasks.cascade.derive_plan`` decide and write."""
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from targets.models import Allocation, Target
from targets.services import set_allocations
from units.models import Committee
from units.selectors import active_units, can_manage_plan, counterpart_map

from . import cascade, selectors
from .models import Task, WorkPlan


def _figure(value):
    return format(value.normalize(), "f") if isinstance(value, Decimal) else (value or "")


@login_required
def target_allocate(request, pk):
    target = get_object_or_404(Target.objects.select_related("task__plan__committee"), pk=pk)
    plan = selectors.get_plan(request.user, target.task.plan_id)  # 404 when the user cannot read it
    if not can_manage_plan(request.user, plan):
        raise PermissionDenied(_("只有该残工委办公室可以分解目标。"))
    committees = list(Committee.objects.filter(parent_id=plan.committee_id).order_by("code"))
    units = list(active_units(plan.committee_id))
    current = {(a.unit_id and f"unit-{a.unit_id}") or f"committee-{a.committee_id}": a.value
               for a in Allocation.objects.filter(target=target)}
    errors, values = [], {}
    note, reason = target.allocation_note, ""
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in
                  [f"committee-{c.pk}" for c in committees] + [f"unit-{u.pk}" for u in units]}
        note, reason = request.POST.get("note", ""), request.POST.get("reason", "")
        try:
            set_allocations(
                target=target, user=request.user, note=note, reason=reason,
                committees=[(c, values[f"committee-{c.pk}"]) for c in committees if values[f"committee-{c.pk}"]],
                units=[(u, values[f"unit-{u.pk}"]) for u in units if values[f"unit-{u.pk}"]],
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("已保存目标“%(name)s”的分解。") % {"name": target.indicator})
            return redirect("target-allocate", pk=target.pk)
    else:
        values = {k: _figure(v) for k, v in current.items()}
    rows = {
        "committees": [(c, f"committee-{c.pk}", values.get(f"committee-{c.pk}", "")) for c in committees],
        "units": [(u, f"unit-{u.pk}", values.get(f"unit-{u.pk}", "")) for u in units],
    }
    return render(request, "tasks/target_allocate.html", {
        "target": target, "task": target.task, "plan": plan, "rows": rows, "errors": errors, "note": note,
        "reason": reason, "published": plan.status == WorkPlan.Status.PUBLISHED,
    }, status=400 if errors else 200)


def _lower_office_committees(user):
    return selectors.office_committees(user).filter(parent__isnull=False).select_related("parent").order_by("code")


@login_required
def handed_down(request):
    """下达的任务: for each committee the user is the office of, the published plans of the committee above."""
    blocks = []
    for committee in _lower_office_committees(request.user):
        plans = list(cascade.handed_down_plans(committee))
        derived = dict(WorkPlan.objects.filter(committee=committee, parent__in=plans).values_list("parent_id", "pk"))
        blocks.append((committee, [(p, derived.get(p.pk)) for p in plans]))
    if not blocks:
        raise PermissionDenied(_("只有下级残工委办公室可以查看上级下达的任务。"))
    return render(request, "tasks/handed_down.html", {"blocks": blocks})


@login_required
def plan_derive(request, pk, committee_pk):
    committee = get_object_or_404(_lower_office_committees(request.user), pk=committee_pk)
    plan = cascade.handed_down_plans(committee).filter(pk=pk).first()
    if plan is None:
        raise Http404(_("没有找到上级下达的该计划。"))
    existing = cascade.derived_plan_of(plan, committee)
    tasks = list(Task.objects.filter(plan=plan).with_units().select_related("section")
                 .prefetch_related("targets").order_by("order", "pk"))
    links = counterpart_map(committee)
    shares = dict(Allocation.objects.filter(committee=committee, target__task__plan=plan)
                  .values_list("target_id", "value"))
    errors = []
    chosen = {t.pk for t in tasks}
    title = ""
    if request.method == "POST" and existing is None:
        chosen = {int(i) for i in request.POST.getlist("tasks") if i.isascii() and i.isdigit() and len(i) <= 18}
        title = request.POST.get("title", "")
        try:
            new_plan, notes = cascade.derive_plan(parent_plan=plan, committee=committee, user=request.user,
                                                  task_ids=chosen, title=title)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("已承接%(n)s项任务，生成草稿“%(t)s”。请核对后添加本级任务并发布。") % {
                "n": new_plan.tasks.count(), "t": new_plan.title})
            for note in notes:
                messages.warning(request, note)
            return redirect("plan-edit", pk=new_plan.pk)
    rows = []
    for task in tasks:
        rows.append({
            "task": task, "checked": task.pk in chosen,
            "lead": [(u, links.get(u.pk)) for u in task.lead_units],
            "participating": [(u, links.get(u.pk)) for u in task.participating_units],
            "targets": [(t, shares.get(t.pk)) for t in task.targets.all()],
        })
    return render(request, "tasks/plan_derive.html", {
        "plan": plan, "committee": committee, "rows": rows, "errors": errors, "existing": existing,
        "title": title or _("%(committee)s%(years)s年%(kind)s") % {
            "committee": committee.name, "years": plan.period_label, "kind": plan.get_kind_display()},
    }, status=400 if errors else 200)
