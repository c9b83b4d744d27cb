"""The 任务分工表 printed: both exports rendered to PDF by LibreOffice (headless) — A4 landscape, the header
row on every page, nothing cut to "###". ``scripts/browser-deps.sh`` installs LibreOffice (CI runs it);
without it these tests fail with a message rather than skip, like the browser tests."""
import shutil
import subprocess

import pdfplumber
import pytest

from tasks.exports import build_division_docx, build_division_xlsx
from tasks.models import Assignment, WorkPlan
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def long_plan(world):
    if not shutil.which("soffice"):
        pytest.fail("导出文件的 PDF 检查需要 LibreOffice：先运行 scripts/browser-deps.sh")
    plan = f.WorkPlanFactory(committee=world.committee, title="2022年重点工作任务", status=WorkPlan.Status.DRAFT)
    for s in range(4):
        section = f.SectionFactory(plan=plan, number="一二三四"[s], path="一二三四"[s], title=f"第{s + 1}部分重点工作")
        for i in range(15):
            task = f.TaskFactory(plan=plan, section=section, ref=str(s * 15 + i + 1), order=s * 15 + i,
                                 text=f"第{s * 15 + i + 1}项：健全残疾人社会保障制度和关爱服务体系，完善帮扶措施，"
                                      "确保各项政策落实到位，城镇新增残疾人就业5600人以上。")
            f.AssignmentFactory(task=task, unit=world.lead_unit, role=Assignment.Role.LEAD, order=1)
            f.AssignmentFactory(task=task, unit=world.part_unit, role=Assignment.Role.PARTICIPATING, order=2)
    return plan


def to_pdf(tmp_path, name, content):
    source = tmp_path / name
    source.write_bytes(content)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    with pdfplumber.open(source.with_suffix(".pdf")) as pdf:
        return [((round(p.width), round(p.height)), p.extract_text() or "") for p in pdf.pages]


@pytest.mark.parametrize("name, build", [("division.xlsx", build_division_xlsx), ("division.docx", build_division_docx)])
def test_prints_on_a4_landscape_with_the_header_on_every_page(tmp_path, long_plan, name, build):
    pages = to_pdf(tmp_path, name, build(long_plan))
    assert len(pages) >= 2
    for size, text in pages:
        assert size == (842, 595)  # A4 landscape
        assert "工作任务" in text and "牵头单位" in text and "完成时限" in text  # the repeated header row
        assert "###" not in text
    everything = "".join(text for _size, text in pages).replace("\n", "")
    assert "第60项" in everything and "四、第4部分重点工作" in everything
