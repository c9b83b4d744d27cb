"""Dashboard and year-end summary pages. Thin: they read ``rollups.selectors`` and
call ``rollups.services``; who may see a plan is decided in the selectors' querysets
(committee-wide roles), who may act in the services (office only)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units.selectors import access_for

from . import services
from .downloads import summary_response
from .models import CommitteeRollup, SummaryFile
from .selectors import (
    committee_shares,
    dashboard_plans,
    get_dashboard_plan,
    get_summary_file,
    load_rollup,
    open_summary_file,
    pick_year,
    plan_years,
    summary_files,
)


def _year_url(name, plan, year):
    return f"{reverse(name, args=[plan.pk])}?year={year}"


@login_required
def dashboard_index(request):
    plans = (dashboard_plans(request.user).select_related("committee")
             .annotate(task_count=Count("tasks")).order_by("-period_start", "committee__level", "committee__code"))
    return render(request, "rollups/dashboard_index.html", {"plans": plans})


@login_required
def plan_dashboard(request, pk):
    plan = get_dashboard_plan(request.user, pk)
    year = pick_year(plan, request.GET.get("year"))
    data = load_rollup([plan], year)
    committees = list(
        CommitteeRollup.objects.filter(year=year, scope=CommitteeRollup.Scope.TREE)
        .filter(committee__parent_id=plan.committee_id).select_related("committee").order_by("committee__code")
    )
    own = {r.scope: r for r in CommitteeRollup.objects.filter(committee_id=plan.committee_id, year=year)}
    targets = [t for line in data.tasks for t in line.targets]
    shares, not_derived = committee_shares(plan, year)
    return render(request, "rollups/dashboard.html", {
        "shares": shares, "not_derived": not_derived,
        "plan": plan, "year": year, "years": plan_years(plan), "data": data, "run": data.run,
        "outline": data.outline(), "chart": data.section_chart(), "targets": targets, "units": data.units,
        "committees": committees, "own": own.get("own"), "tree": own.get("tree"),
        "is_office": access_for(request.user).is_office_of(plan.committee_id),
    })


@login_required
@require_POST
def plan_rollup_refresh(request, pk):
    plan = get_dashboard_plan(request.user, pk)
    year = pick_year(plan, request.POST.get("year"))
    services.request_refresh(plan=plan, year=year, user=request.user)
    messages.success(request, _("已提交重新汇总，完成后看板自动显示最新数据。"))
    return redirect(_year_url("plan-dashboard", plan, year))


@login_required
def summary_page(request, pk):
    plan = get_dashboard_plan(request.user, pk)
    year = pick_year(plan, request.GET.get("year"))
    files = summary_files(plan, year)
    return render(request, "rollups/dashboard_summary.html", {
        "plan": plan, "year": year, "years": plan_years(plan),
        "files": [(label, files.get(kind)) for kind, label in SummaryFile.Kind.choices],
        "is_office": access_for(request.user).is_office_of(plan.committee_id),
    })


@login_required
@require_POST
def summary_generate(request, pk):
    plan = get_dashboard_plan(request.user, pk)
    year = pick_year(plan, request.POST.get("year"))
    try:
        services.request_summary(plan=plan, year=year, user=request.user, include_lower=request.POST.get("include_lower") == "1")
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已开始生成年度总结；生成完成后即可下载，重新生成会替换原文件。"))
    return redirect(_year_url("plan-summary", plan, year))


@login_required
def summary_download(request, pk):
    sf = get_summary_file(request.user, pk)
    return summary_response(sf, open_summary_file(sf))
