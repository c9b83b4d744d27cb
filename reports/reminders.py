"""Reminders and 催办: who is late, telling them (in-app and by e-mail), and logging every message.

* Scheduled reminders — ``send_round_reminders`` — go to the units of a round whose
  reports have not yet reached the office (draft, returned, or waiting for the unit's
  approver). The steps are days relative to the unit's due date (its extension if it has
  one): negative steps remind before the due date, positive steps chase after it. On any
  day only the latest step reached is sent, and each (round, unit, step) at most once —
  ``ReminderLog``'s unique constraint makes that hold even when two runs overlap.
* 催办 — ``chase_unit`` — the office writes to one unit with its own message; any number of times.
* Workflow notices — ``notify_transition`` — tell the next person in the chain (in-app only).

E-mail goes through Django's mail API (console backend unless configured).
"""
import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from units.models import Unit, UnitRole
from units.selectors import access_for

from .models import (
    DeadlineExtension,
    Notification,
    ProgressReport,
    ReminderLog,
    ReportingRound,
    ReportingSchedule,
)
from .selectors import MISSING_STATUSES, open_rounds

log = logging.getLogger(__name__)
Role = UnitRole.Role
Kind = ReminderLog.Kind
CHASE_MAX_LENGTH = 1000


# ---------------------------------------------------------------- who gets told

def unit_people(unit_ids, roles=(Role.REPORTER, Role.APPROVER)):
    """Active users holding ``roles`` in the given units, each once, in a stable order."""
    User = get_user_model()
    return list(
        User.objects.filter(is_active=True, unit_roles__unit_id__in=unit_ids, unit_roles__role__in=roles)
        .distinct()
        .order_by("username")
    )


def office_people(committee_id):
    User = get_user_model()
    return list(
        User.objects.filter(
            is_active=True, unit_roles__unit__committee_id=committee_id, unit_roles__role__in=[Role.OFFICE, Role.ADMIN]
        )
        .distinct()
        .order_by("username")
    )


def _deliver(users, *, kind, title, body, link, rnd=None, report=None, email=False, connection=None):
    """Create one in-app notification per user and, if asked, send each one an e-mail. Returns e-mails sent."""
    Notification.objects.bulk_create(
        [Notification(user=u, kind=kind, title=title[:200], body=body[:4000], link=link, round=rnd, report=report)
         for u in users]
    )
    if not email:
        return 0
    messages = [
        EmailMessage(subject=title, body=f"{body}\n\n{settings.LUOSHI_SITE_URL.rstrip('/')}{link}",
                     from_email=settings.DEFAULT_FROM_EMAIL, to=[u.email],
                     connection=connection)
        for u in users if u.email
    ]
    if not messages:
        return 0
    connection = connection or get_connection()
    return connection.send_messages(messages) or 0


def _recipients_text(users):
    return "；".join(f"{u.get_full_name() or u.username} <{u.email or '—'}>" for u in users)


# ---------------------------------------------------------------- scheduled reminders

def offsets_for(rnd: ReportingRound) -> list[int]:
    """The reminder steps of a round: its plan's schedule for that period kind, else the settings default."""
    schedule = ReportingSchedule.objects.filter(plan_id=rnd.plan_id, frequency=rnd.period_kind).first()
    if schedule is not None:
        return schedule.offsets
    return sorted(set(getattr(settings, "LUOSHI_REMINDER_OFFSETS", [-3, 1, 7])))


def step_for(offsets, due: datetime.date, today: datetime.date):
    """The latest step reached on ``today``, or None. A step before the due date never fires after it."""
    reached = [o for o in offsets if _reached(due, o, today) and not (o < 0 and today > due)]
    return max(reached) if reached else None


def _reached(due, offset, today):
    try:
        return due + datetime.timedelta(days=offset) <= today
    except OverflowError:  # a due date at the edge of the calendar: the step lies beyond it
        return offset < 0


def missing_by_unit(rnd):
    """{unit_id: (missing, waiting for the unit's approver, returned)} for the units that have not finished."""
    S = ProgressReport.Status
    rows = (
        ProgressReport.objects.filter(round=rnd, status__in=MISSING_STATUSES)
        .values("unit_id")
        .annotate(
            missing=Count("id"),
            submitted=Count("id", filter=Q(status=S.SUBMITTED)),
            returned=Count("id", filter=Q(status=S.RETURNED)),
        )
    )
    return {r["unit_id"]: (r["missing"], r["submitted"], r["returned"]) for r in rows}


def _reminder_text(rnd, unit, due, step, missing, submitted, returned, today):
    if step > 0:
        title = _("【逾期催报】%(round)s：%(unit)s有%(n)s项报告逾期未报送") % {
            "round": rnd.period_label, "unit": unit.short_name, "n": missing}
        lead = _("截止日期 %(due)s 已过 %(days)s 天，") % {"due": due.isoformat(), "days": (today - due).days}
    else:
        title = _("【截止提醒】%(round)s：%(unit)s有%(n)s项报告将于%(due)s截止") % {
            "round": rnd.period_label, "unit": unit.short_name, "n": missing, "due": due.isoformat()}
        lead = _("距截止日期 %(due)s 还有 %(days)s 天，") % {"due": due.isoformat(), "days": (due - today).days}
    body = lead + _("%(plan)s %(round)s 尚有 %(n)s 项进展报告未报送残工委办公室") % {
        "plan": rnd.plan.title, "round": rnd.period_label, "n": missing}
    details = []
    if submitted:
        details.append(_("其中 %(n)s 项待本单位审核人审核") % {"n": submitted})
    if returned:
        details.append(_("%(n)s 项被退回待修改") % {"n": returned})
    body += ("（" + "，".join(details) + "）" if details else "") + _("。请登录“落实”系统“我的任务”及时填报。")
    return title, body


def send_round_reminders(*, round_id: int, today: datetime.date) -> list[int]:
    """Send the due step's reminder to every unit of the round with missing reports; returns the new log ids.

    Idempotent: a unit already reminded at this step is skipped.
    """
    rnd = ReportingRound.objects.select_related("plan").filter(pk=round_id).first()
    if rnd is None or not open_rounds(today).filter(pk=rnd.pk).exists():
        return []
    offsets = offsets_for(rnd)
    if not offsets:
        return []
    missing = missing_by_unit(rnd)
    if not missing:
        return []
    extensions = dict(DeadlineExtension.objects.filter(round=rnd).values_list("unit_id", "due_on"))
    units = {u.pk: u for u in Unit.objects.filter(pk__in=missing)}
    done = set(ReminderLog.objects.filter(round=rnd, step__isnull=False).values_list("unit_id", "step"))
    link = reverse("my-tasks")
    created = []
    for unit_id, counts in sorted(missing.items()):
        # One unit's failure is logged and the others still get their reminders.
        try:
            entry = _remind_unit(rnd, units[unit_id], counts, extensions.get(unit_id, rnd.due_on), offsets, done,
                                 link, today)
        except Exception:  # noqa: BLE001 — logged with its traceback; the job goes on
            log.exception("reminder for round %s, unit %s failed", rnd.pk, unit_id)
            continue
        if entry is not None:
            created.append(entry.pk)
    return created


def _remind_unit(rnd, unit, counts, due, offsets, done, link, today):
    """The reminder of one unit at the step reached today, or None (no step, already sent, or a concurrent run)."""
    n_missing, n_submitted, n_returned = counts
    step = step_for(offsets, due, today)
    if step is None or (unit.pk, step) in done:
        return None
    title, body = _reminder_text(rnd, unit, due, step, n_missing, n_submitted, n_returned, today)
    try:
        with transaction.atomic():
            people = unit_people([unit.pk])
            entry = ReminderLog.objects.create(
                round=rnd, unit=unit, kind=Kind.OVERDUE if step > 0 else Kind.BEFORE_DUE, step=step, due_on=due,
                missing=n_missing, message=body, recipients=_recipients_text(people),
            )
            kind = Notification.Kind.OVERDUE if step > 0 else Notification.Kind.REMINDER
            entry.emails_sent = _deliver(people, kind=kind, title=title, body=body, link=link, rnd=rnd, email=True)
            entry.save(update_fields=["emails_sent"])
    except IntegrityError:  # a concurrent run logged this step first
        return None
    return entry


def rounds_needing_reminders(today: datetime.date) -> list[int]:
    """Open rounds that still have missing reports (the dispatcher fans out one job per round)."""
    return list(
        open_rounds(today).filter(reports__status__in=MISSING_STATUSES).values_list("pk", flat=True).distinct().order_by("pk")
    )


# ---------------------------------------------------------------- 催办 by the office

def chase_unit(*, rnd: ReportingRound, unit: Unit, user, message: str) -> ReminderLog:
    """The office sends a 催办 to one unit of a round, with its own message (logged, in-app and e-mail)."""
    if not access_for(user).is_office_of(rnd.plan.committee_id):
        raise PermissionDenied(_("只有本级残工委办公室可以催办。"))
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": [_("请填写催办内容，说明需要对方做什么。")]})
    if len(message) > CHASE_MAX_LENGTH:
        raise ValidationError({"message": [_("催办内容不能超过%(n)s字（现为%(len)s字）。") % {
            "n": CHASE_MAX_LENGTH, "len": len(message)}]})
    if rnd.closed:
        raise ValidationError(_("该填报轮次已关闭，不能再催办。"), code="closed")
    if not ProgressReport.objects.filter(round=rnd, unit=unit).exists():
        raise ValidationError(_("%(unit)s在该轮次没有填报任务，无需催办。") % {"unit": unit.short_name}, code="not_assigned")
    missing = ProgressReport.objects.filter(round=rnd, unit=unit, status__in=MISSING_STATUSES).count()
    ext = DeadlineExtension.objects.filter(round=rnd, unit=unit).first()
    title = _("【催办】%(round)s：残工委办公室提醒%(unit)s") % {"round": rnd.period_label, "unit": unit.short_name}
    with transaction.atomic():
        people = unit_people([unit.pk])
        entry = ReminderLog.objects.create(
            round=rnd, unit=unit, kind=Kind.CHASE, step=None, due_on=ext.due_on if ext else rnd.due_on,
            missing=missing, message=message, recipients=_recipients_text(people), sent_by=user,
        )
        entry.emails_sent = _deliver(people, kind=Notification.Kind.CHASE, title=title, body=message,
                                     link=reverse("my-tasks"), rnd=rnd, email=True)
        entry.save(update_fields=["emails_sent"])
    return entry


# ---------------------------------------------------------------- workflow notices (in-app)

def notify_transition(report: ProgressReport, event: str, actor=None) -> int:
    """Tell the next people in the chain that a report moved; returns how many were told."""
    S = ProgressReport.Status
    link = reverse("report-detail", args=[report.pk])
    names = {"round": report.round.period_label, "task": report.task.ref, "unit": report.unit.short_name}
    if event == S.SUBMITTED:
        people = unit_people([report.unit_id], roles=[Role.APPROVER])
        title = _("%(round)s 任务%(task)s：%(unit)s的报告待您审核") % names
        kind = Notification.Kind.SUBMITTED
    elif event == S.APPROVED:
        people = office_people(report.task.plan.committee_id)
        title = _("%(round)s 任务%(task)s：%(unit)s的报告待办公室审阅") % names
        kind = Notification.Kind.APPROVED
    elif event == S.RETURNED:
        people = unit_people([report.unit_id], roles=[Role.REPORTER])
        title = _("%(round)s 任务%(task)s：报告被退回，请修改") % names
        kind = Notification.Kind.RETURNED
    elif event == S.ACCEPTED:
        people = unit_people([report.unit_id], roles=[Role.REPORTER, Role.APPROVER])
        title = _("%(round)s 任务%(task)s：报告已被采纳") % names
        kind = Notification.Kind.ACCEPTED
    else:
        return 0
    people = [p for p in people if actor is None or p.pk != actor.pk]
    body = report.review_comment if event == S.RETURNED else ""
    _deliver(people, kind=kind, title=title, body=body, link=link, rnd=report.round, report=report)
    return len(people)


def notify_round_opened(rnd: ReportingRound) -> int:
    """Tell the reporters of every unit with a slot that a round has opened."""
    unit_ids = list(ProgressReport.objects.filter(round=rnd).values_list("unit_id", flat=True).distinct())
    people = unit_people(unit_ids, roles=[Role.REPORTER])
    title = _("%(round)s 填报已开始，截止日期 %(due)s") % {"round": rnd.period_label, "due": rnd.due_on.isoformat()}
    _deliver(people, kind=Notification.Kind.ROUND_OPENED, title=title, body=rnd.plan.title,
             link=reverse("my-tasks"), rnd=rnd)
    return len(people)
