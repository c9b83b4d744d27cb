"""Hostile Excel uploads: rows, unpacked size and the problem list are capped; nothing is written."""
import time

import pytest

from reports import excel
from reports.models import RefusedEdit

from .test_excel import download, to_upload, upload

pytestmark = pytest.mark.django_db
COL = excel.COL


def test_too_many_rows_are_refused_without_reading_them(world, monkeypatch):
    monkeypatch.setattr(excel, "MAX_DATA_ROWS", 30)
    wb = download(world)
    ws = wb[excel.SHEET]
    for row in range(excel.FIRST_DATA_ROW + 1, excel.FIRST_DATA_ROW + 60):
        ws.cell(row=row, column=COL["report"], value="junk")
    started = time.monotonic()
    result = upload(world, wb)
    assert time.monotonic() - started < 5
    assert len(result.problems) == 1 and "超过30行的上限" in str(result.problems[0])
    assert not result.saved and world.report_of(world.lead_unit).version == 1
    assert not RefusedEdit.objects.exists()


def test_problems_stop_after_fifty_with_a_count_of_the_rest(world):
    wb = download(world)
    ws = wb[excel.SHEET]
    for row in range(excel.FIRST_DATA_ROW + 1, excel.FIRST_DATA_ROW + 121):
        ws.cell(row=row, column=COL["report"], value=999999)
    result = upload(world, wb)
    assert len(result.problems) == excel.MAX_PROBLEMS + 1
    assert "以及另外70个问题" in str(result.problems[-1])
    assert not result.saved and world.report_of(world.lead_unit).version == 1


def test_a_workbook_that_unpacks_too_large_is_refused(world, monkeypatch):
    monkeypatch.setattr(excel, "MAX_UNZIPPED_BYTES", 1000)
    result = excel.read_upload(rnd=world.round, unit=world.lead_unit, user=world.users["lead_reporter"],
                               upload=to_upload(download(world)))
    assert len(result.problems) == 1 and "解压后体积异常巨大" in str(result.problems[0])
    assert world.report_of(world.lead_unit).version == 1


def test_a_full_legitimate_template_is_read(world):
    wb = download(world)
    wb[excel.SHEET].cell(row=excel.FIRST_DATA_ROW, column=COL["progress"], value="本季度新增就业1200人。")
    result = upload(world, wb)
    assert result.ok and len(result.saved) == 1
