import datetime

import pytest
from django.db import IntegrityError, transaction

from reports.models import ProgressReport
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_round_due_date_cannot_precede_opening():
    with pytest.raises(IntegrityError), transaction.atomic():
        f.ReportingRoundFactory(opens_on=datetime.date(2021, 7, 1), due_on=datetime.date(2021, 6, 1))


def test_one_report_per_round_task_unit():
    report = f.ProgressReportFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressReport.objects.create(round=report.round, task=report.task, unit=report.unit)


def test_negative_figure_refused_and_one_figure_per_target():
    value = f.TargetValueFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        f.TargetValueFactory(report=value.report, target=value.target)
    with pytest.raises(IntegrityError), transaction.atomic():
        f.TargetValueFactory(value=-3)


def test_version_must_be_positive():
    with pytest.raises(IntegrityError), transaction.atomic():
        f.ProgressReportFactory(version=0)


def test_extension_once_per_round_unit_and_strings():
    ext = f.DeadlineExtensionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        f.DeadlineExtensionFactory(round=ext.round, unit=ext.unit)
    assert str(ext).endswith("2021-07-20")
    assert "v1" in str(f.RefusedEditFactory())
    assert str(ext.round).endswith(ext.round.period_label)


def test_history_keeps_every_saved_version():
    report = f.ProgressReportFactory(progress="第一版")
    report.progress = "第二版"
    report.save()
    assert [h.progress for h in report.history.order_by("history_date")] == ["第一版", "第二版"]
