"""The offline Excel template: download, fill, upload — every row saved, or none with every problem listed."""
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from reports import excel, services
from reports.models import ProgressReport, RefusedEdit, TargetValue
from tasks.models import Assignment
from tests import factories as f

pytestmark = pytest.mark.django_db
S = ProgressReport.Status
COL, ROW = excel.COL, excel.FIRST_DATA_ROW


@pytest.fixture
def two_tasks(world):
    """The lead unit has a second task with two targets, so the sheet has three data rows."""
    task = f.TaskFactory(plan=world.plan, section=world.task.section, ref="6", text="=HYPERLINK(\"x\") 无障碍改造2000户。")
    f.AssignmentFactory(task=task, unit=world.lead_unit, role=Assignment.Role.LEAD)
    first = f.TargetFactory(task=task, indicator="无障碍改造", value=Decimal("2000"), measure_unit="户", order=1)
    second = f.TargetFactory(task=task, indicator="培训率", value=Decimal("90"), measure_unit="%", order=2)
    services.ensure_report_slots(world.round)
    return task, first, second


def download(world, user="lead_reporter"):
    data = excel.build_template(rnd=world.round, unit=world.lead_unit, user=world.users[user])
    return load_workbook(io.BytesIO(data))


def to_upload(wb, name="填报.xlsx"):
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def rows_by_target(ws):
    rows = {}
    for row in range(ROW, ws.max_row + 1):
        rows[ws.cell(row=row, column=COL["target"]).value] = row
    return rows


def upload(world, wb, user="lead_reporter"):
    return excel.read_upload(rnd=world.round, unit=world.lead_unit, user=world.users[user], upload=to_upload(wb))


def test_template_has_one_row_per_task_and_target_a_protected_header_and_validation(world, two_tasks):
    task, first, second = two_tasks
    wb = download(world)
    ws = wb[excel.SHEET]
    assert [c.value for c in ws[excel.HEADER_ROW]] == excel.HEADERS
    rows = rows_by_target(ws)
    assert set(rows) == {world.target.pk, first.pk, second.pk}
    assert ws.protection.sheet is True
    assert ws.cell(row=excel.HEADER_ROW, column=1).protection.locked is True
    assert ws.cell(row=rows[first.pk], column=COL["report"]).protection.locked is True
    assert ws.cell(row=rows[first.pk], column=COL["figure"]).protection.locked is False
    # Narrative cells are open on a task's first row only.
    assert ws.cell(row=rows[first.pk], column=COL["progress"]).protection.locked is False
    assert ws.cell(row=rows[second.pk], column=COL["progress"]).protection.locked is True
    validations = ws.data_validations.dataValidation
    figure_cells = {str(rng) for dv in validations if dv.type == "decimal" for rng in dv.sqref.ranges}
    coord = ws.cell(row=rows[first.pk], column=COL["figure"]).coordinate
    assert coord in figure_cells
    percent = [dv for dv in validations if dv.type == "decimal" and dv.formula2 == "100"]
    assert percent and ws.cell(row=rows[second.pk], column=COL["figure"]).coordinate in str(percent[0].sqref)
    assert any(dv.type == "textLength" for dv in validations)
    assert wb[excel.META_SHEET].sheet_state == "veryHidden"


def test_user_text_in_the_template_cannot_run_as_a_formula(world, two_tasks):
    task, first, _ = two_tasks
    report = world.report_of(world.lead_unit)
    services.save_draft(report=report, user=world.users["lead_reporter"], version=1, progress="=cmd|' /C calc'!A0",
                        problems="+1", next_steps="@SUM(1)")
    ws = download(world)[excel.SHEET]
    for row in ws.iter_rows(min_row=ROW):
        for cell in row:
            if isinstance(cell.value, str):
                assert cell.data_type == "s" and not cell.value.startswith(("=", "+", "-", "@"))
    row = rows_by_target(ws)[world.target.pk]
    assert ws.cell(row=row, column=COL["progress"]).value == "'=cmd|' /C calc'!A0"


def test_round_trip_saves_every_changed_report_through_the_workflow(world, two_tasks, client):
    task, first, second = two_tasks
    client.force_login(world.users["lead_reporter"])
    response = client.get(reverse("unit-excel-template", args=[world.round.pk, world.lead_unit.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb[excel.SHEET]
    rows = rows_by_target(ws)
    ws.cell(row=rows[world.target.pk], column=COL["figure"], value=3000)
    ws.cell(row=rows[world.target.pk], column=COL["progress"], value="=新增就业3000人（以等号开头也只是文字）")
    ws.cell(row=rows[first.pk], column=COL["figure"], value="1,200")
    ws.cell(row=rows[first.pk], column=COL["note"], value="住建部门数据")
    ws.cell(row=rows[first.pk], column=COL["progress"], value="完成改造1200户。")
    ws.cell(row=rows[second.pk], column=COL["figure"], value=85.5)
    response = client.post(reverse("unit-excel", args=[world.round.pk, world.lead_unit.pk]), {"file": to_upload(wb)})
    assert response.status_code == 302
    main = world.report_of(world.lead_unit)
    other = world.round.reports.get(task=task, unit=world.lead_unit)
    assert main.progress == "=新增就业3000人（以等号开头也只是文字）" and main.version == 2
    assert other.progress == "完成改造1200户。" and other.status == S.DRAFT
    assert TargetValue.objects.get(report=main).value == Decimal("3000")
    assert TargetValue.objects.get(report=other, target=first).value == Decimal("1200")
    assert TargetValue.objects.get(report=other, target=first).note == "住建部门数据"
    assert TargetValue.objects.get(report=other, target=second).value == Decimal("85.5")
    assert main.history.latest().history_change_reason == "Excel 模板导入"
    # Download again and upload unchanged: nothing is saved, no version bumped.
    result = upload(world, download(world))
    assert result.ok and result.saved == [] and result.unchanged == 2
    assert world.report_of(world.lead_unit).version == 2


def test_a_bad_row_saves_nothing_and_every_problem_is_listed_with_its_row(world, two_tasks, client):
    task, first, second = two_tasks
    wb = download(world)
    ws = wb[excel.SHEET]
    rows = rows_by_target(ws)
    ws.cell(row=rows[world.target.pk], column=COL["figure"], value=3000)  # a good row
    ws.cell(row=rows[world.target.pk], column=COL["progress"], value="好的一行")
    ws.cell(row=rows[first.pk], column=COL["figure"], value=-5)
    ws.cell(row=rows[second.pk], column=COL["figure"], value="九十")
    ws.cell(row=rows[second.pk], column=COL["progress"], value="不该填在第二行")
    client.force_login(world.users["lead_reporter"])
    response = client.post(reverse("unit-excel", args=[world.round.pk, world.lead_unit.pk]), {"file": to_upload(wb)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "本次没有保存任何内容" in html
    assert f"第{rows[first.pk]}行" in html and "不能为负数" in html
    assert f"第{rows[second.pk]}行" in html and "必须是数字" in html
    assert "只填在该任务的第一行" in html
    assert all(r.version == 1 and r.progress == "" for r in ProgressReport.objects.all())
    assert not TargetValue.objects.exists()


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("figure", 99999999, "远超目标值"),
        ("progress", "很" * 5001, "超过5000字"),
        ("report", 999999, "不属于"),
        ("target", 999999, "不属于"),
        ("note", "长" * 501, "500字"),
    ],
)
def test_each_kind_of_bad_cell_is_refused(world, column, value, message):
    wb = download(world)
    ws = wb[excel.SHEET]
    ws.cell(row=ROW, column=COL[column], value=value)
    result = upload(world, wb)
    assert not result.ok and message in " ".join(str(p) for p in result.problems)
    assert f"第{ROW}行" in str(result.problems[0])
    assert world.report_of(world.lead_unit).version == 1


def test_stale_template_is_refused_and_the_newer_version_kept(world):
    wb = download(world)
    report = world.report_of(world.lead_unit)
    services.save_draft(report=report, user=world.users["lead_reporter"], version=1, progress="网页上改过")
    wb[excel.SHEET].cell(row=ROW, column=COL["progress"], value="Excel 里的旧版本")
    result = upload(world, wb)
    assert not result.ok and "重新下载模板" in str(result.problems[0])
    report.refresh_from_db()
    assert report.progress == "网页上改过" and report.version == 2


def test_report_no_longer_editable_is_refused_only_if_changed(world, flow):
    flow.submitted()
    wb = download(world)
    assert upload(world, wb).ok  # unchanged: fine
    wb[excel.SHEET].cell(row=ROW, column=COL["progress"], value="提交后再改")
    result = upload(world, wb)
    assert not result.ok and "待单位审核" in str(result.problems[0])


def test_closed_round_refuses_upload(world):
    wb = download(world)
    world.round.closed = True
    world.round.save()
    result = upload(world, wb)
    assert not result.ok and "已关闭" in str(result.problems[0])


def test_wrong_files_are_refused_with_a_clear_message(world, flow):
    other_round = services.create_round(plan=world.plan, period_kind="quarter", period_label="2021年第三季度",
                                        period_start="2021-07-01", period_end="2021-09-30", opens_on="2021-07-01",
                                        due_on="2021-10-10")
    other = excel.build_template(rnd=other_round, unit=world.lead_unit, user=world.users["lead_reporter"])
    result = excel.read_upload(rnd=world.round, unit=world.lead_unit, user=world.users["lead_reporter"],
                               upload=SimpleUploadedFile("x.xlsx", other))
    assert "其他轮次或其他单位" in str(result.problems[0])
    result = excel.read_upload(rnd=world.round, unit=world.lead_unit, user=world.users["lead_reporter"],
                               upload=SimpleUploadedFile("x.xlsx", b"%PDF-1.4 not a workbook"))
    assert "不是 Excel 工作簿" in str(result.problems[0])
    wb = download(world)
    wb[excel.SHEET].cell(row=excel.HEADER_ROW, column=COL["figure"], value="改了表头")
    assert "表头被修改" in str(upload(world, wb).problems[0])
    from openpyxl import Workbook

    result = excel.read_upload(rnd=world.round, unit=world.lead_unit, user=world.users["lead_reporter"],
                               upload=to_upload(Workbook()))
    assert "不是本系统的填报模板" in str(result.problems[0])
    assert not RefusedEdit.objects.exists() and world.report_of(world.lead_unit).version == 1


def test_oversized_upload_is_refused(world, settings):
    settings.LUOSHI_MAX_UPLOAD_BYTES = 100
    result = upload(world, download(world))
    assert not result.ok and "超过了" in str(result.problems[0])


def test_only_the_units_reporter_may_upload_and_readers_may_download(world):
    from django.core.exceptions import PermissionDenied

    wb = download(world, user="lead_approver")  # approvers, office and leaders may download to read
    with pytest.raises(PermissionDenied):
        upload(world, wb, user="lead_approver")
    with pytest.raises(PermissionDenied):
        excel.build_template(rnd=world.round, unit=world.lead_unit, user=world.users["part_reporter"])
    ws = download(world, user="office")[excel.SHEET]
    assert ws.cell(row=ROW, column=COL["figure"]).protection.locked is True  # office copy is read-only


def test_template_download_costs_a_fixed_number_of_queries(world, client, django_assert_max_num_queries):
    for i in range(20):
        task = f.TaskFactory(plan=world.plan, section=world.task.section, ref=f"x{i}")
        f.AssignmentFactory(task=task, unit=world.lead_unit)
        f.TargetFactory(task=task)
    services.ensure_report_slots(world.round)
    client.force_login(world.users["lead_reporter"])
    with django_assert_max_num_queries(17):  # 14, and the download's audit record (savepoint, insert, release)
        response = client.get(reverse("unit-excel-template", args=[world.round.pk, world.lead_unit.pk]))
    assert response.status_code == 200


def test_text_typed_in_a_browser_round_trips_unchanged(world, flow):
    """Browsers send CRLF line ends; a template downloaded and uploaded untouched changes nothing."""
    report = flow.submitted()
    ProgressReport.objects.filter(pk=report.pk).update(progress="第一行\r\n第二行 ", next_steps="-下步：继续")
    result = upload(world, download(world))
    assert result.ok and result.unchanged == 1
