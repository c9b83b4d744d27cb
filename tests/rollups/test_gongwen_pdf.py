"""The year-end Word draft and the 调度通报 rendered through LibreOffice (headless): A4 portrait 公文,
a sensible number of pages, page numbers "— 1 —", and no "###". Needs ``soffice`` and poppler."""
import io
import re
import shutil

import pytest

from rollups import engine as rollup
from rollups import services
from rollups.bulletins import bulletin_docx
from rollups.summary import draft
from tests import factories as f
from tests.rollups.test_scoring_pdf import to_pdf

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")),
                                 reason="需要 LibreOffice 与 poppler-utils（scripts/browser-deps.sh）")]


@pytest.fixture
def year(world, reports):
    for n in range(6):
        task = f.TaskFactory(plan=world.plan, section=world.task.section, ref=str(10 + n),
                             text=f"推进第{n}项重点工作，确保年底前完成。")
        f.AssignmentFactory(task=task, unit=world.part_unit, role="lead", order=1)
        f.AssignmentFactory(task=task, unit=world.lead_unit, role="participating", order=2)
        target = f.TargetFactory(task=task, indicator=f"指标{n}", value=1000)
        for unit in (world.lead_unit, world.part_unit):
            report = reports.report(3, unit, {target: 100 * n}, task=task, narrative=f"{unit.short_name}推进情况。" * 8)
            report.problems = "进度偏慢，四季度集中推进。"
            report.save()
    reports.report(3, world.lead_unit, {world.target: 2000})
    rollup.recompute_plan(world.plan.pk, 2021)
    return reports.round(3)


def test_year_end_draft_is_an_a4_gongwen(tmp_path, world, year):
    out = io.BytesIO()
    draft.write_draft(out, world.plan, 2021)
    pdf, pages, size, text = to_pdf(tmp_path, "draft.docx", out.getvalue())
    assert size == (595, 842)  # A4 portrait
    assert 2 <= pages <= 12
    assert "###" not in text and re.search(r"—\s*1\s*—", text)
    assert "二、重点任务完成情况" in text and "序时进度" in text


def test_bulletin_is_an_a4_gongwen(tmp_path, world, year):
    bulletin = services.draft_bulletin(round=year, user=world.users["office"])
    pdf, pages, size, text = to_pdf(tmp_path, "bulletin.docx", bulletin_docx(bulletin))
    assert size == (595, 842)
    assert 1 <= pages <= 6
    assert "###" not in text and re.search(r"—\s*1\s*—", text)
    assert "一、总体进展" in text and "低于序时进度" in text and "办公室" in text
