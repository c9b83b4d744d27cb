"""考核 pages. Thin: forms parse, ``services`` write, ``selectors`` decide who sees what."""
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units.models import Committee, Unit
from units.selectors import access_for, committees_for

from ..models_scoring import ScoreAdjustment, ScoringItem
from . import annex, selectors, services
from .forms import AdjustmentForm, ItemFormSet, SchemeForm

Kind = ScoringItem.Kind
DEFAULT_ITEMS = [
    {"kind": Kind.TIMELINESS, "label": "按时报送", "points": 6, "per_missing": 1, "per_late": "0.5"},
    {"kind": Kind.COMPLETENESS, "label": "报送完整", "points": 14},
    {"kind": Kind.RETURNS, "label": "报告质量（退回）", "points": 10, "per_return": 1},
    {"kind": Kind.TARGETS, "label": "目标完成", "points": 40},
    {"kind": Kind.TASKS, "label": "任务完成", "points": 30},
    {"kind": Kind.ADJUSTMENTS, "label": "加分/扣分", "points": 5},
]


def _office_committees(user):
    access = access_for(user)
    qs = committees_for(user)
    return [c for c in qs.order_by("code") if access.is_office_of(c.pk)]


@login_required
def scoring_index(request):
    schemes = selectors.schemes_for(request.user).order_by("-year", "committee__code")
    return render(request, "rollups/scoring/index.html", {
        "schemes": schemes, "office_committees": _office_committees(request.user),
    })


def _scheme_form_page(request, committee, scheme=None):
    if not access_for(request.user).is_office_of(committee.pk):
        raise PermissionDenied
    if scheme is not None:
        initial = {"year": scheme.year, "title": scheme.title, "doc_number": scheme.doc_number,
                   "score_member_units": scheme.score_member_units, "units": list(scheme.units.all()),
                   "lower_committees": list(scheme.lower_committees.all()), "excellent_from": scheme.excellent_from,
                   "good_from": scheme.good_from, "fair_from": scheme.fair_from}
        rows = [{"kind": i.kind, "label": i.label, "points": i.points, "per_missing": i.per_missing,
                 "per_late": i.per_late, "per_return": i.per_return} for i in scheme.items.all()]
    else:
        year = request.GET.get("year") or ""
        initial = {"year": year if year.isdigit() else None, "score_member_units": True,
                   "title": _("成员单位工作考核办法")}
        rows = DEFAULT_ITEMS
    rows = rows + [{}] * (len(Kind.values) - len(rows))
    if request.method == "POST":
        form = SchemeForm(request.POST, committee=committee)
        formset = ItemFormSet(request.POST, prefix="items")
        if form.is_valid() and formset.is_valid():
            d = form.cleaned_data
            try:
                scheme = services.save_scheme(
                    user=request.user, committee=committee, scheme=scheme, year=d["year"], title=d["title"],
                    doc_number=d["doc_number"], score_member_units=d["score_member_units"], units=d["units"],
                    lower_committees=d["lower_committees"], excellent_from=d["excellent_from"],
                    good_from=d["good_from"], fair_from=d["fair_from"], items=formset.items())
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("考核办法已保存。"))
                return redirect("scoring-scheme", scheme.pk)
    else:
        form = SchemeForm(initial=initial, committee=committee)
        formset = ItemFormSet(initial=rows, prefix="items")
    return render(request, "rollups/scoring/scheme_form.html", {
        "form": form, "formset": formset, "committee": committee, "scheme": scheme,
    }, status=400 if request.method == "POST" else 200)


@login_required
def scheme_new(request):
    committee = get_object_or_404(Committee, pk=request.GET.get("committee") or 0) \
        if (request.GET.get("committee") or "").isdigit() else None
    if committee is None:
        raise Http404
    return _scheme_form_page(request, committee)


@login_required
def scheme_edit(request, pk):
    scheme = selectors.get_scheme(request.user, pk)
    return _scheme_form_page(request, scheme.committee, scheme)


def _subject_choices(scheme, cards):
    return [(c.key, c.name) for c in cards]


@login_required
def scheme_results(request, pk):
    scheme = selectors.get_scheme(request.user, pk)
    cards, top = selectors.results(request.user, scheme)
    manage = selectors.can_manage(request.user, scheme)
    context = {"scheme": scheme, "cards": cards, "max_total": top, "manage": manage,
               "reads_all": selectors.reads_all(request.user, scheme), "band_labels": selectors.BAND_LABELS,
               "items": list(scheme.items.all())}
    visible = {c.key for c in cards}
    context["adjustments"] = [
        a for a in scheme.adjustments.select_related("unit", "committee", "created_by")
        if manage or (f"u{a.unit_id}" if a.unit_id else f"c{a.committee_id}") in visible]
    if manage:
        context["adjustment_form"] = AdjustmentForm(subjects=_subject_choices(scheme, cards))
    return render(request, "rollups/scoring/results.html", context)


@login_required
def subject_detail(request, pk, key):
    scheme = selectors.get_scheme(request.user, pk)
    card, top = selectors.card(request.user, scheme, key)
    return render(request, "rollups/scoring/subject.html", {
        "scheme": scheme, "card": card, "max_total": top, "band_labels": selectors.BAND_LABELS,
        "reads_all": selectors.reads_all(request.user, scheme),
    })


@login_required
@require_POST
def adjustment_add(request, pk):
    scheme = selectors.get_scheme(request.user, pk)
    if not selectors.can_manage(request.user, scheme):
        raise PermissionDenied
    cards, _top = selectors.results(request.user, scheme)
    form = AdjustmentForm(request.POST, subjects=_subject_choices(scheme, cards))
    if form.is_valid():
        key = form.cleaned_data["subject"]
        target = {"unit": None, "committee": None}
        if key.startswith("u"):
            target["unit"] = get_object_or_404(Unit, pk=key[1:])
        else:
            target["committee"] = get_object_or_404(Committee, pk=key[1:])
        try:
            services.add_adjustment(user=request.user, scheme=scheme, points=form.cleaned_data["points"],
                                    reason=form.cleaned_data["reason"], evidence=form.cleaned_data["evidence"],
                                    **target)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已录入。"))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for e in errors:
                messages.error(request, f"{label}：{e}" if label else e)
    return redirect(reverse("scoring-scheme", args=[scheme.pk]) + "#adjustments-heading")


@login_required
@require_POST
def adjustment_remove(request, pk, adjustment_pk):
    scheme = selectors.get_scheme(request.user, pk)
    adjustment = get_object_or_404(ScoreAdjustment, pk=adjustment_pk, scheme=scheme)
    services.remove_adjustment(user=request.user, adjustment=adjustment)
    messages.success(request, _("已删除。"))
    return redirect(reverse("scoring-scheme", args=[scheme.pk]) + "#adjustments-heading")


def _download(content, filename, content_type):
    from urllib.parse import quote

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def export_xlsx(request, pk):
    scheme = selectors.get_scheme(request.user, pk)
    cards, top = selectors.results(request.user, scheme)
    return _download(annex.build_xlsx(scheme, cards, top), f"{scheme.year}年度考核结果.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@login_required
def export_docx(request, pk):
    scheme = selectors.get_scheme(request.user, pk)
    cards, top = selectors.results(request.user, scheme)
    return _download(annex.build_docx(scheme, cards, top), f"{scheme.year}年度考核结果.docx",
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


@login_required
def target_weights(request, pk):
    """目标权重: one number per target of the year's plans (1 unless set); the office only."""
    scheme = selectors.get_scheme(request.user, pk)
    if not selectors.can_manage(request.user, scheme):
        raise PermissionDenied
    rows = selectors.weight_rows(scheme)
    errors = {}
    if request.method == "POST":
        weights = {}
        for row in rows:
            raw = (request.POST.get(f"weight-{row['id']}") or "1").strip()
            try:
                value = Decimal(raw)
                if not value.is_finite() or value < 0 or value >= 10000:
                    raise InvalidOperation
            except InvalidOperation:
                errors[row["id"]] = _("请填写0到9999之间的数字。")
                row["raw"] = raw
                continue
            weights[row["id"]] = value.quantize(Decimal("0.01"))
        if not errors:
            try:
                services.set_target_weights(user=request.user, scheme=scheme, weights=weights)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("目标权重已保存。"))
                return redirect("scoring-scheme", scheme.pk)
    for row in rows:
        row["error"] = errors.get(row["id"])
    return render(request, "rollups/scoring/weights.html", {"scheme": scheme, "rows": rows, "editing": True},
                  status=400 if errors else 200)
