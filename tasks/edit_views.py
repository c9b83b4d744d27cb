"""The office's plan editor: the plan page, the per-task page, the history, publish/revise/close.

Views only parse the request and render; who may do what is decided by
``units.selectors.can_manage_plan`` and every write is a ``tasks.services`` call. Each form
posts to its page; with htmx the page's editor region is swapped in place (focus stays on
the control that was used), without JavaScript the page is reloaded (post/redirect/get).
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from units.selectors import can_manage_plan, unit_name_index

from . import selectors, services
from .forms import (
    NewPlanForm,
    NewSectionForm,
    PlanEditForm,
    ReasonForm,
    SectionForm,
    TargetForm,
    TaskEditForm,
    TaskUnitsForm,
)
from .models import Section, Task, WorkPlan


def _is_htmx(request):
    return request.headers.get("HX-Request") == "true"


def _managed_plan(request, pk):
    plan = selectors.get_plan(request.user, pk)  # 404 when the user cannot even read it
    if not can_manage_plan(request.user, plan):
        raise PermissionDenied(_("只有该残工委办公室可以编辑工作计划。"))
    return plan


def _target_initial(target):
    initial = {k: getattr(target, k) for k in services.TARGET_FIELDS}
    for name in ("value", "baseline"):  # 5600, not 5600.0000
        if initial[name] is not None:
            initial[name] = format(initial[name].normalize(), "f")
    return initial


def _int(value):
    return int(value) if str(value).isdigit() else -1


def _run(form, call):
    """Validate the form, then call the service; the service's refusals land on the form. True if done."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    return True


def _done(request, notice, url, render_page):
    if _is_htmx(request):
        return render_page(notice=notice)
    messages.success(request, notice)
    return redirect(url)


# ---------------------------------------------------------------- the plan editor

@login_required
def plan_new(request):
    """Type a plan from scratch: an empty draft, then the editor."""
    committees = selectors.office_committees(request.user)
    if not committees.exists():
        raise PermissionDenied(_("只有残工委办公室可以新建工作计划。"))
    form = NewPlanForm(request.POST or None, committees=committees,
                       initial={"period_start": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已新建草稿，请添加章节和任务。"))
            return redirect("plan-edit", pk=plan.pk)
    return render(request, "tasks/plan_new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def plan_edit(request, pk):
    plan = _managed_plan(request, pk)
    user = request.user
    sections = list(Section.objects.filter(plan=plan).order_by("order"))
    section_by_id = {s.pk: s for s in sections}
    data = request.POST if request.method == "POST" else None
    kind, _sep, arg = (data.get("action", "") if data else "").partition(":")

    def render_page(notice="", action_errors=(), forms=None, status=200):
        forms = forms or {}
        if request.method == "POST":  # something may have changed: read it again
            fresh = WorkPlan.objects.select_related("committee").get(pk=plan.pk)
            secs = list(Section.objects.filter(plan=fresh).order_by("order"))
        else:
            fresh, secs = plan, sections
        outline, checks = selectors.plan_editor_rows(fresh, secs)
        context = {
            "plan": fresh, "outline": outline, "sections": secs, "notice": notice,
            "action_errors": action_errors, "editable": fresh.status in (WorkPlan.Status.DRAFT, WorkPlan.Status.PUBLISHED),
            "draft": fresh.status == WorkPlan.Status.DRAFT,
            "plan_form": forms.get("plan") or PlanEditForm(
                plan=fresh, prefix="plan", initial={f: getattr(fresh, f) for f in services.PLAN_FIELDS}),
            "new_section_form": forms.get("newsection") or NewSectionForm(plan=fresh, prefix="newsection", sections=secs),
            "section_forms": [
                (s, forms.get(f"section-{s.pk}") or SectionForm(
                    plan=fresh, prefix=f"section-{s.pk}", initial={"number": s.number, "title": s.title}))
                for s in secs
            ],
            "new_task_form": forms.get("newtask") or TaskEditForm(plan=fresh, prefix="newtask", sections=secs),
            "close_form": forms.get("close") or ReasonForm(plan=fresh, prefix="close"),
            "problems": services.publish_problems(fresh, checks) if fresh.status == WorkPlan.Status.DRAFT else [],
            "changes": selectors.plan_changes(fresh, limit=10),
        }
        return render(request, "tasks/plan_edit.html", context, status=status)

    if data is None:
        return render_page()

    here = reverse("plan-edit", args=[plan.pk])
    try:
        if kind == "plan":
            f = PlanEditForm(data, plan=plan, prefix="plan")
            if _run(f, lambda d: services.update_plan(
                    plan=plan, user=user, reason=f.reason, **{k: d[k] for k in services.PLAN_FIELDS})):
                return _done(request, _("已保存计划信息。"), here, render_page)
            return render_page(forms={"plan": f}, status=400)
        if kind == "newsection":
            f = NewSectionForm(data, plan=plan, prefix="newsection", sections=sections)
            if _run(f, lambda d: services.add_section(
                    plan=plan, user=user, number=d["number"], title=d["title"],
                    parent=section_by_id.get(d["parent"]), reason=f.reason)):
                return _done(request, _("已添加章节。"), here, render_page)
            return render_page(forms={"newsection": f}, status=400)
        if kind == "section":
            section = get_object_or_404(Section, pk=_int(arg), plan=plan)
            f = SectionForm(data, plan=plan, prefix=f"section-{section.pk}")
            if _run(f, lambda d: services.rename_section(
                    section=section, user=user, number=d["number"], title=d["title"], reason=f.reason)):
                return _done(request, _("已保存章节“%(s)s”。") % {"s": f.cleaned_data["title"]}, here, render_page)
            return render_page(forms={f"section-{section.pk}": f}, status=400)
        if kind in ("section-up", "section-down"):
            section = get_object_or_404(Section, pk=_int(arg), plan=plan)
            services.move_section(section=section, user=user, direction=kind.rsplit("-", 1)[1],
                                  reason=data.get("reason", ""))
            return _done(request, _("已移动章节“%(s)s”。") % {"s": section.title}, here, render_page)
        if kind == "newtask":
            f = TaskEditForm(data, plan=plan, prefix="newtask", sections=sections)
            if _run(f, lambda d: services.add_task(
                    plan=plan, user=user, ref=d["ref"], text=d["text"], deadline=d["deadline"],
                    section=section_by_id.get(d["section"]), reason=f.reason)):
                return _done(request, _("已添加任务 %(ref)s。") % {"ref": f.cleaned_data["ref"]}, here, render_page)
            return render_page(forms={"newtask": f}, status=400)
        if kind in ("task-up", "task-down"):
            task = get_object_or_404(Task, pk=_int(arg), plan=plan)
            services.move_task(task=task, user=user, direction=kind.rsplit("-", 1)[1], reason=data.get("reason", ""))
            return _done(request, _("已移动任务 %(ref)s。") % {"ref": task.ref}, here, render_page)
        if kind == "publish":
            services.publish_plan(plan=plan, user=user)
            return _done(request, _("计划已发布，可以开始填报。"), here, render_page)
        if kind == "close":
            f = ReasonForm(data, plan=plan, prefix="close")
            if _run(f, lambda d: services.close_plan(plan=plan, user=user, reason=f.reason)):
                return _done(request, _("计划已结束。"), here, render_page)
            return render_page(forms={"close": f}, status=400)
        if kind == "archive":
            services.archive_plan(plan=plan, user=user)
            return _done(request, _("计划已归档。"), here, render_page)
        if kind == "delete":
            title = plan.title
            services.delete_plan(plan=plan, user=user)
            messages.success(request, _("已删除草稿“%(t)s”。") % {"t": title})
            if _is_htmx(request):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = reverse("home")
                return response
            return redirect("home")
    except ValidationError as exc:
        return render_page(action_errors=exc.messages, status=400)
    return render_page(action_errors=[_("无法识别的操作，请刷新页面后重试。")], status=400)


# ---------------------------------------------------------------- the task editor

@login_required
def task_edit(request, pk):
    task = get_object_or_404(Task.objects.select_related("plan"), pk=pk)
    plan = _managed_plan(request, task.plan_id)
    user = request.user
    sections = list(Section.objects.filter(plan=plan).order_by("order"))
    section_by_id = {s.pk: s for s in sections}
    index = unit_name_index(plan.committee) if request.method == "POST" else {}

    def render_page(notice="", action_errors=(), forms=None, status=200):
        forms = forms or {}
        fresh = selectors.get_task(user, task.pk)
        fresh_plan = fresh.plan
        targets = list(fresh.targets.all())
        changes = selectors.task_changes(fresh, targets)
        revisions = selectors.task_revisions(changes)
        order = selectors.task_neighbours(fresh)
        context = {
            "task": fresh, "plan": fresh_plan, "notice": notice, "action_errors": action_errors,
            "editable": fresh_plan.status in (WorkPlan.Status.DRAFT, WorkPlan.Status.PUBLISHED),
            "task_form": forms.get("task") or TaskEditForm(
                plan=fresh_plan, prefix="task", sections=sections,
                initial={"ref": fresh.ref, "text": fresh.text, "deadline": fresh.deadline, "section": fresh.section_id}),
            "units_form": forms.get("units") or TaskUnitsForm(
                plan=fresh_plan, prefix="units", name_index=index, initial={
                    "lead": "、".join(u.short_name for u in fresh.lead_units),
                    "participating": "、".join(u.short_name for u in fresh.participating_units),
                    "all_member_units": fresh.all_member_units}),
            "target_forms": [
                (t, forms.get(f"target-{t.pk}") or TargetForm(
                    plan=fresh_plan, prefix=f"target-{t.pk}",
                    initial=_target_initial(t)), revisions.get(t.pk, []))
                for t in targets
            ],
            "new_target_form": forms.get("newtarget") or TargetForm(
                plan=fresh_plan, prefix="newtarget", initial={"comparator": ">="}),
            "reason_form": forms.get("op") or ReasonForm(plan=fresh_plan, prefix="op"),
            "unit_names": [u.short_name for u in selectors.plan_units(fresh_plan)],
            "previous": order[0], "next": order[1],
            "changes": changes,
        }
        return render(request, "tasks/task_edit.html", context, status=status)

    if request.method != "POST":
        return render_page()
    data = request.POST
    kind, _sep, arg = data.get("action", "").partition(":")
    here = reverse("task-edit", args=[task.pk])
    try:
        if kind == "task":
            f = TaskEditForm(data, plan=plan, prefix="task", sections=sections)
            if _run(f, lambda d: services.update_task(
                    task=task, user=user, reason=f.reason, ref=d["ref"], text=d["text"], deadline=d["deadline"],
                    section=section_by_id.get(d["section"]))):
                return _done(request, _("已保存任务内容。"), here, render_page)
            return render_page(forms={"task": f}, status=400)
        if kind == "units":
            f = TaskUnitsForm(data, plan=plan, prefix="units", name_index=index)
            if _run(f, lambda d: services.set_task_units(
                    task=task, user=user, lead=d["lead"], participating=d["participating"],
                    all_member_units=d["all_member_units"], reason=f.reason)):
                return _done(request, _("已保存责任单位。"), here, render_page)
            return render_page(forms={"units": f}, status=400)
        if kind == "target":
            target = get_object_or_404(task.targets, pk=_int(arg))
            f = TargetForm(data, plan=plan, prefix=f"target-{target.pk}")
            if _run(f, lambda d: services.update_target(target=target, user=user, reason=f.reason, **f.values())):
                return _done(request, _("已保存目标“%(name)s”。") % {"name": f.cleaned_data["indicator"]}, here,
                             render_page)
            return render_page(forms={f"target-{target.pk}": f}, status=400)
        if kind == "newtarget":
            f = TargetForm(data, plan=plan, prefix="newtarget")
            if _run(f, lambda d: services.add_target(task=task, user=user, reason=f.reason, **f.values())):
                return _done(request, _("已添加目标“%(name)s”。") % {"name": f.cleaned_data["indicator"]}, here,
                             render_page)
            return render_page(forms={"newtarget": f}, status=400)
        if kind == "target-delete":
            target = get_object_or_404(task.targets, pk=_int(arg))
            f = ReasonForm(data, plan=plan, prefix="op")
            if _run(f, lambda d: services.delete_target(target=target, user=user, reason=f.reason)):
                return _done(request, _("已删除目标“%(name)s”。") % {"name": target.indicator}, here, render_page)
            return render_page(forms={"op": f}, status=400)
        if kind in ("up", "down"):
            f = ReasonForm(data, plan=plan, prefix="op")
            if _run(f, lambda d: services.move_task(task=task, user=user, direction=kind, reason=f.reason)):
                return _done(request, _("已移动任务。"), here, render_page)
            return render_page(forms={"op": f}, status=400)
        if kind == "delete":
            f = ReasonForm(data, plan=plan, prefix="op")
            if _run(f, lambda d: services.delete_task(task=task, user=user, reason=f.reason)):
                messages.success(request, _("已删除任务 %(ref)s。") % {"ref": task.ref})
                url = reverse("plan-edit", args=[plan.pk])
                if _is_htmx(request):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = url
                    return response
                return redirect(url)
            return render_page(forms={"op": f}, status=400)
    except ValidationError as exc:
        return render_page(action_errors=exc.messages, status=400)
    return render_page(action_errors=[_("无法识别的操作，请刷新页面后重试。")], status=400)


@login_required
def plan_history(request, pk):
    """Every change of the plan (who, when, why, before → after): the office and everyone who reads the plan."""
    plan = selectors.get_plan(request.user, pk)
    return render(request, "tasks/plan_history.html", {
        "plan": plan, "changes": selectors.plan_changes(plan), "can_manage": can_manage_plan(request.user, plan),
    })
