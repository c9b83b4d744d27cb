"""督办 pages (under /reports/supervision/): the items with their steps and 办结, the office's ladder,
leaders' 批示 with the units' answers, the plan's 序时进度 settings. Thin: reads from ``selectors``,
writes through ``services``; who may act is decided there."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports import selectors as report_selectors
from targets.models import Target
from tasks.models import Task, WorkPlan
from tasks.selectors import visible_plans
from units.models import Committee, Unit
from units.selectors import access_for

from . import selectors, services
from .filtersets import SupervisionItemFilterSet
from .forms import AnswerForm, CloseForm, InstructionForm, PaceForm, StepsForm

PAGE_SIZE = 50


def _errors_into(form, exc):
    """Put a service's ValidationError on the form's fields (unknown keys: the whole form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def item_list(request):
    base = selectors.visible_items(request.user)
    filterset = SupervisionItemFilterSet(request.GET or None, queryset=base, request=request)
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    page = Paginator(selectors.item_list(qs), PAGE_SIZE).get_page(request.GET.get("page"))
    access = access_for(request.user)
    offices = Committee.objects.filter(pk__in=access.committees_with("office", "admin")).order_by("code") \
        if not access.is_superuser else Committee.objects.order_by("code")
    return render(request, "rollups/supervision/items.html", {
        "filter": filterset, "page": page, "items": page.object_list, "offices": offices,
        "may_instruct": any(selectors.may_instruct(request.user, c) for c in access.readable_committee_ids)
        or access.is_superuser,
    })


@login_required
def item_detail(request, pk):
    item = selectors.get_item(request.user, pk)
    is_office = access_for(request.user).is_office_of(item.committee_id)
    form = CloseForm()
    status = 200
    if request.method == "POST":
        if not is_office:
            raise PermissionDenied(_("只有本级残工委办公室可以办结督办事项。"))
        form = CloseForm(request.POST)
        if form.is_valid():
            try:
                services.close_item(item=item, user=request.user, note=form.cleaned_data["note"])
            except ValidationError as exc:
                _errors_into(form, exc)
            else:
                messages.success(request, _("已办结，该事项不再升级督办。"))
                return redirect("supervision-item", pk=item.pk)
        status = 400
    return render(request, "rollups/supervision/item.html", {
        "item": item, "steps": list(item.steps.all()), "form": form, "is_office": is_office,
        "report": selectors.report_of(item), "history": list(item.history.select_related("history_user")[:20]),
    }, status=status)


def _committee_for_office(user, pk):
    committee = get_object_or_404(Committee, pk=pk)
    access = access_for(user)
    if not access.can_read_committee(committee.pk):
        raise Http404
    if not access.is_office_of(committee.pk):
        raise PermissionDenied(_("只有本级残工委办公室可以设置督办步骤。"))
    return committee


@login_required
def steps_page(request, pk):
    committee = _committee_for_office(request.user, pk)
    steps = selectors.ladder(committee.pk)
    configured = committee.escalation_steps.exists()
    form = StepsForm(request.POST or None, steps=steps)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_steps(committee=committee, user=request.user, rows=form.cleaned_rows())
            except ValidationError as exc:
                _errors_into(form, exc)
            else:
                messages.success(request, _("督办步骤已保存，明日起按新步骤升级。"))
                return redirect("supervision-steps", pk=committee.pk)
    return render(request, "rollups/supervision/steps.html", {
        "committee": committee, "form": form, "configured": configured,
    }, status=400 if form.is_bound and form.errors else 200)


def _instruction_form(request, data=None):
    access = access_for(request.user)
    committees = [c for c in access.readable_committee_ids if selectors.may_instruct(request.user, c)]
    if access.is_superuser:
        plans = WorkPlan.objects.filter(status=WorkPlan.Status.PUBLISHED)
    else:
        plans = WorkPlan.objects.filter(committee_id__in=committees, status=WorkPlan.Status.PUBLISHED)
    plans = plans.order_by("-period_start", "title")
    tasks = Task.objects.filter(plan__in=plans.values("pk")).select_related("plan").order_by("plan_id", "order", "id")
    units = Unit.objects.filter(committee_id__in=plans.values("committee_id"), is_active=True).order_by("order")
    return InstructionForm(data, plans=plans, tasks=tasks, units=units, auto_id="instruction_%s")


@login_required
def instructions_page(request):
    access = access_for(request.user)
    may_write = access.is_superuser or any(selectors.may_instruct(request.user, c)
                                          for c in access.readable_committee_ids)
    form = _instruction_form(request) if may_write else None
    status = 200
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied(_("只有本级残工委的领导或办公室可以作出批示。"))
        form = _instruction_form(request, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.write_instruction(plan=data["plan"], user=request.user, text=data["text"],
                                           task=data["task"], unit=data["unit"])
            except ValidationError as exc:
                _errors_into(form, exc)
            else:
                messages.success(request, _("批示已发出，相关单位已收到通知，须在下一份报告中答复。"))
                return redirect("supervision-instructions")
        status = 400
    qs = selectors.instruction_list(selectors.visible_instructions(request.user))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "rollups/supervision/instructions.html", {
        "form": form, "page": page, "instructions": page.object_list,
    }, status=status)


@login_required
@require_POST
def instruction_answer(request, pk):
    """The unit's answer to a 批示, given from the report page (back there, with a message)."""
    form = AnswerForm(request.POST, auto_id="answer_%s")
    report_id = request.POST.get("report", "")
    if not report_id.isdigit():
        raise Http404
    report = report_selectors.get_report(request.user, int(report_id))
    instruction = get_object_or_404(selectors.visible_instructions(request.user), pk=pk)
    back = reverse("report-detail", args=[report.pk])
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, _("答复未保存：%(e)s") % {"e": e})
        return redirect(back + f"#instruction-{instruction.pk}")
    try:
        services.answer_instruction(instruction=instruction, report=report, user=request.user,
                                    text=form.cleaned_data["text"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, _("答复未保存：%(e)s") % {"e": message})
    else:
        messages.success(request, _("答复已保存，将随本报告报送。"))
    return redirect(back + f"#instruction-{instruction.pk}")


@login_required
def pace_page(request, pk):
    plan = get_object_or_404(visible_plans(request.user), pk=pk)
    if not access_for(request.user).is_office_of(plan.committee_id):
        raise PermissionDenied(_("只有本级残工委办公室可以设置序时进度。"))
    targets = list(Target.objects.filter(task__plan=plan).select_related("task").order_by("task__order", "order", "pk"))
    periods = services.periods_of(plan)
    initial = {"tolerance": f"{(plan.pace_tolerance * 100).normalize():f}"}
    for t in targets:
        initial[f"weights_{t.pk}"] = ",".join(str(w) for w in (t.pace_weights or []))
    form = PaceForm(request.POST or None, initial=initial, targets=targets, periods=periods)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.set_pace(plan=plan, user=request.user, tolerance_points=form.cleaned_data["tolerance"],
                                  weights=form.weights())
            except ValidationError as exc:
                _errors_into(form, exc)
            else:
                messages.success(request, _("序时进度设置已保存，汇总将按新设置重新计算。"))
                return redirect("supervision-pace", pk=plan.pk)
    return render(request, "rollups/supervision/pace.html", {
        "plan": plan, "form": form, "periods": periods,
    }, status=400 if form.is_bound and form.errors else 200)
