"""Fixtures for roll-up tests: hand-made reports written straight to the tables.

The workflow services are tested elsewhere; here a report is put in the state a test
needs (accepted, returned …) with the submission time and figures it needs.
"""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from reports.models import ProgressReport, ReportingRound, TargetValue
from tests import factories as f

Status = ProgressReport.Status
QUARTERS = {
    1: (datetime.date(2021, 1, 1), datetime.date(2021, 3, 31), datetime.date(2021, 4, 10)),
    2: (datetime.date(2021, 4, 1), datetime.date(2021, 6, 30), datetime.date(2021, 7, 10)),
    3: (datetime.date(2021, 7, 1), datetime.date(2021, 9, 30), datetime.date(2021, 10, 10)),
    4: (datetime.date(2021, 10, 1), datetime.date(2021, 12, 31), datetime.date(2022, 1, 10)),
}


def at(day, hour=10):
    """An aware datetime on ``day`` at ``hour`` o'clock Beijing time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class Reports:
    """Build rounds and reports for the world's plan (or another plan)."""

    def __init__(self, world):
        self.world = world
        self.rounds = {}

    def round(self, quarter, plan=None):
        plan = plan or self.world.plan
        key = (plan.pk, quarter)
        if key not in self.rounds:
            start, end, due = QUARTERS[quarter]
            self.rounds[key] = ReportingRound.objects.filter(plan=plan, period_end=end).first() or \
                f.ReportingRoundFactory(plan=plan, period_label=f"2021年第{quarter}季度", period_start=start,
                                        period_end=end, opens_on=end - datetime.timedelta(days=10), due_on=due)
        return self.rounds[key]

    def report(self, quarter, unit, figures=None, *, status=Status.ACCEPTED, task=None, plan=None,
               submitted_on=None, narrative="按计划推进。"):
        """A report of ``unit`` on ``task`` in ``quarter``; ``figures`` maps targets to values."""
        task = task or self.world.task
        rnd = self.round(quarter, plan or task.plan)
        submitted = status != Status.DRAFT
        submitted_on = submitted_on or (rnd.due_on - datetime.timedelta(days=2))
        report, _ = ProgressReport.objects.update_or_create(
            round=rnd, task=task, unit=unit,
            defaults={"status": status, "progress": narrative, "submitted_at": at(submitted_on) if submitted else None},
        )
        for target, value in (figures or {}).items():
            TargetValue.objects.update_or_create(report=report, target=target, defaults={"value": Decimal(value)})
        return report


@pytest.fixture
def reports(world):
    return Reports(world)
