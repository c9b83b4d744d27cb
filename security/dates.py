"""Sane ranges for every date a person or a client can enter.

A plan's dates (rounds, due dates, extensions, task deadlines) lie within its period
± 2 years; any other date (a plan's issue date) between 1949 and 2100. A date outside is
a mistake (or a probe: 9999-12-31 once overflowed the reminder job), refused with a
message that says the range.
"""
import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

EARLIEST = datetime.date(1949, 1, 1)
LATEST = datetime.date(2100, 12, 31)
PLAN_MARGIN_YEARS = 2


def plan_range(plan) -> tuple[datetime.date, datetime.date]:
    """The dates that make sense for ``plan``: its period ± 2 years, within 1949–2100."""
    start = max(EARLIEST.year, (plan.period_start or EARLIEST.year) - PLAN_MARGIN_YEARS)
    end = min(LATEST.year, (plan.period_end or LATEST.year) + PLAN_MARGIN_YEARS)
    return datetime.date(start, 1, 1), datetime.date(end, 12, 31)


def check_date(value, *, earliest=EARLIEST, latest=LATEST, label=None) -> None:
    """Raise a ValidationError naming the range if ``value`` (a date or None) lies outside it."""
    if value is None or earliest <= value <= latest:
        return
    raise ValidationError(_("%(label)s须在 %(earliest)s 至 %(latest)s 之间。") % {
        "label": label or _("日期"), "earliest": earliest.isoformat(), "latest": latest.isoformat()}, code="date_range")


def check_plan_dates(plan, **dates) -> None:
    """Check named dates against ``plan``'s range; errors are filed under each name."""
    earliest, latest = plan_range(plan)
    errors = {}
    for name, (value, label) in dates.items():
        try:
            check_date(value, earliest=earliest, latest=latest, label=label)
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
