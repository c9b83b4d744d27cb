"""The roll-up models moved from ``reports`` to ``rollups`` without touching their tables: a
database built by the old migrations, with reports, roll-ups and summary files in it, migrates
to the new state and keeps every row (and the models' content types, hence permissions)."""
import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from reports.models import ProgressReport
from rollups.models import RollupRun, SummaryFile, TargetRollup, TaskRollup

BEFORE = [("reports", "0003_committeerollup_rolluprun_summaryfile_targetrollup_and_more"), ("rollups", None)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_old_database_migrates_to_the_rollups_app_with_nothing_lost(world):
    latest = _latest()
    old = _migrate(BEFORE)
    try:
        OldRun = old.get_model("reports", "RollupRun")
        OldTarget = old.get_model("reports", "TargetRollup")
        OldTask = old.get_model("reports", "TaskRollup")
        OldSummary = old.get_model("reports", "SummaryFile")
        ContentType.objects.filter(app_label="rollups").delete()
        content_type, _ = ContentType.objects.get_or_create(app_label="reports", model="rolluprun")
        now = timezone.now()
        run = OldRun.objects.create(plan_id=world.plan.pk, year=2021, generation=3, computed_at=now, tasks_total=1,
                                    as_of=datetime.date(2021, 6, 30))
        OldTarget.objects.create(plan_id=world.plan.pk, year=2021, generation=3, target_id=world.target.pk,
                                 task_id=world.task.pk, reached="1200.0000", ratio="0.2143", status="behind",
                                 computed_at=now)
        OldTask.objects.create(plan_id=world.plan.pk, year=2021, generation=3, task_id=world.task.pk,
                               status="behind", targets_total=1, computed_at=now)
        OldSummary.objects.create(plan_id=world.plan.pk, year=2021, kind="xlsx", status="ready", generation=2,
                                  filename="某省2021年度工作总结汇总表.xlsx", size=123, file="summaries/2021/x.xlsx")
    finally:
        _migrate(latest)

    assert RollupRun.objects.get(pk=run.pk).generation == 3
    target_row = TargetRollup.objects.get(target=world.target, year=2021)
    assert str(target_row.reached) == "1200.0000" and target_row.status == "behind"
    assert TaskRollup.objects.get(task=world.task, year=2021).targets_total == 1
    summary = SummaryFile.objects.get(plan=world.plan, year=2021, kind="xlsx")
    assert summary.filename.endswith("汇总表.xlsx") and summary.file.name == "summaries/2021/x.xlsx"
    # The reporting workflow's own rows were never touched.
    assert ProgressReport.objects.filter(round=world.round).count() == 2
    # Same content type row, now owned by rollups: permissions granted on it still hold.
    moved = ContentType.objects.get(pk=content_type.pk)
    assert (moved.app_label, moved.model) == ("rollups", "rolluprun")
    assert RollupRun._meta.db_table == "reports_rolluprun"
