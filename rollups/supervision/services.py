"""Writes of 督办 and 批示. Each function checks the caller's permission itself, validates, writes in
one transaction and raises Chinese ``ValidationError`` messages saying what to fix."""
from __future__ import annotations

import datetime
import logging

from celery import current_app
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import Notification, ProgressReport, ReportingRound, ReportingSchedule
from reports.selectors import EDITABLE, MISSING_STATUSES, annotate_due, report_is_open
from reports.services import share_lock_round
from targets.models import Target
from tasks.models import Assignment, WorkPlan
from units.models import UnitRole
from units.selectors import access_for

from ..models import (
    Bulletin,
    EscalationStep,
    Instruction,
    InstructionAnswer,
    SupervisionItem,
    SupervisionStep,
    TaskRollup,
    TaskStatus,
)
from ..models_supervision import ANSWER_MAX, INSTRUCTION_MAX, NOTE_MAX
from . import rules, selectors

logger = logging.getLogger(__name__)
Role = UnitRole.Role
Item = SupervisionItem
LAGGING_STATUSES = (TaskStatus.BEHIND, TaskStatus.AT_RISK)


def _require(condition, message):
    if not condition:
        raise PermissionDenied(message)


# ---------------------------------------------------------------- the office's ladder

@transaction.atomic
def save_steps(*, committee, user, rows) -> list[EscalationStep]:
    """Replace the committee's ladder with ``rows`` (one dict per level 1–3; see ``rules.check_steps``)."""
    _require(access_for(user).is_office_of(committee.pk), _("只有本级残工委办公室可以设置督办步骤。"))
    levels = sorted(r.get("level") for r in rows)
    if levels != [1, 2, 3]:
        raise ValidationError(_("督办步骤应有提示单、督办单（黄）、督办单（红）三级。"))
    errors = rules.check_steps(rows)
    if errors:
        raise ValidationError(errors)
    saved = []
    for row in sorted(rows, key=lambda r: r["level"]):
        notify = set(row.get("notify") or ())
        step, _created = EscalationStep.objects.update_or_create(
            committee=committee, level=row["level"], defaults={
                "name": row["name"].strip(), "enabled": bool(row.get("enabled")),
                "overdue_days": row["overdue_days"], "lagging_days": row["lagging_days"],
                "notify_reporters": rules.REPORTERS in notify, "notify_approvers": rules.APPROVERS in notify,
                "notify_office": rules.OFFICE in notify, "notify_leaders": rules.LEADERS in notify,
                "updated_by": user})
        saved.append(step)
    return saved


# ---------------------------------------------------------------- the daily escalation

def _find_overdue(today):
    """Overdue report slots of the open rounds of published plans: (report, due). A closed round is over:
    its missing reports are named in its 通报, no longer chased."""
    qs = annotate_due(ProgressReport.objects.filter(round__plan__status=WorkPlan.Status.PUBLISHED, round__closed=False,
                                                    status__in=MISSING_STATUSES))
    return [(r, r.due) for r in qs.filter(due__lt=today).select_related("round__plan", "task")]


def _find_lagging(today):
    """Tasks of published plans whose stored roll-up for ``today``'s year is behind or at risk: (rollup, unit id)."""
    rows = list(TaskRollup.objects.filter(year=today.year, status__in=LAGGING_STATUSES,
                                          task__plan__status=WorkPlan.Status.PUBLISHED)
                .select_related("task__plan"))
    leads = {}
    for a in (Assignment.objects.filter(task_id__in=[r.task_id for r in rows])
              .order_by("task_id", "-role", "order", "id").values_list("task_id", "unit_id", "role")):
        task_id, unit_id, role = a
        if task_id not in leads or role == Assignment.Role.LEAD and leads[task_id][1] != Assignment.Role.LEAD:
            leads[task_id] = (unit_id, role)
    return [(r, leads[r.task_id][0]) for r in rows if r.task_id in leads]


def _open_or_reopen(lookup, defaults, today):
    """(item, created): the item of ``lookup``, made if new, reopened if its cause came back."""
    item = Item.objects.filter(**lookup).first()
    if item is None:
        try:
            with transaction.atomic():
                return Item.objects.create(**lookup, **defaults, opened_on=today), True
        except IntegrityError:  # another run made it meanwhile
            return Item.objects.get(**lookup), False
    if item.status == Item.Status.RESOLVED:  # the cause came back: the same item, its level kept
        item.status, item.resolved_on = Item.Status.OPEN, None
        item.since = defaults["since"]  # lagging: counted again from today
        item._change_reason = _("原因再次出现，重新督办")
        item.save()
    elif item.status == Item.Status.OPEN and item.reason == Item.Reason.OVERDUE and item.since != defaults["since"]:
        item.since = defaults["since"]  # the due date moved (an extension granted later)
        item.save(update_fields=["since", "updated_at"])
    return item, False


def _recipients(item, step):
    """(users, text) notified by ``step`` of ``item``."""
    wanted = Q(pk__in=[])
    if rules.REPORTERS in step.notify:
        wanted |= Q(unit_id=item.unit_id, role=Role.REPORTER)
    if rules.APPROVERS in step.notify:
        wanted |= Q(unit_id=item.unit_id, role=Role.APPROVER)
    if rules.OFFICE in step.notify:
        wanted |= Q(unit__committee_id=item.committee_id, role=Role.OFFICE)
    if rules.LEADERS in step.notify:
        wanted |= Q(unit__committee_id=item.committee_id, role=Role.LEADER)
    roles = (UnitRole.objects.filter(wanted, unit__is_active=True, user__is_active=True)
             .select_related("user").order_by("user_id"))
    users = {}
    for role in roles:
        users[role.user_id] = role.user
    names = "、".join(f"{u.get_full_name()}（{u.username}）" if u.get_full_name() else u.username
                     for u in users.values())
    return list(users.values()), names


def _describe(item, days):
    if item.reason == Item.Reason.OVERDUE:
        return _("%(unit)s在%(round)s的任务%(ref)s报告已逾期%(days)s天未报送，请抓紧报送。") % {
            "unit": item.unit.short_name, "round": item.round.period_label, "ref": item.task.ref, "days": days}
    return _("任务%(ref)s（%(unit)s牵头）低于序时进度已%(days)s天，请分析原因、加快推进，并在下一轮报告中说明。") % {
        "ref": item.task.ref, "unit": item.unit.short_name, "days": days}


def _escalate(item, steps, today) -> SupervisionStep | None:
    days = rules.days_since(item.since, today)
    step = rules.step_due(reason=item.reason, status=item.status, level=item.level, days=days, steps=steps)
    if step is None:
        return None
    with transaction.atomic():
        locked = Item.objects.select_for_update(of=("self",)).select_related("unit", "task", "round").get(pk=item.pk)
        if locked.status != Item.Status.OPEN or locked.level >= step.level:
            return None  # a concurrent run got there first, or the office closed it meanwhile
        users, names = _recipients(locked, step)
        record = SupervisionStep.objects.create(item=locked, level=step.level, name=step.name, on=today, days=days,
                                                recipients=names, notified=len(users))
        locked.level = step.level
        locked._change_reason = _("发出%(step)s") % {"step": step.name}
        locked.save(update_fields=["level", "updated_at"])
        link = reverse("supervision-item", args=[locked.pk])
        title = _("%(step)s：任务%(ref)s · %(unit)s") % {"step": step.name, "ref": locked.task.ref,
                                                      "unit": locked.unit.short_name}
        Notification.objects.bulk_create([
            Notification(user=u, kind=Notification.Kind.SUPERVISION, title=title[:200],
                         body=_describe(locked, days), link=link, round=locked.round, unit=locked.unit,
                         report=locked.report)
            for u in users])
    return record


def _settle_notifications(item):
    Notification.objects.filter(kind=Notification.Kind.SUPERVISION, link=reverse("supervision-item", args=[item.pk]),
                                resolved_at__isnull=True).update(resolved_at=timezone.now())


def _resolve(item, today, why):
    item.status, item.resolved_on = Item.Status.RESOLVED, today
    item._change_reason = why
    item.save()
    _settle_notifications(item)


def run_escalation(*, today: datetime.date) -> dict:
    """The daily run (idempotent): open items for what is overdue or lagging, mark resolved the items
    whose cause went away, and send each open item the step it has reached (each step once)."""
    counts = {"opened": 0, "resolved": 0, "steps": 0}
    live = set()
    for report, due in _find_overdue(today):
        item, created = _open_or_reopen(
            {"round_id": report.round_id, "task_id": report.task_id, "unit_id": report.unit_id,
             "reason": Item.Reason.OVERDUE},
            {"committee_id": report.round.plan.committee_id, "plan_id": report.round.plan_id,
             "year": report.round.period_end.year, "report": report, "since": due}, today)
        counts["opened"] += created
        live.add(item.pk)
    for rollup, unit_id in _find_lagging(today):
        item, created = _open_or_reopen(
            {"plan_id": rollup.task.plan_id, "year": rollup.year, "task_id": rollup.task_id, "unit_id": unit_id,
             "reason": Item.Reason.LAGGING},
            {"committee_id": rollup.task.plan.committee_id, "since": today}, today)
        counts["opened"] += created
        live.add(item.pk)
    # Items of a closed round, and lagging items of a past year, stay as they were last found: no more
    # steps, not resolved either (the cause did not go away); the office closes them (办结).
    frozen = Q(round__closed=True) | Q(reason=Item.Reason.LAGGING) & ~Q(year=today.year)
    for item in Item.objects.filter(status=Item.Status.OPEN).exclude(pk__in=live).exclude(frozen):
        _resolve(item, today, _("报告已报送") if item.reason == Item.Reason.OVERDUE else _("进度已赶上序时进度"))
        counts["resolved"] += 1
    open_items = list(Item.objects.filter(status=Item.Status.OPEN).exclude(frozen)
                      .select_related("unit", "task", "round"))
    steps = selectors.ladders({i.committee_id for i in open_items})
    for item in open_items:
        if _escalate(item, steps[item.committee_id], today) is not None:
            counts["steps"] += 1
    counts["open"] = len(open_items)
    return counts


@transaction.atomic
def close_item(*, item, user, note) -> SupervisionItem:
    """办结: the office closes an item with a note; it never escalates again."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    _require(access_for(user).is_office_of(item.committee_id), _("只有本级残工委办公室可以办结督办事项。"))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("办结时请写明办结说明（如整改情况）。")]})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": [_("办结说明不能超过%(n)s字。") % {"n": NOTE_MAX}]})
    if item.status == Item.Status.CLOSED:
        raise ValidationError(_("该督办事项已办结。"), code="closed")
    item.status, item.closed_at, item.closed_by, item.close_note = Item.Status.CLOSED, timezone.now(), user, note
    item._change_reason = _("办结")
    item._history_user = user
    item.full_clean()
    item.save()
    _settle_notifications(item)
    return item


# ---------------------------------------------------------------- 领导批示

@transaction.atomic
def write_instruction(*, plan, user, text, task=None, unit=None) -> Instruction:
    """A leader (or the office) of the plan's committee writes a 批示 on a task, a unit, or both; the
    units concerned are notified and must answer it in their next report."""
    _require(selectors.may_instruct(user, plan.committee_id), _("只有本级残工委的领导或办公室可以作出批示。"))
    errors = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = [_("请填写批示内容。")]
    elif len(text) > INSTRUCTION_MAX:
        errors["text"] = [_("批示内容不能超过%(n)s字。") % {"n": INSTRUCTION_MAX}]
    if task is None and unit is None:
        errors["task"] = [_("请选择批示针对的任务或单位（至少一项）。")]
    if task is not None and task.plan_id != plan.pk:
        errors["task"] = [_("该任务不属于所选计划。")]
    if plan.status != WorkPlan.Status.PUBLISHED:
        errors["plan"] = [_("只能对已发布、正在执行的计划作出批示。")]
    assigned = Assignment.objects.filter(task__plan=plan)
    if unit is not None:
        if unit.committee_id != plan.committee_id:
            errors["unit"] = [_("该单位不是本残工委的成员单位。")]
        elif task is not None and not assigned.filter(task=task, unit=unit).exists():
            errors["unit"] = [_("%(unit)s不承担任务%(ref)s，请改选单位或任务。") % {
                "unit": unit.short_name, "ref": task.ref}]
        elif task is None and not assigned.filter(unit=unit).exists():
            errors["unit"] = [_("%(unit)s在该计划中没有任务。") % {"unit": unit.short_name}]
    if errors:
        raise ValidationError(errors)
    instruction = Instruction(committee_id=plan.committee_id, plan=plan, task=task, unit=unit, text=text, author=user)
    instruction.full_clean()
    instruction.save()
    units = [unit.pk] if unit is not None else list(assigned.filter(task=task).values_list("unit_id", flat=True))
    users = sorted(set(UnitRole.objects.filter(unit_id__in=units, role__in=[Role.REPORTER, Role.APPROVER],
                                               user__is_active=True).values_list("user_id", flat=True)))
    about = (_("任务%(ref)s") % {"ref": task.ref}) if task is not None else unit.short_name
    Notification.objects.bulk_create([
        Notification(user_id=uid, kind=Notification.Kind.INSTRUCTION, title=(_("领导批示：%(about)s") % {"about": about}),
                     body=text[:4000], link=_instruction_link(instruction))
        for uid in users])
    return instruction


def _instruction_link(instruction):
    return f"{reverse('supervision-instructions')}#instruction-{instruction.pk}"


@transaction.atomic
def answer_instruction(*, instruction, report, user, text) -> InstructionAnswer:
    """The unit answers a 批示 in the report it is writing; the answer is linked to that report and
    its version. It may be changed until the report is submitted."""
    report = ProgressReport.objects.select_for_update(of=("self",)).select_related("round__plan", "task") \
        .get(pk=report.pk)
    share_lock_round(report.round_id)
    _require(access_for(user).is_reporter_of(report.unit_id), _("只有本单位的填报人可以答复批示。"))
    if instruction.pk not in {i.pk for i in selectors.instructions_for_report(report)}:
        raise ValidationError(_("该批示与这份报告无关。"), code="unrelated")
    if not report_is_open(report) or report.status not in EDITABLE:
        raise ValidationError(_("这份报告已提交或所在轮次已关闭，请在本单位下一份报告中答复。"), code="not_editable")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("请填写对批示的答复。")]})
    if len(text) > ANSWER_MAX:
        raise ValidationError({"text": [_("答复不能超过%(n)s字。") % {"n": ANSWER_MAX}]})
    answer = InstructionAnswer.objects.select_for_update().filter(instruction=instruction, unit_id=report.unit_id).first()
    if answer is not None and answer.report_id != report.pk:
        raise ValidationError(_("本单位已在%(round)s的报告中答复过该批示。") % {
            "round": answer.report.round.period_label}, code="answered")
    answer = answer or InstructionAnswer(instruction=instruction, unit_id=report.unit_id, report=report)
    answer.text, answer.report_version, answer.answered_by = text, report.version, user
    answer._history_user = user
    answer.full_clean()
    answer.save()
    # answered: the unit's people no longer have it to do
    unit_users = UnitRole.objects.filter(unit_id=report.unit_id).values("user_id")
    Notification.objects.filter(kind=Notification.Kind.INSTRUCTION, link=_instruction_link(instruction),
                                user_id__in=unit_users, resolved_at__isnull=True).update(resolved_at=timezone.now())
    return answer


def unanswered_messages(report) -> list[str]:
    """The submit check (``reports.extensions.SUBMIT_CHECKS``): one message per unanswered 批示."""
    return [_("请先答复领导批示：“%(text)s”（%(when)s）。") % {
        "text": i.text[:40], "when": timezone.localtime(i.created_at).strftime("%Y-%m-%d")}
        for i in selectors.unanswered_for_report(report)]


def report_panel(user, report):
    """The report page's 批示 panel (``reports.extensions.REPORT_PANELS``)."""
    instructions = selectors.instructions_for_report(report)
    if not instructions:
        return None
    can_answer = (access_for(user).is_reporter_of(report.unit_id) and report.status in EDITABLE
                  and report_is_open(report))
    return {"template": "rollups/supervision/_report_instructions.html", "instructions": instructions,
            "report": report, "can_answer": can_answer}


# ---------------------------------------------------------------- 序时进度 settings

def periods_of(plan) -> int:
    frequencies = ReportingSchedule.objects.filter(plan=plan, active=True).values_list("frequency", flat=True)
    return rules.plan_periods(plan.period_end - plan.period_start + 1, list(frequencies))


@transaction.atomic
def set_pace(*, plan, user, tolerance_points, weights: dict) -> WorkPlan:
    """The office sets the plan's 序时进度 tolerance (in 百分点) and per-target weights (``{target id: text}``,
    empty text: linear). All or nothing."""
    _require(access_for(user).is_office_of(plan.committee_id), _("只有本级残工委办公室可以设置序时进度。"))
    errors = {}
    try:
        tolerance = rules.tolerance_from_points(tolerance_points)
    except ValueError as exc:
        errors["tolerance"] = [str(exc)]
    periods = periods_of(plan)
    targets = {t.pk: t for t in Target.objects.filter(task__plan=plan)}
    parsed = {}
    for target_id, text in weights.items():
        target = targets.get(int(target_id)) if str(target_id).isdigit() else None
        if target is None:
            errors.setdefault("__all__", []).append(_("目标 %(id)s 不属于该计划。") % {"id": target_id})
            continue
        try:
            parsed[target.pk] = rules.parse_weights(text, periods)
        except ValueError as exc:
            errors[f"weights_{target.pk}"] = [_("“%(indicator)s”：%(why)s") % {"indicator": target.indicator,
                                                                               "why": exc}]
    if errors:
        raise ValidationError(errors)
    plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
    plan.pace_tolerance = tolerance
    plan._luoshi_actor = user
    plan.save(update_fields=["pace_tolerance"])
    for target_id, values in parsed.items():
        target = targets[target_id]
        clean = [int(v) if v == v.to_integral_value() else float(v) for v in values]
        if target.pace_weights != clean:
            target.pace_weights = clean
            target._luoshi_actor = user
            target.save(update_fields=["pace_weights"])
    year = min(max(timezone.localdate().year, plan.period_start), plan.period_end)
    # The lights follow the new curve: queue the plan's full roll-up by the job's name (rollups.jobs runs
    # this package's daily job, so importing it here would make a cycle).
    transaction.on_commit(lambda: current_app.tasks["reports.jobs.rollup_plan"].delay(plan.pk, year))
    return plan


# ---------------------------------------------------------------- 通报 drafted on round close

def auto_draft_bulletin(round_id: int) -> Bulletin | None:
    """Draft the 通报 of a closed round if it has none (never touches an existing one, edited or
    published). Returns the new draft, or None."""
    from .. import engine
    from ..bulletins import draft_text

    rnd = ReportingRound.objects.select_related("plan").filter(pk=round_id, closed=True).first()
    if rnd is None or Bulletin.objects.filter(round=rnd).exists():
        return None
    engine.ensure_rolled_up([rnd.plan_id], rnd.period_end.year)
    title, body = draft_text(rnd)
    try:
        with transaction.atomic():
            bulletin, created = Bulletin.objects.get_or_create(round=rnd, defaults={"title": title, "body": body})
    except IntegrityError:  # drafted meanwhile by the office or another run
        return None
    return bulletin if created else None
