"""Five-year plan pages (mounted under /reports/fyp/): the plan's indicators and yearly values, entry and
import of indicators, linking an annual plan's targets to them, and the mid-term/final evaluation with its
Word and Excel files. Thin: forms parse, ``targets.services`` write, the selectors decide who sees what
(office, leaders and the committees above read; only the office writes; everyone else 404)."""
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from targets import services
from targets.models import Target
from targets.selectors import annual_plans_of, can_manage_indicators, indicator_plans_for, indicators_for
from units.models import Unit

from . import annex, selectors
from .forms import ImportForm, IndicatorForm, ValueForm
from .rules import pct

SESSION_KEY = "fyp_indicator_preview"


def _shown(value):
    """(value as printed, source) or None."""
    return None if value is None else (annex.number(value[0]), value[1])


def _manage_or_403(user, plan):
    if not can_manage_indicators(user, plan):
        raise PermissionDenied


def _indicator(user, pk):
    ind = indicators_for(user).filter(pk=pk).first()
    if ind is None:
        raise Http404("指标不存在或无权查看")
    return ind


@login_required
def fyp_index(request):
    plans = indicator_plans_for(request.user).order_by("-period_start", "committee__code", "id")
    return render(request, "rollups/fyp/index.html", {"plans": plans})


@login_required
def plan_page(request, pk):
    plan = selectors.get_plan(request.user, pk)
    indicators = list(plan.indicators.select_related("responsible_unit").order_by("number", "id"))
    values = selectors.yearly_values(plan, indicators)
    years = list(range(plan.period_start, plan.period_end + 1))
    rows = [{"indicator": i, "cells": [_shown(values.get(i.pk, {}).get(y)) for y in years],
             "links": i.targets.count()} for i in indicators]
    manage = can_manage_indicators(request.user, plan)
    return render(request, "rollups/fyp/plan.html", {
        "plan": plan, "rows": rows, "years": years, "manage": manage,
        "annual_plans": annual_plans_of(plan), "evaluation_years": selectors.evaluation_years(plan),
        "value_form": ValueForm(plan=plan) if manage else None,
    })


def _indicator_form_page(request, plan, indicator=None):
    _manage_or_403(request.user, plan)
    if request.method == "POST":
        form = IndicatorForm(request.POST, committee=plan.committee)
        if form.is_valid():
            try:
                services.save_indicator(user=request.user, plan=plan, indicator=indicator, **form.cleaned_data)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("指标已保存。"))
                return redirect("fyp-plan", plan.pk)
    else:
        initial = {"number": plan.indicators.count() + 1, "kind": "binding", "direction": ">="}
        if indicator is not None:
            initial = {name: getattr(indicator, name) for name in services.FIELDS}
        form = IndicatorForm(initial=initial, committee=plan.committee)
    return render(request, "rollups/fyp/indicator_form.html", {"plan": plan, "form": form, "indicator": indicator},
                  status=400 if request.method == "POST" else 200)


@login_required
def indicator_new(request, pk):
    return _indicator_form_page(request, selectors.get_plan(request.user, pk))


@login_required
def indicator_edit(request, pk):
    ind = _indicator(request.user, pk)
    return _indicator_form_page(request, ind.plan, ind)


@login_required
def indicator_detail(request, pk):
    ind = _indicator(request.user, pk)
    plan = ind.plan
    manage = can_manage_indicators(request.user, plan)
    from targets.selectors import value_history

    return render(request, "rollups/fyp/indicator.html", {
        "plan": plan, "indicator": ind, "manage": manage, "values": ind.values.select_related("entered_by"),
        "history": value_history(ind)[:50],
        "targets": ind.targets.select_related("task__plan").order_by("task__plan__period_start", "task__order"),
        "value_form": ValueForm(plan=plan) if manage else None,
    })


@login_required
@require_POST
def value_set(request, pk):
    ind = _indicator(request.user, pk)
    _manage_or_403(request.user, ind.plan)
    form = ValueForm(request.POST, plan=ind.plan)
    if form.is_valid():
        try:
            services.set_value(user=request.user, indicator=ind, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("数值已保存。"))
            return redirect("fyp-indicator", ind.pk)
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for e in errors:
                messages.error(request, f"{label}：{e}" if label else e)
    return redirect("fyp-indicator", ind.pk)


@login_required
def import_page(request, pk):
    plan = selectors.get_plan(request.user, pk)
    _manage_or_403(request.user, plan)
    form = ImportForm()
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > settings.LUOSHI_MAX_UPLOAD_BYTES:
                form.add_error("file", _("文件太大。"))
            else:
                try:
                    preview = services.preview_table(user=request.user, plan=plan, content=upload.read(),
                                                     filename=upload.name)
                except ValidationError as exc:
                    for message in exc.messages:
                        form.add_error("file", message)
                else:
                    request.session[SESSION_KEY] = {"plan": plan.pk, "preview": preview,
                                                    "replace": form.cleaned_data["replace"]}
                    return redirect("fyp-import-preview", plan.pk)
        status = 400
    return render(request, "rollups/fyp/import.html", {"plan": plan, "form": form}, status=status)


@login_required
def import_preview(request, pk):
    plan = selectors.get_plan(request.user, pk)
    _manage_or_403(request.user, plan)
    stored = request.session.get(SESSION_KEY)
    if not stored or stored.get("plan") != plan.pk:
        messages.error(request, _("请先上传指标表。"))
        return redirect("fyp-import", plan.pk)
    preview = stored["preview"]
    units = list(Unit.objects.filter(committee=plan.committee, successor__isnull=True).order_by("order", "id"))
    names = {u.pk: u.short_name for u in units}
    errors, status = [], 200
    choices = {}
    if request.method == "POST":
        choices = {name: request.POST.get(f"unit-{i}", "") for i, name in enumerate(preview["unknown_units"])}
        try:
            saved = services.confirm_table(user=request.user, plan=plan, preview=preview, unit_choices=choices,
                                           replace=stored.get("replace", False))
        except ValidationError as exc:
            errors, status = exc.messages, 400
        else:
            request.session.pop(SESSION_KEY, None)
            messages.success(request, _("已导入 %(n)d 项指标。") % {"n": len(saved)})
            return redirect("fyp-plan", plan.pk)
    unknown = [{"index": i, "name": name, "suggestions": sugg, "choice": choices.get(name, "")}
               for i, (name, sugg) in enumerate(preview["unknown_units"].items())]
    return render(request, "rollups/fyp/import_preview.html", {
        "plan": plan, "rows": preview["rows"], "unknown": unknown, "units": units, "unit_names": names,
        "errors": errors, "replace": stored.get("replace", False),
    }, status=status)


@login_required
def link_page(request, pk, annual_pk):
    """One select per target of the annual plan (native selects: tab, arrow keys, one save button)."""
    plan = selectors.get_plan(request.user, pk)
    _manage_or_403(request.user, plan)
    annual = annual_plans_of(plan).filter(pk=annual_pk).first()
    if annual is None:
        raise Http404("年度工作计划不存在")
    targets = list(Target.objects.filter(task__plan=annual).select_related("task").order_by("task__order", "order"))
    indicators = list(plan.indicators.order_by("number"))
    errors, status = [], 200
    if request.method == "POST":
        links = {}
        for t in targets:
            raw = request.POST.get(f"target-{t.pk}", "")
            if raw and not raw.isdigit():
                errors.append(_("所选指标不正确。"))
                break
            links[t.pk] = int(raw) if raw else None
        if not errors:
            try:
                changed = services.link_targets(user=request.user, plan=annual, links=links)
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, _("已保存，%(n)d 个目标的关联有变化。") % {"n": changed})
                return redirect("fyp-link", plan.pk, annual.pk)
        status = 400
    return render(request, "rollups/fyp/link.html", {
        "plan": plan, "annual": annual, "targets": targets, "indicators": indicators, "errors": errors,
    }, status=status)


@login_required
def evaluation_page(request, pk, year):
    plan, ev = selectors.evaluation_for(request.user, pk, year)
    years = list(range(plan.period_start, ev.year + 1))
    rows = [{"o": o, "cells": [_shown(o.values.get(y)) for y in years], "current": annex.number(o.current),
             "baseline": annex.number(o.terms.baseline), "target": annex.number(o.terms.target),
             "ratio": pct(o.ratio_to_target),
             "completion": pct(o.completion), "elapsed": pct(o.elapsed), "to_elapsed": pct(o.ratio_to_elapsed)}
            for o in ev.outcomes]
    return render(request, "rollups/fyp/evaluation.html", {
        "plan": plan, "ev": ev, "years": years, "rows": rows,
        "evaluation_years": selectors.evaluation_years(plan),
    })


def _download(content, filename, content_type):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def evaluation_xlsx(request, pk, year):
    plan, ev = selectors.evaluation_for(request.user, pk, year)
    return _download(annex.build_xlsx(plan, ev), f"{plan.title}{ev.label}（{ev.year}年）.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@login_required
def evaluation_docx(request, pk, year):
    plan, ev = selectors.evaluation_for(request.user, pk, year)
    return _download(annex.build_docx(plan, ev), f"{plan.title}{ev.label}（{ev.year}年）.docx",
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
