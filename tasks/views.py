"""Web pages for plans and tasks. Views parse the request and call selectors/services."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from targets.selectors import revisions_for_plan
from units.selectors import can_manage_plan

from . import importing, selectors
from .filtersets import WorkPlanFilterSet
from .forms import ImportConfirmForm, ImportUploadForm


@login_required
def home(request):
    # The same FilterSet as /api/v1/plans/: one set of filters for the web list and the API list.
    plan_filter = WorkPlanFilterSet(request.GET or None, queryset=selectors.plan_list(request.user), request=request)
    plans = plan_filter.qs
    offices = selectors.office_committees(request.user)
    can_import = offices.exists()
    has_parent = can_import and offices.filter(parent__isnull=False).exists()
    return render(request, "tasks/home.html", {"plans": plans, "can_import": can_import, "plan_filter": plan_filter,
                                               "has_parent": has_parent})


@login_required
def plan_detail(request, pk):
    plan = selectors.get_plan(request.user, pk)
    outline = selectors.with_revisions(selectors.plan_outline(plan), revisions_for_plan(plan))
    return render(request, "tasks/plan_detail.html", {
        "plan": plan, "outline": outline, "can_manage": can_manage_plan(request.user, plan),
    })


# ---------------------------------------------------------------- the import wizard

@login_required
def import_upload(request):
    """Step 1: the office uploads a plan document."""
    committees = selectors.office_committees(request.user)
    if not committees.exists():
        raise PermissionDenied(_("只有残工委办公室可以导入工作计划。"))
    form = ImportUploadForm(request.POST or None, request.FILES or None, committees=committees)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = importing.start_import(
                committee=form.cleaned_data["committee"], user=request.user, data=upload.read(), filename=upload.name
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("plan-import-preview", pk=record.pk)
    return render(request, "tasks/import_upload.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def import_preview(request, pk):
    """Step 2: check what was read, map unknown units, choose targets, confirm (or discard)."""
    record = get_object_or_404(selectors.visible_imports(request.user), pk=pk)
    if record.status in (record.Status.READING, record.Status.FAILED):
        return _import_progress(request, record)
    if record.status != record.Status.PREVIEW:
        if record.plan_id:
            return redirect("plan-detail", pk=record.plan_id)
        raise Http404
    preview = importing.preview(record)
    form = ImportConfirmForm(request.POST or None, preview=preview)
    if request.method == "POST" and "discard" in request.POST:
        importing.discard_import(record=record, user=request.user)
        messages.info(request, _("已放弃本次导入。"))
        return redirect("plan-import")
    if request.method == "POST" and form.is_valid():
        try:
            plan = importing.confirm_import(
                record=record, user=request.user, unit_choices=form.unit_choices(),
                plan_overrides=form.plan_overrides(), keep_targets=form.cleaned_data["keep_targets"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已导入“%(title)s”，共 %(n)s 项任务。") % {"title": plan.title, "n": plan.tasks.count()})
            return redirect("plan-detail", pk=plan.pk)
    rows = selectors.import_rows(preview)
    return render(request, "tasks/import_preview.html", {"record": record, "preview": preview, "form": form, "rows": rows},
                  status=400 if form.errors else 200)


def _import_progress(request, record):
    """A large file or a scan being read by a job: reading, or page N of M by OCR (``static/js/job-poll.js``
    follows it, a reload link does without JavaScript), or why it failed; either can be dropped."""
    if request.method == "POST" and "discard" in request.POST:
        importing.discard_import(record=record, user=request.user)
        messages.info(request, _("已放弃本次导入。"))
        return redirect("plan-import")
    percent = int(100 * record.pages_done / record.pages_total) if record.pages_total else 0
    return render(request, "tasks/import_progress.html",
                  {"record": record, "percent": percent, "scan": bool(record.pages_total)})
