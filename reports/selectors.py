"""Reads for rounds and reports, filtered by what the user may see."""
import datetime
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from simple_history.models import ModelChange

from targets.models import Target
from tasks.models import Assignment, PlanImport, WorkPlan
from units.models import Unit, UnitRole
from units.selectors import COMMITTEE_WIDE_ROLES, access_for

from .models import (
    Attachment,
    DeadlineExtension,
    Notification,
    ProgressReport,
    ReminderLog,
    ReportingRound,
    TargetValue,
)

Role = UnitRole.Role
Status = ProgressReport.Status
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})


# ---------------------------------------------------------------- what a user may do with a report

def report_is_open(report) -> bool:
    """A report can still change: its round is not closed and its plan is not closed (or archived)."""
    return not report.round.closed and report.task.plan.status not in (WorkPlan.Status.CLOSED, WorkPlan.Status.ARCHIVED)


@dataclass(frozen=True)
class AllowedActions:
    """What one user may do with one report, decided once: the report page shows these buttons
    and the workflow services refuse what is not allowed here."""

    reporter: bool  # a reporter of the report's unit
    approver: bool  # an approver of the report's unit
    office: bool  # the office of the plan's committee
    open: bool
    status: str

    @property
    def edit(self) -> bool:
        return self.open and self.reporter and self.status in EDITABLE

    @property
    def approve(self) -> bool:
        return self.open and self.approver and self.status == Status.SUBMITTED

    @property
    def review(self) -> bool:
        return self.office and self.status == Status.APPROVED

    @property
    def reopen(self) -> bool:
        return self.open and (self.reporter or self.office) and self.status == Status.ACCEPTED

    history = True  # whoever may read a report may read its history


def allowed_actions(user, report) -> AllowedActions:
    access = access_for(user)
    return AllowedActions(
        reporter=access.is_reporter_of(report.unit_id),
        approver=access.is_approver_of(report.unit_id),
        office=access.is_office_of(report.task.plan.committee_id),
        open=report_is_open(report),
        status=report.status,
    )


def visible_reports(user):
    """Reports the user may read.

    Office staff and leaders read every report of their committees and of the lower
    committees whose plan derives from theirs; reporters and approvers read their own units' reports and — where their
    unit leads a task — the other units' reports on that task once they are submitted.
    """
    access = access_for(user)
    qs = ProgressReport.objects.select_related("round", "task", "unit")
    if access.is_superuser:
        return qs
    own_units = access.all_unit_ids
    led_tasks = Assignment.objects.filter(unit_id__in=own_units, role=Assignment.Role.LEAD).values("task_id")
    # Another unit's report on a task the user's unit leads becomes readable once it is
    # submitted: a draft belongs to its own unit until then.
    # Office staff and leaders read their own committees' reports, and a lower committee's
    # where its plan derives from a plan within their reach.
    own_wide = access.committees_with(*COMMITTEE_WIDE_ROLES)
    return qs.filter(
        Q(task__plan__committee_id__in=own_wide)
        | Q(task__plan__committee_id__in=access.wide_committee_ids,
            task__plan__parent__committee_id__in=access.wide_committee_ids)
        | Q(unit_id__in=own_units)
        | (Q(task_id__in=led_tasks) & ~Q(status=ProgressReport.Status.DRAFT))
    )


def reports_for_task(user, task):
    """The task's non-draft reports the user may read, newest round first, with their figures."""
    return (
        visible_reports(user)
        .filter(task=task)
        .exclude(status=ProgressReport.Status.DRAFT)
        .prefetch_related(Prefetch("values", queryset=TargetValue.objects.select_related("target")))
        .order_by("-round__period_end", "unit__order")
    )


# ---------------------------------------------------------------- due dates and open slots

MISSING_STATUSES = (ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED, ProgressReport.Status.SUBMITTED)


def annotate_due(qs):
    """Add ``due``: the round's due date, or the unit's extended one (``DeadlineExtension``)."""
    if "due" in qs.query.annotations:
        return qs
    extension = DeadlineExtension.objects.filter(round_id=OuterRef("round_id"), unit_id=OuterRef("unit_id"))
    return qs.annotate(due=Coalesce(Subquery(extension.values("due_on")[:1]), F("round__due_on")))


def open_rounds(today=None):
    today = today or timezone.localdate()
    return ReportingRound.objects.filter(closed=False, opens_on__lte=today).exclude(plan__status=WorkPlan.Status.CLOSED)


def _with_state(qs, today):
    """``due`` plus ``is_overdue`` (not yet with the office after the due date) and ``is_lead``."""
    lead = Assignment.objects.filter(task_id=OuterRef("task_id"), unit_id=OuterRef("unit_id"), role=Assignment.Role.LEAD)
    qs = annotate_due(qs).annotate(is_lead=Exists(lead))
    return qs.annotate(
        is_overdue=Case(
            When(Q(status__in=MISSING_STATUSES) & Q(due__lt=today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def my_open_slots(user, *, today=None):
    """The report slots of the user's units (as reporter or approver) in the open rounds.

    Annotated with ``due`` (extension included), ``is_overdue`` and ``is_lead``; this is
    the "my tasks" list of the web UI and the API.
    """
    today = today or timezone.localdate()
    access = access_for(user)
    units = access.units_with(Role.REPORTER, Role.APPROVER)
    qs = ProgressReport.objects.filter(unit_id__in=units, round__in=open_rounds(today))
    return _with_state(qs, today).select_related("round__plan", "task", "unit").order_by(
        "-round__period_end", "round_id", "task__order", "unit__order"
    )


def unit_slots(user, unit, *, today=None):
    """A unit's slots in the open rounds, for its overview; empty unless the user may read that unit."""
    today = today or timezone.localdate()
    qs = visible_reports(user).filter(unit=unit, round__in=open_rounds(today))
    return _with_state(qs, today).select_related("round__plan", "task", "unit").order_by(
        "-round__period_end", "round_id", "task__order"
    )


def overview_counts(slots):
    """Counts for a list of annotated slots: due (still to send, not late), overdue, returned, with office, accepted."""
    counts = {"total": 0, "due": 0, "overdue": 0, "returned": 0, "with_office": 0, "accepted": 0, "awaiting_approval": 0}
    S = ProgressReport.Status
    for slot in slots:
        counts["total"] += 1
        if slot.is_overdue:
            counts["overdue"] += 1
        elif slot.status in MISSING_STATUSES:
            counts["due"] += 1
        if slot.status == S.RETURNED:
            counts["returned"] += 1
        if slot.status == S.SUBMITTED:
            counts["awaiting_approval"] += 1
        if slot.status == S.APPROVED:
            counts["with_office"] += 1
        if slot.status == S.ACCEPTED:
            counts["accepted"] += 1
    return counts


# ---------------------------------------------------------------- one report

def get_report(user, pk):
    """A report the user may read, with what its page needs; 404 otherwise."""
    qs = annotate_due(visible_reports(user)).select_related("round__plan__committee", "task__plan", "unit")
    return get_object_or_404(qs, pk=pk)


def report_targets(report):
    """The task's targets, each with this report's figure (``current``) and the unit's last accepted figure
    from an earlier round (``last``)."""
    return report_targets_bulk([report])[report.pk]


def partner_reports(user, report):
    """For a lead unit: the other units' submitted reports on the same task in the same round."""
    if not access_for(user).is_superuser and report.unit_id not in access_for(user).all_unit_ids:
        return ProgressReport.objects.none()
    return (
        visible_reports(user)
        .filter(round_id=report.round_id, task_id=report.task_id)
        .exclude(pk=report.pk)
        .exclude(status=ProgressReport.Status.DRAFT)
        .prefetch_related(Prefetch("values", queryset=TargetValue.objects.select_related("target")))
        .order_by("unit__order")
    )


def active_attachments(report):
    return report.attachments.filter(removed_at__isnull=True).select_related("uploaded_by")


def get_attachment(user, pk):
    """An attachment of a report the user may read; 404 otherwise (for a partner unit: only a file
    that was attached when the report was last submitted)."""
    attachment = get_object_or_404(
        Attachment.objects.filter(report__in=visible_reports(user)).select_related("report__task__plan"), pk=pk)
    if is_partner_view(user, attachment.report) and not _active_at_submission(attachment, attachment.report):
        raise Http404
    return attachment


def is_partner_view(user, report) -> bool:
    """True when ``user`` reads ``report`` only because their unit leads its task: not its own unit,
    not the office or a leader of the committee. A partner sees what was submitted, never drafts."""
    access = access_for(user)
    if access.is_superuser or report.unit_id in access.all_unit_ids:
        return False
    committee_id = report.task.plan.committee_id
    return committee_id not in access.committees_with(*COMMITTEE_WIDE_ROLES) and committee_id not in access.wide_committee_ids


def _active_at_submission(attachment, report):
    submitted = report.submitted_at
    return (submitted is not None and attachment.uploaded_at <= submitted
            and (attachment.removed_at is None or attachment.removed_at > submitted))


def partner_attachments(report, attachments):
    """What a partner unit may see of the report's files: those attached at its last submission."""
    return [a for a in attachments if _active_at_submission(a, report)]


SUBMITTED_STATUSES = {ProgressReport.Status.SUBMITTED, ProgressReport.Status.APPROVED, ProgressReport.Status.ACCEPTED}


def _field_label(model, name):
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 — a history-only field
        return name


REPORT_DIFF_EXCLUDE = ["updated_at", "created_at", "version"]
FIRST_VERSION_FIELDS = ("progress", "problems", "next_steps", "review_comment")


def report_history(report, *, submitted_only=False):
    """Every saved version of the report, oldest first, each with who, when, why and what changed.

    Returns a list of dicts: ``record`` (the historical row), ``changes`` (``(label, old, new)``)
    and ``figures`` (changes of figures saved with that version, matched by time).
    """
    records = list(report.history.select_related("history_user", "updated_by").order_by("history_date", "history_id"))
    if submitted_only:
        # A partner unit's view: the submitted versions, each diffed against the previous submitted one
        # (never against a draft), and no figure history (drafts' figures stay private).
        records = [r for r in records if r.status in SUBMITTED_STATUSES]
    figure_records = [] if submitted_only else list(
        TargetValue.history.filter(report_id=report.pk).select_related("history_user").order_by("history_date", "history_id")
    )
    target_names = dict(Target.objects.filter(task_id=report.task_id).values_list("pk", "indicator"))
    status_labels = dict(ProgressReport.Status.choices)
    # Figures changes, each diffed against that target's previous record.
    previous_by_target, figure_changes = {}, []
    for rec in figure_records:
        old = previous_by_target.get(rec.target_id)
        previous_by_target[rec.target_id] = rec
        name = target_names.get(rec.target_id, str(rec.target_id))
        if rec.history_type == "-":
            figure_changes.append((rec, name, old.value if old else None, None))
            continue
        if old is not None:
            delta = rec.diff_against(old, included_fields=["value", "note"])
            if not delta.changes:
                continue
        figure_changes.append((rec, name, old.value if old else None, rec.value))
    versions = []
    for index, rec in enumerate(records):
        if index:
            delta = rec.diff_against(records[index - 1], excluded_fields=REPORT_DIFF_EXCLUDE).changes
        else:
            # The first kept version: everything it holds is new (slots are created in bulk, without history).
            delta = [ModelChange(name, None, getattr(rec, name)) for name in FIRST_VERSION_FIELDS if getattr(rec, name)]
        changes = []
        for change in delta:
            old, new = change.old, change.new
            if change.field == "status":
                old, new = status_labels.get(old, old), status_labels.get(new, new)
            elif change.field.endswith("_by"):
                continue  # shown as "who" of the version
            elif change.field.endswith("_at"):
                old = timezone.localtime(old).strftime("%Y-%m-%d %H:%M") if old else ""
                new = timezone.localtime(new).strftime("%Y-%m-%d %H:%M") if new else ""
            changes.append((_field_label(ProgressReport, change.field), old, new))
        who = rec.history_user or rec.updated_by
        versions.append({"record": rec, "who": who, "changes": changes, "figures": []})
    # Attach each figure change to the report version saved in the same transaction (at or just before it).
    for rec, name, old, new in figure_changes:
        if not versions:
            break
        owner = versions[0]
        for version in versions:
            if version["record"].history_date <= rec.history_date:
                owner = version
        owner["figures"].append({"record": rec, "target": name, "old": old, "new": new})
    return versions


# ---------------------------------------------------------------- rounds, for the office

def visible_rounds(user):
    """Rounds of plans the user reads committee-wide (office, admin, leader)."""
    access = access_for(user)
    qs = ReportingRound.objects.select_related("plan__committee")
    if access.is_superuser:
        return qs
    own_wide = access.committees_with(*COMMITTEE_WIDE_ROLES)
    return qs.filter(
        Q(plan__committee_id__in=own_wide)
        | Q(plan__committee_id__in=access.wide_committee_ids, plan__parent__committee_id__in=access.wide_committee_ids)
    )


def round_list(user):
    """The office's rounds with counts per status, newest first."""
    S = ProgressReport.Status
    return visible_rounds(user).annotate(
        n_reports=Count("reports"),
        n_with_office=Count("reports", filter=Q(reports__status=S.APPROVED)),
        n_accepted=Count("reports", filter=Q(reports__status=S.ACCEPTED)),
        n_returned=Count("reports", filter=Q(reports__status=S.RETURNED)),
        n_missing=Count("reports", filter=Q(reports__status__in=MISSING_STATUSES)),
    ).order_by("-period_end", "plan__title", "period_kind")


def get_round(user, pk):
    return get_object_or_404(visible_rounds(user), pk=pk)


def review_queue(user, rnd):
    """Reports of the round waiting for the office (approved by their unit), oldest first."""
    return (
        annotate_due(visible_reports(user))
        .filter(round=rnd, status=ProgressReport.Status.APPROVED)
        .select_related("approved_by", "submitted_by")
        .prefetch_related(Prefetch("values", queryset=TargetValue.objects.select_related("target").order_by("target__order")))
        .order_by("approved_at", "task__order", "unit__order")
    )


def round_units(rnd, *, today=None):
    """Per assigned unit of a round: its due date (extension included), counts per status, overdue, reminders.

    Returns a list of dicts ordered like the units, in a fixed number of queries.
    """
    today = today or timezone.localdate()
    S = ProgressReport.Status
    rows = (
        ProgressReport.objects.filter(round=rnd)
        .values("unit_id")
        .annotate(
            total=Count("id"),
            missing=Count("id", filter=Q(status__in=MISSING_STATUSES)),
            returned=Count("id", filter=Q(status=S.RETURNED)),
            with_office=Count("id", filter=Q(status=S.APPROVED)),
            accepted=Count("id", filter=Q(status=S.ACCEPTED)),
        )
    )
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[r["unit_id"] for r in rows]).select_related("successor")}
    extensions = {e.unit_id: e for e in DeadlineExtension.objects.filter(round=rnd)}
    reminders = {}
    for log in ReminderLog.objects.filter(round=rnd).order_by("sent_at", "id"):
        entry = reminders.setdefault(log.unit_id, {"count": 0, "last": None})
        entry["count"] += 1
        entry["last"] = log
    result = []
    for row in rows:
        unit = units[row["unit_id"]]
        ext = extensions.get(unit.pk)
        due = ext.due_on if ext else rnd.due_on
        result.append(row | {
            "unit": unit,
            "due": due,
            "extension": ext,
            "overdue": row["missing"] > 0 and due < today,
            "reminders": reminders.get(unit.pk, {"count": 0, "last": None}),
        })
    result.sort(key=lambda r: (r["unit"].order, r["unit"].short_name))
    return result


def reminder_log(rnd, limit=50):
    return ReminderLog.objects.filter(round=rnd).select_related("unit", "sent_by")[:limit]


def office_units_of(user, rnd):
    """The units of a round the user may chase or grant extensions to (office of the plan's committee)."""
    if not access_for(user).is_office_of(rnd.plan.committee_id):
        return Unit.objects.none()
    return Unit.objects.filter(reports__round=rnd, is_active=True).distinct().order_by("order", "short_name")


# ---------------------------------------------------------------- units and notifications

def readable_unit(user, pk):
    """A unit whose overview the user may read: a unit of theirs, or any unit of a committee they read wide."""
    access = access_for(user)
    qs = Unit.objects.select_related("committee")
    if not access.is_superuser:
        qs = qs.filter(Q(pk__in=access.all_unit_ids) | Q(committee_id__in=access.wide_committee_ids))
    return get_object_or_404(qs, pk=pk)


def notifications_for(user):
    return Notification.objects.filter(user=user).select_related("round", "report")


def unread_count(user):
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def open_notification_count(user):
    """The menu count: notices whose matter still needs action (handled ones drop out, read or not)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return (Notification.objects.filter(user=user, resolved_at__isnull=True)
            .exclude(kind__in=Notification.INFO_KINDS).count())


def notification_groups(user, *, limit=300):
    """The user's notices grouped by round and kind, groups still needing action first, then newest.

    [{"round", "kind", "label", "total", "unread", "open", "items": [the newest of ``limit`` notices]}]
    in two queries, however many rounds.
    """
    totals = (
        Notification.objects.filter(user=user).values("round_id", "kind").annotate(
            total=Count("id"),
            unread=Count("id", filter=Q(read_at__isnull=True)),
            open=Count("id", filter=Q(resolved_at__isnull=True) & ~Q(kind__in=Notification.INFO_KINDS)),
        ).order_by()
    )
    groups = {(row["round_id"], row["kind"]): dict(row, items=[], round=None, latest=None) for row in totals}
    labels = dict(Notification.Kind.choices)
    for note in Notification.objects.filter(user=user).select_related("round").order_by("-created_at", "-id")[:limit]:
        group = groups.get((note.round_id, note.kind))
        if group is None:
            continue
        group["items"].append(note)
        group["round"] = group["round"] or note.round
        group["latest"] = group["latest"] or note.created_at
    result = []
    for group in groups.values():
        group["label"] = labels.get(group["kind"], group["kind"])
        group["key"] = f"{group['round_id'] or 0}:{group['kind']}"
        result.append(group)
    floor = timezone.now().replace(year=1970)
    result.sort(key=lambda g: (g["open"] == 0, -(g["latest"] or floor).timestamp()))
    return result


def report_targets_bulk(reports):
    """``report_targets`` for many reports of one unit at once: {report id: [targets with .current and .last]}."""
    reports = list(reports)
    if not reports:
        return {}
    task_ids = {r.task_id for r in reports}
    unit_ids = {r.unit_id for r in reports}
    targets = {}
    for target in Target.objects.filter(task_id__in=task_ids).order_by("order", "pk"):
        targets.setdefault(target.task_id, []).append(target)
    current = {(v.report_id, v.target_id): v for v in TargetValue.objects.filter(report__in=reports)}
    earlier = (
        TargetValue.objects.filter(
            report__task_id__in=task_ids, report__unit_id__in=unit_ids, report__status=ProgressReport.Status.ACCEPTED,
        )
        .select_related("report__round")
        .order_by("target_id", "-report__round__period_end")
    )
    accepted = {}
    for value in earlier:
        accepted.setdefault((value.report.unit_id, value.target_id), []).append(value)
    result = {}
    for report in reports:
        rows = []
        for base in targets.get(report.task_id, []):
            target = Target(**{f.attname: getattr(base, f.attname) for f in Target._meta.concrete_fields})
            target.current = current.get((report.pk, target.pk))
            target.last = next(
                (v for v in accepted.get((report.unit_id, target.pk), [])
                 if v.report.round.period_end < report.round.period_end),
                None,
            )
            rows.append(target)
        result[report.pk] = rows
    return result


# ---------------------------------------------------------------- home pages per role

HOME_SLOT_FIELDS = (
    "round_id", "task_id", "unit_id", "status", "version", "review_comment",
    "round__period_label", "round__period_end", "round__due_on", "round__plan_id",
    "task__ref", "task__text", "task__order", "unit__short_name", "unit__order",
)


def reporter_home(user, *, today=None):
    """The reporter's "what to do now": (to do, done by round).

    To do — returned first (a return comment not yet answered by a resubmission), then by due
    date, soonest first, reports not started before drafts already begun. Done — reports that
    left the unit's reporter (waiting for sign-off, with the office, accepted), grouped by round.
    Two queries, however many rounds.
    """
    today = today or timezone.localdate()
    units = access_for(user).units_with(Role.REPORTER)
    qs = _with_state(ProgressReport.objects.filter(unit_id__in=units, round__in=open_rounds(today)), today)
    # Only the columns the page shows: the narrative, figures and plan stay in the database (at province
    # scale building the full rows was two thirds of the page's time).
    slots = list(qs.select_related("round", "task", "unit").only(*HOME_SLOT_FIELDS)
                 .order_by("round__period_end", "task__order", "unit__order"))
    todo = [s for s in slots if s.status in EDITABLE]
    todo.sort(key=lambda s: (not s.return_pending, s.due, s.version > 1, s.task.order))
    done = {}
    for slot in slots:
        if slot.status not in EDITABLE:
            done.setdefault(slot.round_id, {"round": slot.round, "slots": []})["slots"].append(slot)
    return todo, sorted(done.values(), key=lambda g: g["round"].period_end, reverse=True), slots


def approval_queue(user, *, today=None):
    """Reports of the user's units (as approver) waiting for their sign-off, oldest submission first."""
    today = today or timezone.localdate()
    units = access_for(user).units_with(Role.APPROVER)
    qs = ProgressReport.objects.filter(unit_id__in=units, status=Status.SUBMITTED, round__in=open_rounds(today))
    return (_with_state(qs, today).select_related("round", "task", "unit", "submitted_by")
            .prefetch_related(Prefetch("values", queryset=TargetValue.objects.select_related("target").order_by("target__order")))
            .order_by("submitted_at", "task__order"))


def office_committee_ids(user):
    """Committees whose office the user works in (``None``: every committee, for a superuser)."""
    access = access_for(user)
    return None if access.is_superuser else access.committees_with(Role.OFFICE, Role.ADMIN)


def _office_rounds(user, today):
    committees = office_committee_ids(user)
    qs = open_rounds(today).select_related("plan")
    return qs if committees is None else qs.filter(plan__committee_id__in=committees)


def office_review_queue(user, *, today=None):
    """Every report waiting for the office across its committees' open rounds, oldest sign-off first."""
    today = today or timezone.localdate()
    return (
        annotate_due(ProgressReport.objects.filter(round__in=_office_rounds(user, today), status=Status.APPROVED))
        .select_related("round", "task", "unit", "approved_by")
        .prefetch_related(Prefetch("values", queryset=TargetValue.objects.select_related("target").order_by("target__order")))
        .order_by("approved_at", "round__period_end", "task__order", "unit__order")
    )


def late_units_by_round(user, *, today=None, rounds=None):
    """Per open round of the office: the units past their due date (extension included) with reports
    still missing, how many, and how many times the office has chased the unit in that round (催办).
    [{"round", "units": [{"unit", "missing", "due", "chased"}]}] in at most five queries."""
    today = today or timezone.localdate()
    rounds = {r.pk: r for r in (rounds if rounds is not None else _office_rounds(user, today))}
    rows = (
        annotate_due(ProgressReport.objects.filter(round_id__in=list(rounds), status__in=MISSING_STATUSES))
        .filter(due__lt=today)
        .values("round_id", "unit_id", "due")
        .annotate(missing=Count("id"))
        .order_by()
    )
    rows = list(rows)
    units = {u.pk: u for u in Unit.objects.filter(pk__in={r["unit_id"] for r in rows})}
    chased = {}
    if rows:
        chased = {(c["round_id"], c["unit_id"]): c["n"] for c in (
            ReminderLog.objects.filter(round_id__in={r["round_id"] for r in rows}, unit_id__in=units,
                                       kind=ReminderLog.Kind.CHASE)
            .values("round_id", "unit_id").annotate(n=Count("id")).order_by())}
    result = {}
    for row in rows:
        group = result.setdefault(row["round_id"], {"round": rounds[row["round_id"]], "units": []})
        group["units"].append({"unit": units[row["unit_id"]], "missing": row["missing"], "due": row["due"],
                               "chased": chased.get((row["round_id"], row["unit_id"]), 0)})
    for group in result.values():
        group["units"].sort(key=lambda u: (u["unit"].order, u["unit"].short_name))
        group["missing"] = sum(u["missing"] for u in group["units"])
    return sorted(result.values(), key=lambda g: (g["round"].due_on, g["round"].pk))


def office_workbench(user, *, today=None):
    """What the office must do now: reports waiting for review, late units per open round, rounds
    closing within seven days, plans in draft and plan imports not yet confirmed. A fixed number
    of queries, however many rounds and reports."""
    today = today or timezone.localdate()
    committees = office_committee_ids(user)
    rounds = list(_office_rounds(user, today).order_by("due_on", "pk"))
    waiting = office_review_queue(user, today=today)
    plans = WorkPlan.objects.filter(status=WorkPlan.Status.DRAFT)
    imports = PlanImport.objects.filter(status__in=[PlanImport.Status.READING, PlanImport.Status.PREVIEW,
                                                    PlanImport.Status.FAILED])
    if committees is not None:
        plans, imports = plans.filter(committee_id__in=committees), imports.filter(committee_id__in=committees)
    week = today + datetime.timedelta(days=7)
    return {
        "waiting": waiting,
        "late": late_units_by_round(user, today=today, rounds=rounds),
        "closing": [r for r in rounds if today <= r.due_on <= week],
        "rounds": rounds,
        "draft_plans": list(plans.select_related("committee").order_by("-pk")[:20]),
        "imports": list(imports.select_related("committee").order_by("-created_at")[:20]),
    }
