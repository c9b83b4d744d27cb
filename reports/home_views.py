"""The site root: every role lands on its own work.

* reporter → what to do now (returned first, then due soonest, then drafts; done collapsed by round);
* approver → 待我审核 with one-click sign-off / send-back;
* office → 工作台 (reports waiting for review with 批量采纳, late units per open round with 一键催办,
  rounds closing this week, plans in draft, imports not confirmed);
* leader → the dashboard of the plan their committee last reported on.

Someone with several roles sees each part (the office's first). The plan list is at /plans/.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tasks import views as task_views
from tasks.models import WorkPlan
from units.models import UnitRole
from units.selectors import access_for

from . import reminders, selectors, services
from .forms import CommentForm
from .models import ReportingRound

Role = UnitRole.Role


def _leader_dashboard(access):
    """The dashboard a leader opens first: the plan their units last reported on, at that year
    (a five-year plan without rounds of its own is not where the year's work shows)."""
    committees = access.committees_with(Role.LEADER)
    latest = (ReportingRound.objects.filter(plan__committee_id__in=committees)
              .exclude(plan__status=WorkPlan.Status.DRAFT).select_related("plan")
              .order_by("-period_end", "-pk").first())
    if latest is not None:
        return f"{reverse('plan-dashboard', args=[latest.plan_id])}?year={latest.period_end.year}"
    plan = (WorkPlan.objects.filter(committee_id__in=committees).exclude(status=WorkPlan.Status.DRAFT)
            .order_by("-period_start", "-pk").first())
    return reverse("plan-dashboard", args=[plan.pk]) if plan else reverse("dashboard-index")


@login_required
def home(request):
    access = access_for(request.user)
    is_office = access.is_superuser or bool(access.committees_with(Role.OFFICE, Role.ADMIN))
    is_reporter = bool(access.units_with(Role.REPORTER))
    is_approver = bool(access.units_with(Role.APPROVER))
    if not (is_office or is_reporter or is_approver):
        if access.committees_with(Role.LEADER):
            return redirect(_leader_dashboard(access))
        return task_views.home(request)  # anyone else: the plan list
    today = timezone.localdate()
    context = {"today": today, "is_office": is_office, "is_reporter": is_reporter, "is_approver": is_approver}
    if is_office:
        bench = selectors.office_workbench(request.user, today=today)
        bench["waiting_count"] = bench["waiting"].count()
        bench["waiting"] = list(bench["waiting"][:100])
        bench["drafts_count"] = len(bench["draft_plans"]) + len(bench["imports"])
        context["bench"] = bench
    if is_reporter:
        todo, done, slots = selectors.reporter_home(request.user, today=today)
        context.update(todo=todo, done=done, counts=selectors.overview_counts(slots))
    if is_approver:
        context["to_approve"] = list(selectors.approval_queue(request.user, today=today))
        context["send_back_form"] = CommentForm(auto_id=False)
    return render(request, "reports/home.html", context)


@login_required
@require_POST
def batch_accept(request):
    """批量采纳 from the 工作台: each chosen report (``accept`` = "id:version") accepted on its own,
    through ``services.accept`` — a report changed since the page was read is refused."""
    items = []
    for raw in request.POST.getlist("accept"):
        pk, _sep, version = raw.partition(":")
        if not (pk.isdigit() and version.isdigit()):
            messages.error(request, _("请求无效：%(raw)s") % {"raw": raw[:40]})
            return redirect("home")
        items.append((int(pk), int(version)))
    if not items:
        messages.error(request, _("请先勾选要采纳的报告。"))
        return redirect("home")
    if len(items) > 200:
        messages.error(request, _("一次最多采纳200份报告。"))
        return redirect("home")
    accepted, refused = services.accept_batch(user=request.user, items=items)
    if accepted:
        messages.success(request, _("已采纳%(n)s份报告。") % {"n": len(accepted)})
    for message in refused:
        messages.error(request, message)
    return redirect("home")


@login_required
@require_POST
def round_chase_late(request, pk):
    """一键催办: a 催办 to every late unit of the round."""
    rnd = selectors.get_round(request.user, pk)
    if not access_for(request.user).is_office_of(rnd.plan.committee_id):
        raise PermissionDenied(_("只有本级残工委办公室可以催办。"))
    try:
        sent = reminders.chase_late_units(rnd=rnd, user=request.user, message=request.POST.get("message", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if sent:
            messages.success(request, _("已向%(n)s个逾期单位发出催办：%(units)s。") % {
                "n": len(sent), "units": "、".join(e.unit.short_name for e in sent)})
        else:
            messages.info(request, _("“%(label)s”没有逾期单位。") % {"label": rnd.period_label})
    next_url = request.POST.get("next")
    return redirect("round-detail", pk=rnd.pk) if next_url == "round" else redirect("home")
