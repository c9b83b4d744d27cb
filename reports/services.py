"""Writes for rounds and reports. Each function is the whole change: permission,
validation, save, history — in one transaction. Views, API and jobs only call these.

Status flow of a report::

    draft ──submit──▶ submitted ──approve──▶ approved ──accept──▶ accepted
      ▲                  │                      │                    │
      └──── returned ◀───┴──── send back ───────┘ return             └─ reopen (new version, with reason)
"""
import datetime
import hashlib
import logging
import os
import uuid
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core import storage
from security.dates import check_plan_dates
from tasks.models import Assignment
from units.models import UnitRole
from units.selectors import access_for

from . import extensions, outbox, reminders, selectors, signals, uploads
from .models import (
    Attachment,
    DeadlineExtension,
    ProgressReport,
    RefusedEdit,
    ReportingRound,
    ReportingSchedule,
    TargetValue,
    WorkflowEvent,
)

logger = logging.getLogger(__name__)
Status = ProgressReport.Status
EDITABLE = selectors.EDITABLE
# "Explain if red": checks that take a report about to be submitted and return, for each target its figures
# leave below 序时进度, a message saying so — then 存在问题 must be filled in. The roll-up app registers its
# check here (it knows the curves; this app sits below it and cannot ask it directly).
EXPLANATION_CHECKS: list = []


def explanation_needed(report) -> list[str]:
    """The messages of the registered checks for ``report`` (empty when nothing lags)."""
    messages = []
    for check in EXPLANATION_CHECKS:
        messages.extend(check(report))
    return messages
FIGURE_CEILING = Decimal("1e12")
#: Targets counted in these units take whole numbers only (人, 户, 个, 处, 所, 次).
WHOLE_UNITS = frozenset({"人", "户", "个", "处", "所", "次"})


class StaleVersion(Exception):
    """Someone saved the report after the caller loaded it; the caller's edit is kept aside."""

    def __init__(self, report, refused_edit):
        self.report = report
        self.refused_edit = refused_edit
        super().__init__(
            _("该报告已被%(who)s于%(when)s修改（当前版本 %(version)s）。您的修改未覆盖对方内容，已另行保存，请刷新后核对再提交。")
            % {
                "who": report.updated_by or _("他人"),
                "when": timezone.localtime(report.updated_at).strftime("%Y-%m-%d %H:%M"),
                "version": report.version,
            }
        )


# ---------------------------------------------------------------- rounds

@transaction.atomic
def create_round(*, plan, period_kind, period_label, period_start, period_end, opens_on, due_on) -> ReportingRound:
    """Open a reporting round and create the expected report slots (one per task and assigned unit)."""
    rnd = ReportingRound(
        plan=plan,
        period_kind=period_kind,
        period_label=period_label,
        period_start=period_start,
        period_end=period_end,
        opens_on=opens_on,
        due_on=due_on,
    )
    rnd.full_clean()
    rnd.save()
    ensure_report_slots(rnd)
    return rnd


def ensure_report_slots(rnd: ReportingRound) -> int:
    """Create the missing draft reports of a round; safe to run again (returns how many were made)."""
    existing = set(ProgressReport.objects.filter(round=rnd).values_list("task_id", "unit_id"))
    wanted = Assignment.objects.filter(task__plan_id=rnd.plan_id).values_list("task_id", "unit_id")
    new = [ProgressReport(round=rnd, task_id=t, unit_id=u) for t, u in wanted if (t, u) not in existing]
    ProgressReport.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def due_date_for(report) -> datetime.date:
    ext = report.round.extensions.filter(unit_id=report.unit_id).first()
    return ext.due_on if ext else report.round.due_on


# ---------------------------------------------------------------- checks

def _require(condition, message):
    if not condition:
        raise PermissionDenied(message)


def _check_open(report):
    if not selectors.report_is_open(report):
        raise ValidationError(_("该填报轮次已关闭，不能再修改。如需更正，请联系残工委办公室。"), code="closed")
    if not Assignment.objects.filter(task_id=report.task_id, unit_id=report.unit_id).exists():
        raise ValidationError(_("该任务未分配给本单位，不能填报。"), code="not_assigned")


def figure_bound(target) -> Decimal:
    """The largest figure accepted for ``target``: 100 for a percentage, else a multiple of the target value."""
    if target.measure_unit == "%":
        return Decimal(100)
    factor = Decimal(getattr(settings, "LUOSHI_FIGURE_SANITY_FACTOR", 20))
    return min(max(target.value * factor, Decimal(1000)), FIGURE_CEILING).normalize()


def clean_figure(raw, target) -> Decimal:
    """Parse and bound a reported cumulative figure; raise a Chinese message saying what to fix."""
    label = f"{target.indicator}（{target.measure_unit}）"
    try:
        value = Decimal(str(raw).strip().replace(",", "").replace("，", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("“%(label)s”的完成值必须是数字，收到的是“%(raw)s”。") % {"label": label, "raw": raw}) from None
    if not value.is_finite():
        raise ValidationError(_("“%(label)s”的完成值必须是数字。") % {"label": label})
    if value < 0:
        raise ValidationError(_("“%(label)s”的完成值不能为负数。") % {"label": label})
    if target.measure_unit in WHOLE_UNITS and value != value.to_integral_value():
        raise ValidationError(_("“%(label)s”以“%(unit)s”计，完成值须为整数，收到的是 %(value)s。") % {
            "label": label, "unit": target.measure_unit, "value": f"{value.normalize():f}"})
    if target.measure_unit == "%" and value > 100:
        raise ValidationError(_("“%(label)s”是百分比，完成值不能超过100。") % {"label": label})
    bound = figure_bound(target)
    if value > bound:
        raise ValidationError(
            _("“%(label)s”的完成值 %(value)s 远超目标值 %(target)s，请核对是否多填了位数（上限 %(bound)s）。")
            % {"label": label, "value": f"{value.normalize():f}", "target": f"{target.value.normalize():f}",
               "bound": f"{bound:f}"}
        )
    return value.quantize(Decimal("0.0001"))


# ---------------------------------------------------------------- the reporter's edits

def save_draft(*, report: ProgressReport, user, version: int, progress: str = "", problems: str = "",
               next_steps: str = "", figures: dict | None = None, reason: str = "",
               reply: str | None = None) -> ProgressReport:
    """Save the narrative and figures of a report the user's unit is writing.

    ``version`` is the version the user loaded; if someone saved since, the edit is kept
    as a ``RefusedEdit`` and ``StaleVersion`` is raised — nothing is overwritten.
    ``figures`` maps target ids to a value or ``(value, note)``. ``reply`` is the answer to the
    return comment (``None``: left as it is).
    """
    return _saved(report, user, version, progress, problems, next_steps, figures, reason, reply, submit_after=False)


def save_and_submit(*, report: ProgressReport, user, version: int, progress: str = "", problems: str = "",
                    next_steps: str = "", figures: dict | None = None, reply: str | None = None) -> ProgressReport:
    """保存并提交 as one transaction: the draft is saved and submitted, or neither happens.

    A crash between the two can no longer leave a saved, unsubmitted version behind (whose
    next save would then be refused as stale, naming the user themself).
    """
    return _saved(report, user, version, progress, problems, next_steps, figures, "", reply, submit_after=True)


def _saved(report, user, version, progress, problems, next_steps, figures, reason, reply=None, *, submit_after):
    _require(selectors.allowed_actions(user, report).reporter, _("只有本单位的填报人可以修改该报告。"))
    try:
        with transaction.atomic():
            saved = _save_draft_locked(report, user, version, progress, problems, next_steps, figures or {}, reason,
                                       reply)
            # Still locked and checked open in this transaction: submit without doing either again.
            return _submit_locked(saved, user) if submit_after else saved
    except _Stale as stale:
        # Outside the rolled-back transaction: the refused edit is kept, nothing typed is lost —
        # up to REFUSED_EDITS_PER_HOUR per person and report (a flood would only bury the real ones).
        since = timezone.now() - datetime.timedelta(hours=1)
        recent = RefusedEdit.objects.filter(report=stale.current, user=user if getattr(user, "pk", None) else None,
                                            created_at__gte=since).count()
        if recent >= settings.LUOSHI_REFUSED_EDITS_PER_HOUR:
            raise StaleVersion(stale.current, None) from None
        refused = RefusedEdit.objects.create(
            report=stale.current,
            user=user,
            based_on_version=version,
            payload={
                "progress": progress,
                "problems": problems,
                "next_steps": next_steps,
                **({"reply": reply} if reply else {}),
                "figures": {str(k): str(v[0] if isinstance(v, tuple) else v) for k, v in (figures or {}).items()},
            },
        )
        raise StaleVersion(stale.current, refused) from None


class _Stale(Exception):
    def __init__(self, current):
        self.current = current


@transaction.atomic
def _save_draft_locked(report, user, version, progress, problems, next_steps, figures, reason, reply=None):
    current = _locked(report)
    if current.version != version:
        raise _Stale(current)
    _check_open(current)
    if current.status not in EDITABLE:
        raise ValidationError(
            _("该报告当前状态为“%(status)s”，不能修改。") % {"status": current.get_status_display()}, code="not_editable"
        )
    # The task's targets with this report's figures and the unit's last accepted ones: one read.
    rows = selectors.report_targets(current)
    targets = {t.pk: t for t in rows}
    cleaned, errors = {}, []
    reasons = dict(current.empty_reasons or {})
    for target_id, raw in figures.items():
        value, note, confirm = (tuple(raw) + ("", False))[:3] if isinstance(raw, tuple) else (raw, "", False)
        target = targets.get(int(target_id)) if str(target_id).isdigit() else None
        if target is None:
            errors.append(_("目标 %(id)s 不属于该任务。") % {"id": target_id})
            continue
        if value in (None, ""):
            # No figure: a note is the reason it is left empty (参加单位 may do so).
            if (note or "").strip():
                reasons[str(target.pk)] = note.strip()[:500]
            continue
        reasons.pop(str(target.pk), None)
        try:
            cleaned[target.pk] = (clean_figure(value, target), (note or "")[:500], bool(confirm))
        except ValidationError as exc:
            errors.extend(exc.messages)
    current.empty_reasons = reasons
    current.progress, current.problems, current.next_steps = progress, problems, next_steps
    if reply is not None:
        current.comment_reply = reply
    current.updated_by = user
    current.version += 1
    if current.status == Status.RETURNED:
        current.status = Status.DRAFT
    try:
        current.full_clean(exclude=["round", "task", "unit"])
    except ValidationError as exc:
        errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    current._change_reason = reason or _("保存草稿")
    current._history_user = user  # who, whatever the channel (web, API, Excel, job)
    current.save()
    last = {t.pk: t.last.value for t in rows if t.last is not None}
    stored = {t.pk: t.current for t in rows if t.current is not None}
    created, changed = [], []
    for target_id, (value, note, confirm) in cleaned.items():
        below = target_id in last and value < last[target_id] and confirm
        existing = stored.get(target_id)
        if existing is None:
            created.append(TargetValue(report=current, target_id=target_id, value=value, note=note, below_last=below))
        elif existing.value != value or existing.note != note or existing.below_last != below:
            existing.value, existing.note, existing.below_last = value, note, below
            changed.append(existing)
    # The figures and their history rows in a few statements, whatever the number of targets.
    if created:
        bulk_create_with_history(created, TargetValue, default_user=user)
    if changed:
        bulk_update_with_history(changed, TargetValue, ["value", "note", "below_last"], default_user=user)
    return current


def figure_problems(report) -> list[str]:
    """Why a report cannot be submitted yet on its figures (empty list: it can).

    The lead unit gives a figure for every target of the task; a participating unit may leave
    one empty with a reason. A cumulative figure below the unit's last accepted one must be
    confirmed, with the reason in its 数据说明.
    """
    targets = selectors.report_targets(report)
    if not targets:
        return []
    is_lead = Assignment.objects.filter(task_id=report.task_id, unit_id=report.unit_id,
                                        role=Assignment.Role.LEAD).exists()
    reasons = report.empty_reasons or {}
    problems = []
    for target in targets:
        label = f"{target.indicator}（{target.measure_unit}）"
        value = target.current
        if value is None:
            if is_lead:
                problems.append(_("牵头单位须填写“%(label)s”的累计完成值后再提交。") % {"label": label})
            elif not (reasons.get(str(target.pk)) or "").strip():
                problems.append(_("“%(label)s”未填写完成值：请填写，或在数据说明中写明不填的原因。") % {"label": label})
            continue
        if target.last is not None and value.value < target.last.value and not (value.below_last and value.note.strip()):
            problems.append(_("“%(label)s”的累计完成值 %(value)s 低于本单位上期采纳的 %(last)s（%(round)s）。"
                              "累计数通常不应减少：如确实如此，请勾选确认并在数据说明中写明原因。") % {
                "label": label, "value": f"{value.value.normalize():f}", "last": f"{target.last.value.normalize():f}",
                "round": target.last.report.round.period_label})
    return problems


def _transition(report, user, *, to, reason, **stamps):
    report.status = to
    report.version += 1
    report.updated_by = user
    for field, value in stamps.items():
        setattr(report, field, value)
    report._change_reason = reason
    report._history_user = user
    report.save()
    reminders.notify_transition(report, to, user)
    return report


def _require_other_person(report, user, message):
    """Nobody signs off what they submitted themselves (an API client, a system acting for units, is exempt)."""
    if getattr(user, "_luoshi_api_client", None) is None and report.submitted_by_id == getattr(user, "pk", None):
        raise PermissionDenied(message)


def _locked(report):
    """The report, locked for this transaction.

    Only the report's own row is locked for update (``of=self``): a plain ``FOR UPDATE`` with
    ``select_related`` would lock the round, task and plan rows too, and every write in a round
    would wait for every other — on a deadline day, hundreds of units queueing behind each
    other. The round is held with a shared lock instead, so that closing it (or extending its
    deadline, which lock it for update) waits for the writes in flight, and they for it.
    """
    report = ProgressReport.objects.select_for_update(of=("self",)).select_related("round", "task__plan") \
        .get(pk=report.pk)
    share_lock_round(report.round_id)
    return report


def share_lock_round(round_id):
    """``FOR SHARE`` on the round's row (PostgreSQL; SQLite locks the whole database anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM reports_reportinground WHERE id = %s FOR SHARE", [round_id])


@transaction.atomic
def submit(*, report, user) -> ProgressReport:
    """Send a report to the unit's approver (or straight to the office if the unit has none)."""
    _require(selectors.allowed_actions(user, report).reporter, _("只有本单位的填报人可以提交该报告。"))
    report = _locked(report)
    _check_open(report)
    return _submit_locked(report, user)


def _submit_locked(report, user):
    """``submit`` of a report already locked, and checked open and assigned, in this transaction."""
    if report.status not in EDITABLE:
        raise ValidationError(_("该报告已提交，不能重复提交。"), code="not_editable")
    if not report.progress.strip():
        raise ValidationError({"progress": [_("请填写“进展情况”后再提交。")]})
    problems = figure_problems(report)
    if problems:
        raise ValidationError(problems, code="figures")
    blockers = extensions.submit_blockers(report)
    if blockers:
        raise ValidationError(blockers, code="blocked")
    if not report.problems.strip():
        lagging = explanation_needed(report)
        if lagging:
            raise ValidationError({"problems": [
                *lagging, _("本期数据低于序时进度，请在“存在问题”中说明原因后再提交。")]}, code="explain")
    now = timezone.now()
    # Separation of duties: an approver who submits their own report needs another approver;
    # if there is none, the report goes straight to the office.
    has_approver = (UnitRole.objects.filter(unit_id=report.unit_id, role=UnitRole.Role.APPROVER)
                    .exclude(user=user).exists())
    if has_approver:
        return _transition(report, user, to=Status.SUBMITTED, reason=_("提交单位审核"), submitted_at=now, submitted_by=user)
    return _transition(
        report, user, to=Status.APPROVED, reason=_("提交（本单位未设审核人，直接报送办公室）"),
        submitted_at=now, submitted_by=user,
    )


def submit_batch(*, user, rnd, unit, report_ids) -> tuple[list, list]:
    """批量提交 after an Excel upload: submit each chosen draft of ``unit`` in ``rnd`` through ``submit``
    (its own transaction and version). Only a reporter of the unit; reports of another unit or
    round, or no longer drafts, are refused by name. Returns (submitted reports, refusal messages)."""
    _require(access_for(user).is_reporter_of(unit.pk), _("只有本单位的填报人可以提交该单位的报告。"))
    ids = {int(pk) for pk in report_ids}
    found = {r.pk: r for r in ProgressReport.objects.filter(pk__in=ids, round=rnd, unit=unit)
             .select_related("round", "task__plan", "unit")}
    submitted, refused = [], []
    for pk in sorted(ids):
        report = found.get(pk)
        if report is None:
            refused.append(_("报告 %(id)s 不是%(unit)s本轮次的报告，未提交。") % {"id": pk, "unit": unit.short_name})
            continue
        try:
            submitted.append(submit(report=report, user=user))
        except ValidationError as exc:
            refused.append(_("任务%(task)s：%(why)s") % {"task": report.task.ref, "why": "；".join(exc.messages)})
    return submitted, refused


@transaction.atomic
def approve(*, report, user) -> ProgressReport:
    """The unit's approver signs off: the report reaches the committee office."""
    _require(selectors.allowed_actions(user, report).approver, _("只有本单位的审核人可以审核该报告。"))
    report = _locked(report)
    _check_open(report)
    if report.status != Status.SUBMITTED:
        raise ValidationError(_("只有“待单位审核”的报告可以审核通过。"), code="bad_status")
    _require_other_person(report, user, _("不能审核自己提交的报告：请由本单位的另一位审核人审核。"))
    return _transition(report, user, to=Status.APPROVED, reason=_("单位审核通过"), approved_at=timezone.now(), approved_by=user)


def _clean_comment(comment):
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": [_("退回时请写明退回原因，便于单位修改。")]})
    if len(comment) > 2000:
        raise ValidationError({"comment": [_("退回意见不能超过2000字。")]})
    return comment


@transaction.atomic
def send_back(*, report, user, comment) -> ProgressReport:
    """The unit's approver returns the report to the reporter inside the unit."""
    _require(selectors.allowed_actions(user, report).approver, _("只有本单位的审核人可以退回该报告。"))
    comment = _clean_comment(comment)
    report = _locked(report)
    _check_open(report)
    if report.status != Status.SUBMITTED:
        raise ValidationError(_("只有“待单位审核”的报告可以由单位审核人退回。"), code="bad_status")
    return _transition(report, user, to=Status.RETURNED, reason=_("单位审核退回：%(c)s") % {"c": comment},
                       review_comment=comment, comment_reply="")


@transaction.atomic
def accept(*, report, user, version: int | None = None) -> ProgressReport:
    """The committee office accepts the report; it becomes read-only and counts in roll-ups.

    ``version``: the version the office read; a report changed since is refused, not accepted unseen.
    """
    report = _locked(report)
    _require(selectors.allowed_actions(user, report).office, _("只有残工委办公室可以采纳报告。"))
    if report.status != Status.APPROVED:
        raise ValidationError(_("只有“待办公室审阅”的报告可以采纳。"), code="bad_status")
    _require_other_person(report, user, _("不能采纳自己提交的报告：请由办公室的另一位工作人员审阅。"))
    if version is not None and report.version != version:
        raise ValidationError(_("任务%(task)s（%(unit)s）的报告在您打开页面后已有变化（当前第%(v)s版），请查看后再采纳。") % {
            "task": report.task.ref, "unit": report.unit.short_name, "v": report.version}, code="stale")
    report = _transition(report, user, to=Status.ACCEPTED, reason=_("办公室采纳"), reviewed_at=timezone.now(), reviewed_by=user)
    _rollup_after_commit(report)
    return report


def accept_batch(*, user, items) -> tuple[list, list]:
    """批量采纳: accept each ``(report id, version)`` through ``accept`` — one transaction and one
    version per report. Reports the user may not read count as not found. Returns
    (accepted reports, refusal messages); one refusal never stops the others."""
    wanted = {}
    for pk, version in items:
        wanted[int(pk)] = int(version)
    found = {r.pk: r for r in selectors.visible_reports(user).filter(pk__in=list(wanted)).select_related("task__plan")}
    accepted, refused = [], []
    for pk, version in wanted.items():
        report = found.get(pk)
        if report is None:
            refused.append(_("报告 %(id)s 不存在或您无权查看。") % {"id": pk})
            continue
        try:
            accepted.append(accept(report=report, user=user, version=version))
        except PermissionDenied as exc:
            refused.append(str(exc))
        except ValidationError as exc:
            refused.extend(exc.messages)
    return accepted, refused


def _rollup_after_commit(report):
    """Owe a roll-up: recorded with the change itself, sent once it commits (the outbox)."""
    outbox.record(kind=WorkflowEvent.Kind.REPORT_COUNTING_CHANGED, report=report)


@transaction.atomic
def return_report(*, report, user, comment) -> ProgressReport:
    """The committee office returns the report to the unit with a comment."""
    comment = _clean_comment(comment)
    report = _locked(report)
    _require(selectors.allowed_actions(user, report).office, _("只有残工委办公室可以退回报告。"))
    if report.status != Status.APPROVED:
        raise ValidationError(_("只有“待办公室审阅”的报告可以退回。"), code="bad_status")
    return _transition(
        report, user, to=Status.RETURNED, reason=_("办公室退回：%(c)s") % {"c": comment},
        review_comment=comment, comment_reply="", reviewed_at=timezone.now(), reviewed_by=user,
    )


@transaction.atomic
def reopen(*, report, user, reason) -> ProgressReport:
    """Correct an accepted report: it becomes a draft again with a new version; the accepted one stays in history."""
    report = _locked(report)
    actions = selectors.allowed_actions(user, report)
    _require(actions.reporter or actions.office, _("只有本单位填报人或残工委办公室可以更正已采纳的报告。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("更正已采纳的报告时请写明原因。")]})
    _check_open(report)
    if report.status != Status.ACCEPTED:
        raise ValidationError(_("只有已采纳的报告需要更正；其他状态可直接修改。"), code="bad_status")
    # An old return comment is settled: it is not shown again on the corrected draft.
    report = _transition(report, user, to=Status.DRAFT, reason=_("更正：%(r)s") % {"r": reason},
                         review_comment="", comment_reply="")
    _rollup_after_commit(report)  # its figures no longer count
    return report


# ---------------------------------------------------------------- the office: rounds, deadlines, schedules

def _require_office(user, plan):
    _require(access_for(user).is_office_of(plan.committee_id), _("只有本级残工委办公室可以进行该操作。"))


@transaction.atomic
def open_round(*, plan, user, period_kind, period_label, period_start, period_end, opens_on, due_on) -> ReportingRound:
    """The office opens a round of any kind by hand (a regular period, or an extra 专项调度)."""
    _require(access_for(user).is_office_of(plan.committee_id), _("只有该计划所属残工委的办公室可以开启填报轮次。"))
    fields = {"period_label": period_label, "period_start": period_start, "period_end": period_end,
              "opens_on": opens_on, "due_on": due_on}
    if period_kind == ReportingRound.PeriodKind.EXTRA:
        return open_extra_round(plan=plan, user=user, **fields)
    if plan.status == plan.Status.CLOSED:
        raise ValidationError(_("该工作计划已结束，不能再开启填报轮次。"), code="closed")
    return create_round(plan=plan, period_kind=period_kind, **fields)


@transaction.atomic
def open_extra_round(*, plan, user, period_label, period_start, period_end, opens_on, due_on) -> ReportingRound:
    """The office opens a round by hand (专项调度, e.g. a mid-year review); its slots are created at once."""
    _require_office(user, plan)
    if plan.status in (plan.Status.CLOSED, plan.Status.ARCHIVED):
        raise ValidationError(_("该工作计划已结束，不能再开启填报轮次。"), code="closed")
    if plan.status == plan.Status.DRAFT:
        raise ValidationError(_("该工作计划还是草稿，请先发布再开启填报轮次。"), code="draft")
    period_label = (period_label or "").strip()
    if ReportingRound.objects.filter(plan=plan, period_kind=ReportingRound.PeriodKind.EXTRA,
                                     period_label=period_label).exists():
        raise ValidationError({"period_label": [_("该计划已有名为“%(label)s”的专项调度，请换一个名称。") % {
            "label": period_label}]})
    if period_start and period_end and period_end < period_start:
        raise ValidationError({"period_end": [_("期间结束不能早于期间开始。")]})
    if opens_on and due_on and due_on < opens_on:
        raise ValidationError({"due_on": [_("截止日期不能早于开始填报日期。")]})
    rnd = create_round(plan=plan, period_kind=ReportingRound.PeriodKind.EXTRA, period_label=period_label,
                       period_start=period_start, period_end=period_end, opens_on=opens_on, due_on=due_on)
    reminders.notify_round_opened(rnd)
    return rnd


@transaction.atomic
def extend_deadline(*, round, user, unit, due_on, reason="") -> DeadlineExtension:
    """Grant one unit a later due date for one round (granting again replaces the earlier extension)."""
    rnd = ReportingRound.objects.select_for_update(of=("self",)).select_related("plan").get(pk=round.pk)
    _require_office(user, rnd.plan)
    if rnd.closed:
        raise ValidationError(_("该填报轮次已关闭，不能再延期。"), code="closed")
    if not ProgressReport.objects.filter(round=rnd, unit=unit).exists():
        raise ValidationError({"unit": [_("%(unit)s在该轮次没有填报任务。") % {"unit": unit.short_name}]})
    if due_on is None or due_on <= rnd.due_on:
        raise ValidationError({"due_on": [_("延期后的截止日期须晚于本轮截止日期 %(due)s。") % {"due": rnd.due_on.isoformat()}]})
    check_plan_dates(rnd.plan, due_on=(due_on, _("延期后的截止日期")))
    reason = (reason or "").strip()
    if len(reason) > 300:
        raise ValidationError({"reason": [_("延期原因不能超过300字。")]})
    ext, _created = DeadlineExtension.objects.update_or_create(
        round=rnd, unit=unit, defaults={"due_on": due_on, "reason": reason, "granted_by": user},
    )
    return ext


@transaction.atomic
def close_round(*, round, user) -> ReportingRound:
    """Close a round: nothing in it can be edited or submitted any more (accepted reports stay as they are)."""
    rnd = ReportingRound.objects.select_for_update(of=("self",)).select_related("plan").get(pk=round.pk)
    _require_office(user, rnd.plan)
    if not rnd.closed:
        rnd.closed = True
        rnd._luoshi_actor = user  # for the audit trail (security/signals.py)
        rnd.save(update_fields=["closed"])
        # robust: a receiver's failure (the broker away) never undoes the closing; the nightly job catches up.
        transaction.on_commit(lambda: signals.round_closed.send(sender=ReportingRound, round_id=rnd.pk), robust=True)
    return rnd


@transaction.atomic
def set_schedule(*, plan, user, frequency, due_days, reminder_offsets="", active=True) -> ReportingSchedule:
    """Create or change a plan's reporting schedule for one frequency (monthly, quarterly, half-year, year-end)."""
    _require_office(user, plan)
    schedule = ReportingSchedule.objects.filter(plan=plan, frequency=frequency).first() or ReportingSchedule(
        plan=plan, frequency=frequency
    )
    schedule.due_days, schedule.reminder_offsets, schedule.active = due_days, (reminder_offsets or "").strip(), active
    schedule.full_clean()
    schedule._luoshi_actor = user  # for the audit trail (security/signals.py)
    schedule.save()
    return schedule


@transaction.atomic
def remove_schedule(*, schedule, user) -> None:
    """Remove a plan's schedule: no more rounds open by it; rounds already opened stay as they are."""
    _require_office(user, schedule.plan)
    schedule.delete()


# ---------------------------------------------------------------- evidence files

MAX_ATTACHMENTS = 20


def add_attachment(*, report, user, upload) -> Attachment:
    """Attach an evidence file to a report the user's unit is writing (checked by content and size).

    The file is written aside first and moved into place only once the row is committed: a
    storage failure gets a Chinese message and leaves neither a row nor a (partial) file.
    """
    _require(access_for(user).is_reporter_of(report.unit_id), _("只有本单位的填报人可以上传证明材料。"))
    kind = uploads.check_evidence(upload)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    original = os.path.basename(upload.name or "file")[:200]
    ext = os.path.splitext(original)[1].lower()
    name = Attachment.file.field.generate_filename(None, f"{uuid.uuid4().hex}{ext}")
    try:
        pending = storage.write_pending(name, upload)
    except storage.StorageUnavailable:
        logger.exception("evidence file for report %s could not be stored", report.pk)
        raise ValidationError(_("服务器暂时无法保存文件（存储空间不足或目录不可写）。本次没有保存任何内容，"
                                "请稍后重试；如仍失败，请联系系统管理员。"), code="storage") from None
    try:
        with transaction.atomic():
            report = _locked(report)
            _check_open(report)
            if report.status not in EDITABLE:
                raise ValidationError(_("该报告当前状态为“%(status)s”，不能再添加材料。") % {
                    "status": report.get_status_display()}, code="not_editable")
            if report.attachments.filter(removed_at__isnull=True).count() >= MAX_ATTACHMENTS:
                raise ValidationError(_("每份报告最多上传%(n)s个证明材料。") % {"n": MAX_ATTACHMENTS}, code="too_many")
            attachment = Attachment(report=report, original_name=original, size=upload.size,
                                    content_type=kind.content_type, sha256=digest.hexdigest(), uploaded_by=user)
            attachment.file.name = pending.name
            attachment.save()
            transaction.on_commit(pending.move_into_place)
    except BaseException:
        pending.discard()
        raise
    return attachment


@transaction.atomic
def remove_attachment(*, attachment, user) -> Attachment:
    """Take an evidence file off a report that is still being written; the file itself is kept."""
    report = _locked(attachment.report)
    _require(access_for(user).is_reporter_of(report.unit_id), _("只有本单位的填报人可以移除证明材料。"))
    _check_open(report)
    if report.status not in EDITABLE:
        raise ValidationError(_("该报告已提交，不能移除材料。"), code="not_editable")
    if attachment.removed_at is None:
        attachment.removed_at, attachment.removed_by = timezone.now(), user
        attachment.save(update_fields=["removed_at", "removed_by"])
    return attachment
