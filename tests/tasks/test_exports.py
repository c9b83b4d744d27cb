"""The 任务分工表 exports: columns, section rows, A4 with a repeated header row, no formula injection."""
import io

import pytest
from django.urls import reverse

from tasks.exports import build_division_docx, build_division_xlsx
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    world.task.section.number, world.task.section.title = "一", "就业"
    world.task.section.save()
    extra = f.TaskFactory(plan=world.plan, section=world.task.section, ref="6", text="=HYPERLINK(\"http://x\")做好康复。")
    f.AssignmentFactory(task=extra, unit=world.part_unit)
    extra.all_member_units = True
    extra.save()
    return world.plan


def test_xlsx_has_the_five_columns_and_prints_on_a4_with_a_repeated_header(plan):
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(build_division_xlsx(plan))).active
    assert [c.value for c in ws[2]] == ["序号", "工作任务", "牵头单位", "参加单位", "完成时限"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert rows[0][0] == "一、就业"
    assert rows[1][:4] == ["5", "城镇新增就业5600人以上。", "省人社厅", "省民政厅"]
    assert rows[2][2:4] == ["省民政厅", "各成员单位"]
    assert rows[2][1].startswith("'=") and ws.cell(5, 2).data_type == "s"  # text, never a formula
    assert ws.print_title_rows == "$2:$2" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert "A3:E3" in [str(r) for r in ws.merged_cells.ranges]


def test_docx_table_with_repeated_header_row_on_a4(plan):
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm

    doc = Document(io.BytesIO(build_division_docx(plan)))
    section = doc.sections[0]
    assert {round(section.page_width.cm, 1), round(section.page_height.cm, 1)} == {Cm(29.7).cm, Cm(21).cm}
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "工作任务", "牵头单位", "参加单位", "完成时限"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1].cells[0].text == "一、就业"
    assert [c.text for c in table.rows[2].cells][:4] == ["5", "城镇新增就业5600人以上。", "省人社厅", "省民政厅"]


@pytest.mark.parametrize("name, kind", [("plan-export-xlsx", "spreadsheetml"), ("plan-export-docx", "wordprocessingml")])
def test_download(client, world, plan, name, kind):
    client.force_login(world.users["leader"])
    response = client.get(reverse(name, args=[plan.pk]))
    assert response.status_code == 200 and kind in response["Content-Type"]
    assert "filename*=UTF-8''" in response["Content-Disposition"]
