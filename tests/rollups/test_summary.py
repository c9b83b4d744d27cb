"""The year-end workbook and Word draft: read back with openpyxl / python-docx; injection payloads inert."""
import io
from decimal import Decimal

import docx
import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.xlsx import safe_cell
from rollups import engine as rollup
from rollups import jobs, services
from rollups.models import SummaryFile
from rollups.summary import draft, files, sheets, workbook
from tasks.models import Assignment
from tests import factories as f

pytestmark = pytest.mark.django_db

PAYLOADS = ["=cmd|' /C calc'!A0", "+1+1", "-1+2", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", " =HYPERLINK(\"x\")"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def filled(world, reports):
    """Reports with narratives that try formula injection, and a second target split among the units."""
    split = f.TargetFactory(task=world.task, indicator="@康复服务", value=Decimal("100"), measure_unit="人次", order=2)
    f.AllocationFactory(target=split, unit=world.lead_unit, value=Decimal("60"))
    f.AllocationFactory(target=split, unit=world.part_unit, value=Decimal("40"))
    reports.report(2, world.lead_unit, {world.target: 2000, split: 70}, narrative=PAYLOADS[0])
    part = reports.report(2, world.part_unit, {world.target: 1000, split: 30}, narrative="+1+1")
    part.problems, part.next_steps = "-1+2", "@SUM(A1:A2)"
    part.save()
    reports.report(3, world.lead_unit, {world.target: 3100}, narrative="\t=1+1")
    world.part_unit.short_name = "=1+2省民政厅"
    world.part_unit.save()
    task = f.TaskFactory(plan=world.plan, section=world.task.section, ref="6", text="\r=1+1 开展宣传。")
    f.AssignmentFactory(task=task, unit=world.lead_unit, role=Assignment.Role.LEAD)
    rollup.recompute_plan(world.plan.pk, 2021)
    return world, split


def _workbook(world):
    data = io.BytesIO()
    workbook.write_workbook(data, sheets.WorkbookData(world.plan, 2021).sheets())
    data.seek(0)
    return openpyxl.load_workbook(data)


def test_workbook_sheets_headers_and_values(filled):
    world, split = filled
    wb = _workbook(world)
    assert wb.sheetnames == ["汇总", "任务", "目标", "单位", "报告"]
    tasks, targets, units, reports = wb["任务"], wb["目标"], wb["单位"], wb["报告"]
    assert [c.value for c in tasks[1]][:4] == ["章节", "序号", "任务内容", "牵头单位"]
    for ws in (tasks, targets, units, reports):
        assert ws.freeze_panes == "A2"
        assert ws.column_dimensions["A"].width > 5
        assert ws.auto_filter.ref.startswith("A1:")
    header = [c.value for c in targets[1]]
    rows = {r[header.index("指标")]: r for r in targets.iter_rows(min_row=2, values_only=True)}
    main = rows["城镇新增残疾人就业"]
    assert main[header.index("完成值")] == 4100  # 3100 + 1000
    assert main[header.index("完成率")] == pytest.approx(0.7321)
    assert main[header.index("状态")] == "进度滞后"
    assert "省人社厅 3100" in main[header.index("各单位完成情况")]
    ratio_cell = targets.cell(row=2, column=header.index("完成率") + 1)
    assert ratio_cell.number_format == "0.0%"
    split_row = rows["'@康复服务"]
    assert split_row[header.index("完成值")] == 100
    assert split_row[header.index("完成率")] == pytest.approx(0.9)  # (60 + 30) / 100
    assert "（分解 60）" in split_row[header.index("各单位完成情况")]
    # conditional colours on the status column
    ranges = [str(cf.sqref) for cf in targets.conditional_formatting]
    assert any(r.startswith("I2:I") for r in ranges)
    task_header = [c.value for c in tasks[1]]
    statuses = {r[task_header.index("序号")]: r[task_header.index("状态")] for r in tasks.iter_rows(min_row=2, values_only=True)}
    assert statuses == {"5": "进度滞后", "6": "未启动"}
    unit_header = [c.value for c in units[1]]
    lead = next(r for r in units.iter_rows(min_row=2, values_only=True) if r[0] == "省人社厅")
    assert lead[unit_header.index("应报")] == 2 and lead[unit_header.index("按时率")] == 1
    report_rows = list(reports.iter_rows(min_row=2, values_only=True))
    assert len(report_rows) == 3  # every accepted report of the year
    summary_values = [c for row in wb["汇总"].iter_rows(values_only=True) for c in row if c is not None]
    assert "一、任务完成情况" in summary_values and "进度滞后" in summary_values


def test_formula_injection_payloads_come_out_inert(filled):
    world, _split = filled
    wb = _workbook(world)
    found = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), (ws.title, cell.value)
                    if cell.value.lstrip("'").lstrip(" ") in {p.lstrip(" ") for p in PAYLOADS}:
                        found.append(cell.value)
    assert "'=cmd|' /C calc'!A0" in found
    assert {"'+1+1", "'-1+2", "'@SUM(A1:A2)", "'\t=1+1"} <= set(found)
    names = [c.value for c in wb["单位"]["A"]]
    assert "'=1+2省民政厅" in names


@pytest.mark.parametrize("payload", PAYLOADS + ["＝1+1", "\x01=1", "-5", "plain"])
def test_safe_cell_neutralises_every_trigger(payload):
    value = safe_cell(payload)
    wb = openpyxl.Workbook()
    wb.active["A1"] = value
    data = io.BytesIO()
    wb.save(data)
    cell = openpyxl.load_workbook(io.BytesIO(data.getvalue())).active["A1"]
    assert cell.data_type == "s"
    assert not str(cell.value).startswith("=")
    if payload != "plain":
        assert cell.value.startswith("'")


def test_safe_cell_keeps_numbers_and_dates():
    import datetime

    for value in (5, 1.5, Decimal("2.5"), datetime.date(2021, 1, 1), None, True):
        assert safe_cell(value) == value


def test_word_draft_holds_tasks_figures_and_narratives(filled):
    world, _split = filled
    data = io.BytesIO()
    draft.write_draft(data, world.plan, 2021)
    data.seek(0)
    document = docx.Document(data)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "2021年度工作总结（草稿）" in text
    assert "一、总体情况" in text and "二、重点任务完成情况" in text
    assert "城镇新增残疾人就业：目标不少于5600人，完成4100人" in text
    assert "省人社厅（2021年第3季度）：\t=1+1" in text  # the unit's latest accepted narrative
    assert "存在问题：-1+2" in text and "下步打算：@SUM(A1:A2)" in text
    assert "进度滞后（黄灯）" in text
    paragraphs = [p.text for p in document.paragraphs]
    assert any(h.startswith("5. ") for h in paragraphs)  # the task's own number, not a second 一、
    assert "三、存在的问题" in paragraphs and "四、下步工作打算" in paragraphs
    section = document.sections[0]  # a 公文: A4 with GB/T 9704 margins, a targets table
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    assert document.tables and document.tables[0].rows[0].cells[4].text == "序时进度"
    assert all(not p.style.name.startswith("Heading") for p in document.paragraphs)  # no blue default headings


def test_generate_stores_files_and_regenerating_replaces_them(filled, media, django_capture_on_commit_callbacks):
    world, _split = filled
    with django_capture_on_commit_callbacks(execute=True):
        ids = jobs.generate_summary(plan_id=world.plan.pk, year=2021)
    files = {sf.kind: sf for sf in SummaryFile.objects.filter(pk__in=ids)}
    assert set(files) == {"xlsx", "docx"}
    first = files["xlsx"]
    assert first.status == "ready" and first.size > 0 and first.filename.endswith("汇总表.xlsx")
    old_path = first.file.path
    openpyxl.load_workbook(old_path)  # a whole workbook
    with django_capture_on_commit_callbacks(execute=True):
        jobs.generate_summary(plan_id=world.plan.pk, year=2021, kinds=["xlsx"])
    again = SummaryFile.objects.get(pk=first.pk)
    assert again.generation == 2 and again.file.name != first.file.name
    import os

    assert not os.path.exists(old_path)  # the old file goes once the new one is in place
    assert os.path.exists(again.file.path)


def test_failed_generation_keeps_the_previous_file(filled, monkeypatch, django_capture_on_commit_callbacks):
    world, _split = filled
    with django_capture_on_commit_callbacks(execute=True):
        jobs.generate_summary(plan_id=world.plan.pk, year=2021, kinds=["xlsx"])
    before = SummaryFile.objects.get(plan=world.plan, kind="xlsx")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(files, "write_workbook", broken)
    with pytest.raises(OSError):
        jobs.generate_summary(plan_id=world.plan.pk, year=2021, kinds=["xlsx"])
    after = SummaryFile.objects.get(pk=before.pk)
    assert after.status == "failed" and "disk full" in after.error
    assert after.file.name == before.file.name and after.is_ready


def test_generate_rolls_up_a_plan_year_never_rolled_up(world, reports):
    reports.report(2, world.lead_unit, {world.target: 2000})
    ids = jobs.generate_summary(plan_id=world.plan.pk, year=2021, kinds=["xlsx"])
    wb = openpyxl.load_workbook(SummaryFile.objects.get(pk=ids[0]).file.path)
    values = [r[5] for r in wb["目标"].iter_rows(min_row=2, values_only=True)]
    assert values == [2000]
    assert jobs.generate_summary(plan_id=999999, year=2021) == []
    assert jobs.generate_summary(plan_id=world.plan.pk, year=1999) == []


def test_request_summary_is_for_the_office(world, django_capture_on_commit_callbacks):
    for name in ("leader", "lead_reporter", "other_office"):
        with pytest.raises(PermissionDenied):
            services.request_summary(plan=world.plan, year=2021, user=world.users[name])
    with pytest.raises(ValidationError):
        services.request_summary(plan=world.plan, year=2030, user=world.users["office"])
    assert not SummaryFile.objects.exists()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        files = services.request_summary(plan=world.plan, year=2021, user=world.users["office"])
    assert [sf.status for sf in files] == ["pending", "pending"]
    assert len(callbacks) == 1
    callbacks[0]()  # the queued job (eager)
    assert set(SummaryFile.objects.values_list("status", flat=True)) == {"ready"}


def test_summary_job_with_lower_committees(world, reports):
    city = f.CommitteeFactory(code="city1", name="一市残工委", level="city", parent=world.committee)
    city_plan = f.WorkPlanFactory(committee=city, title="一市2021年重点工作", parent=world.plan)
    city_task = f.TaskFactory(plan=city_plan, ref="1", text="=1+1 城市任务")
    city_unit = f.UnitFactory(committee=city, short_name="一市残联")
    f.AssignmentFactory(task=city_task, unit=city_unit)
    reports.report(2, city_unit, task=city_task, narrative="-城市进展")
    ids = jobs.generate_summary.delay(world.plan.pk, 2021, ["xlsx", "docx"], True).get()
    workbook = SummaryFile.objects.get(pk=ids[0])
    wb = openpyxl.load_workbook(workbook.file.path)
    assert wb["任务"]["A1"].value == "残工委"
    committees = {r[0] for r in wb["任务"].iter_rows(min_row=2, values_only=True)}
    assert committees == {"某省残工委", "一市残工委"}
    report_rows = list(wb["报告"].iter_rows(min_row=2, values_only=True))
    assert any(r[5] == "'-城市进展" for r in report_rows)
    draft = docx.Document(SummaryFile.objects.get(pk=ids[1]).file.path)
    assert "附：下级残工委完成情况" in "\n".join(p.text for p in draft.paragraphs)
    assert draft.tables and draft.tables[-1].rows[0].cells[0].text == "残工委"  # the annex table, after the targets tables
