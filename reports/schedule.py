"""Reporting periods of a schedule, and opening the rounds whose period has begun.

A round opens on the first day of its period (``opens_on = period_start``) and is due
``due_days`` after the period ends. ``open_due_rounds`` is run every day by Celery beat
(``reports.jobs.open_scheduled_rounds``); it only opens the period that contains the day,
so running it again, or on a later day of the same period, opens nothing new.
"""
import calendar
import datetime
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from tasks.models import WorkPlan

from . import reminders, services
from .models import ReportingRound, ReportingSchedule

Frequency = ReportingSchedule.Frequency
QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}
KIND_OF = {
    Frequency.MONTH: ReportingRound.PeriodKind.MONTH,
    Frequency.QUARTER: ReportingRound.PeriodKind.QUARTER,
    Frequency.HALF_YEAR: ReportingRound.PeriodKind.HALF_YEAR,
    Frequency.YEAR: ReportingRound.PeriodKind.YEAR,
}

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Period:
    label: str
    start: datetime.date
    end: datetime.date


def _month_end(year, month):
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def period_containing(frequency: str, day: datetime.date) -> Period:
    """The reporting period of ``frequency`` that contains ``day`` (labels as printed on Chinese reports)."""
    y, m = day.year, day.month
    if frequency == Frequency.MONTH:
        return Period(f"{y}年{m}月", datetime.date(y, m, 1), _month_end(y, m))
    if frequency == Frequency.QUARTER:
        q = (m - 1) // 3 + 1
        return Period(f"{y}年第{QUARTER_NAMES[q]}季度", datetime.date(y, 3 * q - 2, 1), _month_end(y, 3 * q))
    if frequency == Frequency.HALF_YEAR:
        if m <= 6:
            return Period(f"{y}年上半年", datetime.date(y, 1, 1), datetime.date(y, 6, 30))
        return Period(f"{y}年下半年", datetime.date(y, 7, 1), datetime.date(y, 12, 31))
    if frequency == Frequency.YEAR:
        return Period(f"{y}年度", datetime.date(y, 1, 1), datetime.date(y, 12, 31))
    raise ValueError(frequency)


def periods_of_year(frequency: str, year: int) -> list[Period]:
    """Every period of ``frequency`` in ``year``, in order."""
    periods, day = [], datetime.date(year, 1, 1)
    while day.year == year:
        period = period_containing(frequency, day)
        periods.append(period)
        day = period.end + datetime.timedelta(days=1)
    return periods


def due_date(schedule: ReportingSchedule, period: Period) -> datetime.date:
    return period.end + datetime.timedelta(days=schedule.due_days)


def open_round_for(schedule: ReportingSchedule, day: datetime.date) -> ReportingRound | None:
    """Open the schedule's round for the period containing ``day`` if the plan covers it; None if it exists or doesn't apply."""
    plan = schedule.plan
    if not schedule.active or plan.status != WorkPlan.Status.PUBLISHED:
        return None
    period = period_containing(schedule.frequency, day)
    if not (plan.period_start <= period.end.year and period.start.year <= plan.period_end):
        return None
    kind = KIND_OF[schedule.frequency]
    if ReportingRound.objects.filter(plan=plan, period_kind=kind, period_label=period.label).exists():
        return None
    try:
        with transaction.atomic():
            rnd = services.create_round(
                plan=plan, period_kind=kind, period_label=period.label, period_start=period.start,
                period_end=period.end, opens_on=period.start, due_on=due_date(schedule, period),
            )
    except IntegrityError:  # opened by a concurrent run
        return None
    reminders.notify_round_opened(rnd)
    return rnd


def open_due_rounds(*, today: datetime.date) -> list[int]:
    """Open every active schedule's round whose period contains ``today``; returns the new rounds' ids."""
    schedules = ReportingSchedule.objects.filter(active=True, plan__status=WorkPlan.Status.PUBLISHED).select_related("plan")
    opened = []
    for schedule in schedules:
        try:
            rnd = open_round_for(schedule, today)
        except Exception:  # noqa: BLE001 — one plan's failure is logged; the other plans' rounds still open
            log.exception("opening the round of schedule %s failed", schedule.pk)
            continue
        if rnd is not None:
            opened.append(rnd.pk)
    return opened
