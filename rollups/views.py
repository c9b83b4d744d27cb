"""Dashboard and year-end summary pages. Thin: they read ``rollups.selectors`` and
call ``rollups.services``; who may see a plan is decided in the selectors' querysets
(committee-wide roles), who may act in the services (office only)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.models import ReportingRound
from units.selectors import access_for

from . import bulletins, services
from .downloads import summary_response
from .models import Bulletin, CommitteeRollup, SummaryFile
from .selectors import (
    dashboard_plans,
    get_dashboard_plan,
    get_summary_file,
    load_rollup,
    open_summary_file,
    pick_year,
    plan_years,
    summary_files,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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
    return render(request, "rollups/dashboard.html", {
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


# ---------------------------------------------------------------- 季度调度通报

def _bulletin_round(user, round_pk):
    """The round, if ``user`` may read its committee's bulletins (404 otherwise: nothing is revealed)."""
    rnd = get_object_or_404(ReportingRound.objects.select_related("plan__committee"), pk=round_pk)
    if not access_for(user).can_read_committee(rnd.plan.committee_id):
        raise Http404
    return rnd


def _visible_bulletin(user, rnd):
    """The round's bulletin as ``user`` may see it: the office sees its draft, everyone else only what was published."""
    bulletin = Bulletin.objects.filter(round=rnd).first()
    if bulletin is None or bulletin.is_published or access_for(user).is_office_of(rnd.plan.committee_id):
        return bulletin
    return None


@login_required
def bulletin_page(request, round_pk):
    rnd = _bulletin_round(request.user, round_pk)
    bulletin = _visible_bulletin(request.user, rnd)
    is_office = access_for(request.user).is_office_of(rnd.plan.committee_id)
    errors = {}
    if request.method == "POST":
        if not is_office:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "draft":
                services.draft_bulletin(round=rnd, user=request.user)
                messages.success(request, _("已根据最新汇总数据起草通报，请核改后发布。"))
            elif action == "save" and bulletin is not None:
                services.update_bulletin(bulletin=bulletin, user=request.user, title=request.POST.get("title", ""),
                                         body=request.POST.get("body", ""))
                messages.success(request, _("通报已保存。"))
            elif action == "publish" and bulletin is not None:
                services.publish_bulletin(bulletin=bulletin, user=request.user,
                                          link=reverse("round-bulletin", args=[rnd.pk]))
                messages.success(request, _("通报已发布，各成员单位已收到通知。"))
            else:
                raise ValidationError(_("无法识别的操作。"))
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        else:
            return redirect("round-bulletin", rnd.pk)
        bulletin = _visible_bulletin(request.user, rnd)
    form = {"title": request.POST.get("title", bulletin.title if bulletin else ""),
            "body": request.POST.get("body", bulletin.body if bulletin else "")} if errors else None
    return render(request, "rollups/bulletin.html", {
        "round": rnd, "plan": rnd.plan, "bulletin": bulletin, "is_office": is_office, "errors": errors,
        "form": form, "paragraphs": bulletin.body.splitlines() if bulletin else [],
    }, status=400 if errors else 200)


@login_required
def bulletin_docx(request, round_pk):
    rnd = _bulletin_round(request.user, round_pk)
    bulletin = _visible_bulletin(request.user, rnd)
    if bulletin is None:
        raise Http404
    response = HttpResponse(bulletins.bulletin_docx(bulletin), content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(True, f"{rnd.period_label}调度通报.docx")
    return response
