"""The year-end workbook made with its rows read by forked child processes (as a production
worker does) holds exactly what the in-process path writes. Committed data only: a child has its
own database connection, so these tests commit (transactional) and need PostgreSQL, as CI has."""
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection, transaction

from core import forked
from rollups import engine as rollup
from rollups.models import SummaryFile
from rollups.summary import files, sheets, workbook
from tests import factories as f

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a fork needs a database it can reconnect to"),
]


@pytest.fixture
def province(world, reports):
    """Two committees' plans (the lower one derived), with reports on several rounds."""
    reports.report(1, world.lead_unit, {world.target: 1200}, narrative="=1+1 一月进展")
    reports.report(2, world.lead_unit, {world.target: 2000}, narrative="二月进展")
    part = reports.report(2, world.part_unit, {world.target: 900}, narrative="参加单位二月")
    part.problems = "+资金不足"
    part.save()
    split = f.TargetFactory(task=world.task, indicator="康复服务", value=Decimal("100"), order=2)
    reports.report(3, world.lead_unit, {world.target: 3100, split: 55}, narrative="三月进展")
    rollup.recompute_plan(world.plan.pk, 2021)
    return world


def _cells(specs):
    data = io.BytesIO()
    workbook.write_workbook(data, specs)
    data.seek(0)
    book = openpyxl.load_workbook(data)
    cells = {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book}
    cells["汇总"] = [row for row in cells["汇总"] if row[0] != "生成时间"]  # the time it was written
    return book, cells


def test_forked_rows_equal_in_process_rows(province, settings):
    world = province
    settings.LUOSHI_WORKBOOK_CHILD_READER = False
    _book, in_process = _cells(sheets.WorkbookData(world.plan, 2021).sheets())
    settings.LUOSHI_WORKBOOK_CHILD_READER = True
    specs = sheets.WorkbookData(world.plan, 2021).sheets()
    assert all(isinstance(spec.rows, forked.ChildPart) for spec in specs)
    assert [spec.write_first for spec in specs] == [False, False, False, False, True]
    book, forked_cells = _cells(specs)
    assert book.sheetnames == ["汇总", "任务", "目标", "单位", "报告"]  # the reader's order, whatever the writing order
    assert forked_cells == in_process
    reports = forked_cells["报告"]
    assert len(reports) == 1 + 4 and reports[1][4] == "'=1+1 一月进展"  # neutralised in the child too
    assert reports[3][5] == "'+资金不足"
    assert all(spec.rows.child.pid is None for spec in specs)  # both children done and reaped


def test_generate_with_forked_readers_stores_the_workbook(province, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.LUOSHI_WORKBOOK_CHILD_READER = True
    world = province
    (pk,) = files.generate(plan=world.plan, year=2021, kinds=[SummaryFile.Kind.WORKBOOK])
    stored = SummaryFile.objects.get(pk=pk)
    assert stored.status == SummaryFile.Status.READY
    book = openpyxl.load_workbook(stored.file.path)
    assert book["报告"].max_row == 1 + 4


def test_a_failing_child_fails_the_generation_and_writes_nothing(province, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    settings.LUOSHI_WORKBOOK_CHILD_READER = True

    def broken(self):
        yield from ()
        raise RuntimeError("数据库连接中断")

    monkeypatch.setattr(sheets.WorkbookData, "_report_rows", broken)
    with pytest.raises(forked.ChildRowsError, match="数据库连接中断"):
        files.generate(plan=province.plan, year=2021, kinds=[SummaryFile.Kind.WORKBOOK])
    failed = SummaryFile.objects.get(plan=province.plan, year=2021, kind=SummaryFile.Kind.WORKBOOK)
    assert failed.status == SummaryFile.Status.FAILED and "数据库连接中断" in failed.error
    assert not list(tmp_path.rglob("*.xlsx"))


def test_inside_a_transaction_the_rows_are_made_in_process(province, settings):
    settings.LUOSHI_WORKBOOK_CHILD_READER = True
    with transaction.atomic():  # a child could not see what this transaction writes
        specs = sheets.WorkbookData(province.plan, 2021).sheets()
        assert not any(isinstance(spec.rows, forked.ChildPart) for spec in specs)
        _book, cells = _cells(specs)
    assert len(cells["报告"]) == 1 + 4
