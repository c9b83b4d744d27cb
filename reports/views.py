"""Web pages of reporting: my tasks, the report page and its workflow, history, evidence files,
the office's rounds and review queue, deadlines, 催办, schedules, unit overview, Excel, notifications.

Views are thin: they read through ``reports.selectors`` (which filter by ``access_for``) and
write through ``reports.services`` / ``reports.reminders`` / ``reports.excel``. Something the
user may not read is a 404; something they may read but not do is a 403.
"""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from security import audit
from tasks import selectors as task_selectors
from tasks.models import Assignment
from tasks.selectors import visible_plans
from units.models import Unit, UnitRole
from units.selectors import access_for, can_manage_plan

from . import excel, excel_checks, extensions, reminders, selectors, services
from .filtersets import MyTasksFilterSet, WebReportFilterSet
from .forms import (
    AttachmentForm,
    ChaseForm,
    CommentForm,
    ExcelUploadForm,
    ExtensionForm,
    ExtraRoundForm,
    ReasonForm,
    ReportForm,
    ScheduleEditForm,
    ScheduleForm,
)
from .models import ExcelUpload, Notification, ProgressReport, RefusedEdit, ReportingRound, ReportingSchedule
from .templatetags.reporting import person

S = ProgressReport.Status
Role = UnitRole.Role
PAGE_SIZE = 50


def _messages_of(exc: ValidationError):
    return exc.messages if hasattr(exc, "messages") else [str(exc)]


def _error(request, exc: ValidationError):
    for message in _messages_of(exc):
        messages.error(request, message)


def _next_or(request, fallback):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure()):
        return target
    return fallback


REVIEW_PAGE_SIZE = 25


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


# ---------------------------------------------------------------- my tasks

@login_required
def my_tasks(request):
    """The open rounds' slots of the user's units: due, overdue, returned (with the comment), waiting."""
    today = timezone.localdate()
    base = selectors.my_open_slots(request.user, today=today)
    filterset = MyTasksFilterSet(request.GET or None, queryset=base, request=request)
    slots = list(filterset.qs if filterset.is_bound and filterset.is_valid() else base)
    access = access_for(request.user)
    approver_units = access.units_with(Role.APPROVER)
    rounds = {}
    for slot in slots:
        rounds.setdefault(slot.round_id, {"round": slot.round, "slots": []})["slots"].append(slot)
    unit_rounds = sorted({(s.round_id, s.unit_id): (s.round, s.unit) for s in slots}.values(),
                         key=lambda pair: (-pair[0].period_end.toordinal(), pair[1].order))
    context = {
        "rounds": list(rounds.values()),
        "counts": selectors.overview_counts(slots),
        "to_approve": [s for s in slots if s.status == S.SUBMITTED and s.unit_id in approver_units],
        "returned": [s for s in slots if s.status == S.RETURNED],
        "units": Unit.objects.filter(pk__in=access.units_with(Role.REPORTER, Role.APPROVER)).order_by("order"),
        "unit_rounds": unit_rounds,
        "filter": filterset,
        "today": today,
    }
    return render(request, "reports/my_tasks.html", context)


# ---------------------------------------------------------------- one report

def _report_context(request, report, form=None):
    targets = selectors.report_targets(report)
    can = selectors.allowed_actions(request.user, report)
    if form is None and can.edit:
        form = ReportForm(report=report, targets=targets)
    is_lead = Assignment.objects.filter(task_id=report.task_id, unit_id=report.unit_id,
                                        role=Assignment.Role.LEAD).exists()
    return {
        "report": report,
        "task": report.task,
        "round": report.round,
        "targets": targets,
        "form": form,
        "can": can,
        "is_lead": is_lead,
        "partners": selectors.partner_reports(request.user, report) if is_lead else [],
        "attachments": selectors.active_attachments(report),
        "attachment_form": AttachmentForm() if can.edit else None,
        "autosave_seconds": getattr(settings, "LUOSHI_AUTOSAVE_SECONDS", 60),
        "send_back_form": CommentForm(auto_id="sendback_%s"),
        "return_form": CommentForm(auto_id="return_%s"),
        "reason_form": ReasonForm(auto_id="reopen_%s"),
        "refused_count": RefusedEdit.objects.filter(report=report).count(),
        "today": timezone.localdate(),
        "report_panels": extensions.report_panels(request.user, report),
    }


@login_required
def task_detail(request, pk):
    """A task of a plan with the progress its units reported (the reports the user may read)."""
    task = task_selectors.get_task(request.user, pk)
    reports = selectors.reports_for_task(request.user, task)
    return render(request, "tasks/task_detail.html", {
        "task": task, "plan": task.plan, "reports": reports, "can_manage": can_manage_plan(request.user, task.plan),
    })


def _upload_evidence(request, report):
    """Store the evidence files chosen in the report form (before the text is saved: a refused
    save never loses a file). Returns (stored attachments, error messages)."""
    stored, errors = [], []
    for upload in request.FILES.getlist("evidence"):
        try:
            stored.append(services.add_attachment(report=report, user=request.user, upload=upload))
        except ValidationError as exc:
            errors.extend(_messages_of(exc))
    for attachment in stored:
        messages.success(request, _("已上传“%(name)s”。") % {"name": attachment.original_name})
    for message in errors:
        messages.error(request, message)
    return stored, errors


@login_required
def report_detail(request, pk):
    """Read a report; its unit's reporter edits it here: one form holds the narrative, the figures,
    the answer to a return comment and new evidence files (POST saves the draft, or saves and submits)."""
    report = selectors.get_report(request.user, pk)
    if request.method != "POST":
        return render(request, "reports/report.html", _report_context(request, report))

    if not selectors.allowed_actions(request.user, report).reporter:
        raise PermissionDenied(_("只有本单位的填报人可以修改该报告。"))
    _stored, file_errors = _upload_evidence(request, report)
    targets = selectors.report_targets(report)
    form = ReportForm(request.POST, report=report, targets=targets)
    if not form.is_valid():
        messages.error(request, _("填写内容有误，请按提示修改；本次未保存填写的内容，已选的证明材料已上传。") if _stored
                       else _("填写内容有误，请按提示修改；本次未保存任何内容。"))
        return render(request, "reports/report.html", _report_context(request, report, form), status=400)
    data = form.cleaned_data
    fields = {"report": report, "user": request.user, "version": data["version"], "progress": data["progress"],
              "problems": data["problems"], "next_steps": data["next_steps"], "figures": form.figures(),
              "reply": form.reply()}
    submitting = request.POST.get("then") == "submit"
    if submitting and file_errors:  # a file the reporter meant to attach is missing: keep it a draft
        return _save_when_submit_refused(request, report, form, fields, ValidationError(
            _("有证明材料未能上传，报告暂未提交；请重新选择文件后再提交。")))
    try:
        saved = services.save_and_submit(**fields) if submitting else services.save_draft(**fields)
    except services.StaleVersion as exc:
        messages.error(request, str(exc))
        fresh = selectors.get_report(request.user, pk)
        return render(request, "reports/report.html", _report_context(request, fresh), status=409)
    except ValidationError as exc:
        if submitting:
            return _save_when_submit_refused(request, report, form, fields, exc)
        for message in _messages_of(exc):
            form.add_error(None, message)
        messages.error(request, _("未能保存：%(reason)s") % {"reason": "；".join(_messages_of(exc))})
        return render(request, "reports/report.html", _report_context(request, report, form), status=400)
    if submitting:
        messages.success(request, _("已提交（第%(v)s版），当前状态：%(status)s。") % {
            "v": saved.version, "status": saved.get_status_display()})
        return redirect("my-tasks")
    messages.success(request, _("草稿已保存（第%(v)s版）。") % {"v": saved.version})
    return redirect("report-detail", pk=saved.pk)


def _save_when_submit_refused(request, report, form, fields, submit_error):
    """保存并提交 was refused (nothing was written): keep the typed work as a draft if it can be
    saved at all, and say why it was not submitted."""
    try:
        saved = services.save_draft(**fields)
    except (ValidationError, services.StaleVersion) as exc:
        for message in _messages_of(exc):
            form.add_error(None, message)
        messages.error(request, _("未能保存：%(reason)s") % {"reason": "；".join(_messages_of(exc))})
        return render(request, "reports/report.html", _report_context(request, report, form), status=400)
    messages.success(request, _("草稿已保存（第%(v)s版）。") % {"v": saved.version})
    _error(request, submit_error)
    return redirect("report-detail", pk=saved.pk)


@login_required
@require_POST
def report_autosave(request, pk):
    """The report page's automatic draft save (JSON): the same service and version check as 保存草稿.

    409 when someone saved since the page was loaded: nothing is overwritten and the typed text
    is kept as a refused edit (and stays on the page).
    """
    report = selectors.get_report(request.user, pk)
    if not selectors.allowed_actions(request.user, report).edit:
        return JsonResponse({"ok": False, "message": _("该报告当前不能修改。")}, status=403)
    form = ReportForm(request.POST, report=report, targets=selectors.report_targets(report))
    if not form.is_valid():
        errors = [str(e) for errs in form.errors.values() for e in errs]
        return JsonResponse({"ok": False, "message": _("自动保存未进行：%(e)s") % {"e": "；".join(errors)}}, status=400)
    data = form.cleaned_data
    try:
        saved = services.save_draft(
            report=report, user=request.user, version=data["version"], progress=data["progress"],
            problems=data["problems"], next_steps=data["next_steps"], figures=form.figures(), reply=form.reply(),
            reason=_("自动保存"))
    except services.StaleVersion as exc:
        return JsonResponse({"ok": False, "conflict": True, "message": str(exc),
                             "history": reverse("report-history", args=[report.pk])}, status=409)
    except ValidationError as exc:
        return JsonResponse({"ok": False, "message": _("自动保存未进行：%(e)s") % {"e": "；".join(_messages_of(exc))}},
                            status=400)
    when = timezone.localtime(saved.updated_at)
    return JsonResponse({
        "ok": True, "version": saved.version,
        "message": _("已自动保存（第%(v)s版，%(t)s）") % {"v": saved.version, "t": when.strftime("%H:%M")},
        # The report's 版本 line, as the page shows it after a reload.
        "version_line": _("第%(v)s版") % {"v": saved.version} + "，" + person(request.user) + " "
        + when.strftime("%Y-%m-%d %H:%M"),
    })


ACTIONS = {
    "submit": (services.submit, None, gettext_lazy("已提交，当前状态：%(status)s。")),
    "approve": (services.approve, None, gettext_lazy("已审核通过，报告已报送残工委办公室。")),
    "send_back": (services.send_back, CommentForm, gettext_lazy("已退回本单位填报人修改。")),
    "accept": (services.accept, None, gettext_lazy("已采纳。")),
    "return": (services.return_report, CommentForm, gettext_lazy("已退回单位，退回意见单位可见。")),
    "reopen": (services.reopen, ReasonForm,
               gettext_lazy("已开启更正，报告成为新的草稿版本；原采纳版本保留在历史中。")),
}


@login_required
@require_POST
def report_action(request, pk, action):
    """One workflow step on a report: submit, approve, send back, accept, return, reopen."""
    if action not in ACTIONS:
        return HttpResponse(status=404)
    report = selectors.get_report(request.user, pk)
    service, form_class, done = ACTIONS[action]
    kwargs = {}
    fallback = reverse("report-detail", args=[report.pk])
    if form_class is not None:
        form = form_class(request.POST)
        field = next(iter(form.base_fields))
        if form.is_valid():
            kwargs[field] = form.cleaned_data[field]
        elif (request.POST.get(field) or "").strip():
            for error in form.errors[field]:  # e.g. too long: say so, write nothing
                messages.error(request, f"{form.fields[field].label}：{error}")
            return redirect(_next_or(request, fallback))
        else:
            kwargs[field] = ""  # empty: the service says what to write
    try:
        report = service(report=report, user=request.user, **kwargs)
    except ValidationError as exc:
        _error(request, exc)
        return redirect(_next_or(request, fallback))
    messages.success(request, done % {"status": report.get_status_display()})
    return redirect(_next_or(request, fallback))


HISTORY_PAGE_SIZE = 30
HISTORY_REFUSED_MAX = 50


@login_required
def report_history(request, pk):
    """Every saved version of the report: who, when, why and what changed; refused (conflicting) edits too."""
    report = selectors.get_report(request.user, pk)
    partner = selectors.is_partner_view(request.user, report)
    names = {str(t.pk): f"{t.indicator}（{t.measure_unit}）" for t in selectors.report_targets(report)}
    refused = [] if partner else list(RefusedEdit.objects.filter(report=report).select_related("user")[:HISTORY_REFUSED_MAX])
    for edit in refused:
        figures = (edit.payload or {}).get("figures") or {}
        edit.figures_display = [(names.get(str(k), str(k)), v) for k, v in figures.items()]
    versions = list(reversed(selectors.report_history(report, submitted_only=partner)))
    attachments = list(report.attachments.select_related("uploaded_by", "removed_by"))
    if partner:  # a lead unit reading a participating unit's report: submitted versions and files only
        attachments = selectors.partner_attachments(report, attachments)
    page = Paginator(versions, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "report": report,
        "versions": page.object_list,
        "page": page,
        "refused": refused,
        "partner": partner,
        "attachments": attachments,
    }
    return render(request, "reports/history.html", context)


@login_required
@require_POST
def attachment_upload(request, pk):
    report = selectors.get_report(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件。"))
        return redirect("report-detail", pk=report.pk)
    try:
        attachment = services.add_attachment(report=report, user=request.user, upload=form.cleaned_data["file"])
    except ValidationError as exc:
        _error(request, exc)
        return redirect("report-detail", pk=report.pk)
    messages.success(request, _("已上传“%(name)s”。") % {"name": attachment.original_name})
    return redirect("report-detail", pk=report.pk)


@login_required
def attachment_download(request, pk):
    attachment = selectors.get_attachment(request.user, pk)
    audit.record(audit.Kind.DOWNLOAD, request=request, obj=attachment, what="evidence", report=attachment.report_id)
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def attachment_remove(request, pk):
    attachment = selectors.get_attachment(request.user, pk)
    try:
        services.remove_attachment(attachment=attachment, user=request.user)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已移除“%(name)s”（文件仍保留在历史记录中）。") % {"name": attachment.original_name})
    return redirect("report-detail", pk=attachment.report_id)


# ---------------------------------------------------------------- the office: rounds and review

def _office_plans(user):
    access = access_for(user)
    plans = visible_plans(user)
    if not access.is_superuser:
        plans = plans.filter(committee_id__in=access.committees_with(Role.OFFICE, Role.ADMIN))
    return plans.order_by("-period_start", "title")


@login_required
def round_list(request):
    """Rounds of the user's committees (office, admin, leader) with their counts; the office opens extra rounds."""
    access = access_for(request.user)
    if not (access.is_superuser or access.units_with(Role.OFFICE, Role.ADMIN, Role.LEADER)):
        raise PermissionDenied(_("只有残工委办公室和委员会领导可以查看填报轮次。"))
    plans = _office_plans(request.user)
    form = None
    if request.method == "POST":
        form = ExtraRoundForm(request.POST, plans=plans)
        if not plans.exists():
            raise PermissionDenied(_("只有本级残工委办公室可以开启填报轮次。"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                rnd = services.open_extra_round(
                    plan=data["plan"], user=request.user, period_label=data["period_label"],
                    period_start=data["period_start"], period_end=data["period_end"], opens_on=data["opens_on"],
                    due_on=data["due_on"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, errors in exc.message_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                messages.success(request, _("已开启“%(label)s”，共%(n)s个填报任务。") % {
                    "label": rnd.period_label, "n": rnd.reports.count()})
                return redirect("round-detail", pk=rnd.pk)
        messages.error(request, _("未能开启填报轮次，请按提示修改。"))
    elif plans.exists():
        form = ExtraRoundForm(plans=plans)
    rounds = selectors.round_list(request.user)
    schedules = ReportingSchedule.objects.filter(plan__in=visible_plans(request.user)).select_related("plan")
    return render(request, "reports/round_list.html", {
        "page": _page(request, rounds), "form": form, "plans": plans, "schedules": schedules,
        "today": timezone.localdate(),
    }, status=400 if form is not None and form.is_bound else 200)


@login_required
def round_detail(request, pk):
    """A round for the office: the review queue, every unit's state, deadlines, 催办 and the reminder log."""
    rnd = selectors.get_round(request.user, pk)
    is_office = access_for(request.user).is_office_of(rnd.plan.committee_id)
    today = timezone.localdate()
    base = selectors.annotate_due(selectors.visible_reports(request.user).filter(round=rnd))
    filterset = WebReportFilterSet(request.GET or None, queryset=base, request=request)
    reports = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    units = selectors.office_units_of(request.user, rnd)
    context = {
        "round": rnd,
        "is_office": is_office,
        # Paginated: with hundreds waiting the page stays small, and it reloads after every accept.
        "queue": Paginator(selectors.review_queue(request.user, rnd), REVIEW_PAGE_SIZE).get_page(
            request.GET.get("queue_page")),
        "unit_rows": selectors.round_units(rnd, today=today),
        "log": selectors.reminder_log(rnd),
        "filter": filterset,
        "page": _page(request, reports.select_related("unit", "task").order_by("task__order", "unit__order")),
        "extension_form": ExtensionForm(units=units, auto_id="extend_%s") if is_office and not rnd.closed else None,
        "chase_form": ChaseForm(units=units, auto_id="chase_%s") if is_office and not rnd.closed else None,
        "comment_form": CommentForm(),
        "today": today,
    }
    return render(request, "reports/round_detail.html", context)


def _office_round(request, pk):
    rnd = selectors.get_round(request.user, pk)
    if not access_for(request.user).is_office_of(rnd.plan.committee_id):
        raise PermissionDenied(_("只有本级残工委办公室可以进行该操作。"))
    return rnd


@login_required
@require_POST
def round_extend(request, pk):
    rnd = _office_round(request, pk)
    form = ExtensionForm(request.POST, units=selectors.office_units_of(request.user, rnd))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("round-detail", pk=rnd.pk)
    data = form.cleaned_data
    try:
        ext = services.extend_deadline(round=rnd, user=request.user, unit=data["unit"], due_on=data["due_on"],
                                       reason=data["reason"])
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("%(unit)s的截止日期已延至 %(due)s。") % {
            "unit": ext.unit.short_name, "due": ext.due_on.isoformat()})
    return redirect("round-detail", pk=rnd.pk)


@login_required
@require_POST
def round_chase(request, pk):
    rnd = _office_round(request, pk)
    form = ChaseForm(request.POST, units=selectors.office_units_of(request.user, rnd))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("round-detail", pk=rnd.pk)
    try:
        entry = reminders.chase_unit(rnd=rnd, unit=form.cleaned_data["unit"], user=request.user,
                                     message=form.cleaned_data["message"])
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已向%(unit)s发出催办（站内通知，邮件%(n)s封）。") % {
            "unit": entry.unit.short_name, "n": entry.emails_sent})
    return redirect("round-detail", pk=rnd.pk)


@login_required
@require_POST
def round_close(request, pk):
    rnd = _office_round(request, pk)
    services.close_round(round=rnd, user=request.user)
    messages.success(request, _("“%(label)s”已关闭，不能再填报或修改。") % {"label": rnd.period_label})
    return redirect("round-detail", pk=rnd.pk)


@login_required
def plan_schedule(request, pk):
    """A plan's reporting schedules; the office adds or changes one per frequency."""
    plan = get_object_or_404(visible_plans(request.user), pk=pk)
    access = access_for(request.user)
    if not (access.is_office_of(plan.committee_id) or plan.committee_id in access.committees_with(Role.LEADER)):
        raise PermissionDenied(_("只有残工委办公室和委员会领导可以查看填报安排。"))
    is_office = access.is_office_of(plan.committee_id)
    schedules = list(ReportingSchedule.objects.filter(plan=plan).order_by("frequency"))
    taken = [s.frequency for s in schedules]
    bound = {}
    status = 200
    if request.method == "POST":
        if not is_office:
            raise PermissionDenied(_("只有本级残工委办公室可以修改填报安排。"))
        kind, _sep, arg = request.POST.get("action", "add").partition(":")
        schedule = next((s for s in schedules if str(s.pk) == arg), None)
        if kind in ("edit", "remove") and schedule is None:
            raise Http404
        if kind == "remove":
            services.remove_schedule(schedule=schedule, user=request.user)
            messages.success(request, _("已删除%(f)s安排；已开启的轮次不受影响。") % {"f": schedule.get_frequency_display()})
            return redirect("plan-schedule", pk=plan.pk)
        if kind == "edit":
            form = ScheduleEditForm(request.POST, prefix=f"s{schedule.pk}")
        else:
            form = ScheduleForm(request.POST, taken=taken)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.set_schedule(plan=plan, user=request.user,
                                      frequency=schedule.frequency if kind == "edit" else data["frequency"],
                                      due_days=data["due_days"], reminder_offsets=data["reminder_offsets"],
                                      active=data["active"])
            except ValidationError as exc:
                for name, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(request, _("填报安排已保存。"))
                return redirect("plan-schedule", pk=plan.pk)
        bound[f"s{schedule.pk}" if kind == "edit" else "new"] = form
        status = 400
    edit_forms = [
        (s, bound.get(f"s{s.pk}") or ScheduleEditForm(prefix=f"s{s.pk}", initial={
            "due_days": s.due_days, "reminder_offsets": s.reminder_offsets, "active": s.active}))
        for s in schedules
    ] if is_office else []
    form = None
    if is_office:  # the form for a new schedule, while some frequency has none
        all_taken = len(taken) >= len(ReportingSchedule.Frequency.choices)
        form = bound.get("new") or (None if all_taken else ScheduleForm(taken=taken))
    return render(request, "reports/schedule.html", {
        "plan": plan, "schedules": schedules, "form": form, "is_office": is_office, "edit_forms": edit_forms,
    }, status=status)


# ---------------------------------------------------------------- unit overview

@login_required
def unit_overview(request, pk):
    """What is due, overdue and returned for one unit across the open rounds."""
    unit = selectors.readable_unit(request.user, pk)
    today = timezone.localdate()
    slots = list(selectors.unit_slots(request.user, unit, today=today))
    context = {
        "unit": unit,
        "counts": selectors.overview_counts(slots),
        "overdue": [s for s in slots if s.is_overdue],
        "due": [s for s in slots if s.status in selectors.MISSING_STATUSES and not s.is_overdue],
        "returned": [s for s in slots if s.status == S.RETURNED],
        "with_office": [s for s in slots if s.status == S.APPROVED],
        "today": today,
    }
    return render(request, "reports/unit_overview.html", context)


# ---------------------------------------------------------------- Excel

def _excel_target(request, round_pk, unit_pk):
    rnd = get_object_or_404(ReportingRound.objects.select_related("plan"), pk=round_pk)
    unit = get_object_or_404(Unit, pk=unit_pk)
    if not selectors.visible_reports(request.user).filter(round=rnd, unit=unit).exists():
        raise Http404(_("找不到该对象，或您无权查看。"))
    return rnd, unit


@login_required
def excel_page(request, round_pk, unit_pk):
    """Download the unit's template for the round, or upload a filled one (all rows saved, or none)."""
    rnd, unit = _excel_target(request, round_pk, unit_pk)
    can_upload = access_for(request.user).is_reporter_of(unit.pk) and not rnd.closed
    result, status = None, 200
    form = ExcelUploadForm() if can_upload else None
    if request.method == "POST":
        if not access_for(request.user).is_reporter_of(unit.pk):
            raise PermissionDenied(_("只有本单位的填报人可以上传填报模板。"))
        form = ExcelUploadForm(request.POST, request.FILES)
        if form.is_valid() and excel_checks.runs_as_job(form.cleaned_data["file"]):
            try:  # a large file: checked by a job, this page follows it
                check = excel_checks.start_check(rnd=rnd, unit=unit, user=request.user, upload=form.cleaned_data["file"])
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                return redirect("unit-excel-check", round_pk=rnd.pk, unit_pk=unit.pk, pk=check.pk)
        elif form.is_valid():
            result = excel.read_upload(rnd=rnd, unit=unit, user=request.user, upload=form.cleaned_data["file"])
            if result.ok:
                messages.success(request, _("上传成功：保存了%(saved)s份报告，%(same)s份没有变化。") % {
                    "saved": len(result.saved), "same": result.unchanged})
                if not result.saved:
                    return redirect("my-tasks")
                return render(request, "reports/excel.html", {  # offer 批量提交 of the drafts just saved
                    "round": rnd, "unit": unit, "form": None, "result": None, "can_upload": can_upload,
                    "saved": result.saved,
                })
        status = 400
    return render(request, "reports/excel.html", {
        "round": rnd, "unit": unit, "form": form, "result": result, "can_upload": can_upload,
    }, status=status)


@login_required
def excel_check(request, round_pk, unit_pk, pk):
    """A large upload being checked by a job: its status (polled by ``static/js/job-poll.js``), then the result."""
    rnd, unit = _excel_target(request, round_pk, unit_pk)
    check = get_object_or_404(ExcelUpload, pk=pk, round=rnd, unit=unit, uploaded_by=request.user)
    context = {"round": rnd, "unit": unit, "form": None, "result": None, "can_upload": False, "check": check}
    if check.status == check.Status.DONE and not check.problems:
        saved = list(ProgressReport.objects.filter(pk__in=check.saved_report_ids).select_related("task")
                     .order_by("task__order", "task_id"))
        context.update(saved=saved, saved_message=_("检查完毕：保存了%(saved)s份报告，%(same)s份没有变化。") % {
            "saved": len(saved), "same": check.unchanged})
    elif check.finished:
        context["result"] = {"problems": check.problems}
        context["form"] = ExcelUploadForm() if access_for(request.user).is_reporter_of(unit.pk) and not rnd.closed else None
        context["can_upload"] = context["form"] is not None
    return render(request, "reports/excel.html", context)


@login_required
@require_POST
def excel_submit(request, round_pk, unit_pk):
    """批量提交 the drafts an Excel upload saved: each through ``services.submit``."""
    rnd, unit = _excel_target(request, round_pk, unit_pk)
    ids = request.POST.getlist("report")
    if not ids or not all(pk.isdigit() for pk in ids) or len(ids) > 500:
        messages.error(request, _("请选择要提交的报告。"))
        return redirect("unit-excel", round_pk=rnd.pk, unit_pk=unit.pk)
    submitted, refused = services.submit_batch(user=request.user, rnd=rnd, unit=unit, report_ids=ids)
    if submitted:
        messages.success(request, _("已提交%(n)s份报告。") % {"n": len(submitted)})
    for message in refused:
        messages.error(request, message)
    return redirect("my-tasks")


@login_required
def excel_template(request, round_pk, unit_pk):
    rnd, unit = _excel_target(request, round_pk, unit_pk)
    data = excel.build_template(rnd=rnd, unit=unit, user=request.user)
    audit.record(audit.Kind.DOWNLOAD, request=request, obj=rnd, what="excel_template", unit=str(unit))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, excel.template_filename(rnd, unit))
    return response


# ---------------------------------------------------------------- notifications

@login_required
def notifications(request):
    """The user's notices grouped by round and kind; each group, or all, can be marked read at once."""
    if request.method == "POST":
        unread = Notification.objects.filter(user=request.user, read_at__isnull=True)
        group = request.POST.get("group", "")
        if group:
            round_id, _sep, kind = group.partition(":")
            if not round_id.isdigit() or kind not in Notification.Kind.values:
                return HttpResponse(status=400)
            unread = unread.filter(kind=kind, **({"round_id": int(round_id)} if int(round_id) else
                                                 {"round__isnull": True}))
        n = unread.update(read_at=timezone.now())
        messages.success(request, _("已将%(n)s条通知标为已读。") % {"n": n})
        return redirect("notifications")
    return render(request, "reports/notifications.html", {"groups": selectors.notification_groups(request.user)})


@login_required
@require_POST
def notification_open(request, pk):
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    link = note.link if note.link and url_has_allowed_host_and_scheme(note.link, allowed_hosts={request.get_host()}) \
        else reverse("notifications")
    return HttpResponseRedirect(link)

