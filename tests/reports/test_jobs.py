"""Jobs run eagerly in the suite; the ``celery_worker`` test runs one through a real worker on Redis."""
import os

import pytest

from reports import jobs
from reports.models import ProgressReport
from tasks.models import Assignment
from tests import factories as f


@pytest.mark.django_db
def test_create_report_slots_is_idempotent(world):
    extra = f.TaskFactory(plan=world.plan, section=world.task.section, ref="6")
    f.AssignmentFactory(task=extra, unit=world.part_unit, role=Assignment.Role.LEAD)
    assert jobs.create_report_slots.delay(world.round.pk).get() == 1
    assert jobs.create_report_slots.delay(world.round.pk).get() == 0
    assert ProgressReport.objects.filter(round=world.round).count() == 3
    assert jobs.create_report_slots.delay(999999).get() == 0


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_job_runs_through_a_real_worker(world):
    """Started by .ci/run with a worker on Redis (LUOSHI_CELERY_WORKER=1); the job writes to the shared database."""
    assert os.environ.get("LUOSHI_CELERY_WORKER") == "1", "需要真实的 Celery worker 和 Redis：由 .ci/run 启动后运行"
    from config.celery import app

    assert not app.conf.task_always_eager
    extra = f.TaskFactory(plan=world.plan, section=world.task.section, ref="7")
    f.AssignmentFactory(task=extra, unit=world.lead_unit, role=Assignment.Role.LEAD)
    result = jobs.create_report_slots.delay(world.round.pk)
    assert result.get(timeout=60) == 1
    assert ProgressReport.objects.filter(round=world.round, task=extra).exists()
