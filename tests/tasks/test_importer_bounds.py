"""Hostile plan files: every cap of the importer holds, with a clear Chinese message and nothing written.

The readers must do work in proportion to the input and stop at fixed caps (paragraphs,
merged cells, unpacked size, file size) before a worker is pinned; the command has a time
limit; the API checks the size before it reads the upload; originals get random names.
"""
import io
import time
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from tasks import importing
from tasks.importer import PlanImportError, office, parse_file, readers
from tasks.importer.normalize import join_paragraphs
from tasks.models import PlanImport, WorkPlan


def test_joining_wrapped_lines_is_linear():
    """40,000 wrapped lines (a quadratic join took about a minute) are joined in well under 10 s."""
    lines = ["一、总体要求"] + ["这是一行被折断的文字没有结尾继续写下去"] * 40_000
    started = time.monotonic()
    paragraphs = join_paragraphs(lines, wrapped=True)
    assert time.monotonic() - started < 10
    assert len(paragraphs) == 2 and len(paragraphs[1]) == 40_000 * 19


def test_units_clause_still_closes_a_wrapped_paragraph():
    lines = ["1.加强残疾人就业服务，", "做好培训（牵头单位：省残联；", "参加单位：省人社厅）", "接着是另一段文字"]
    assert join_paragraphs(lines, wrapped=True) == [
        "1.加强残疾人就业服务，做好培训（牵头单位：省残联；参加单位：省人社厅）", "接着是另一段文字"]


def test_a_large_text_plan_parses_in_bounded_time():
    lines = ["一、主要任务"] + [f"{i}.做好第{i}项重点工作，推进残疾人事业发展。（牵头单位：省残联）" for i in range(1, 1000)]
    started = time.monotonic()
    plan = parse_file("\n".join(lines).encode(), "plan.txt", extract_targets=None)
    assert time.monotonic() - started < 20
    assert len(plan["tasks"]) == 999


def _xlsx_with_merges(count, ref="A2:BH20000"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "工作任务", "牵头单位", "参加单位"])
    ws.append(["1", "做好残疾人就业工作", "省残联", "省人社厅"])
    buffer = io.BytesIO()
    wb.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    merges = "".join(f'<mergeCell ref="{ref}"/>' for _ in range(count))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", f'</sheetData><mergeCells count="{count}">{merges}</mergeCells>'.encode())
            target.writestr(info, data)
    return out.getvalue()


def test_too_many_merged_ranges_are_refused_before_work():
    data = _xlsx_with_merges(office.MAX_MERGED_RANGES + 1)
    assert len(data) < 100_000
    started = time.monotonic()
    with pytest.raises(PlanImportError) as exc:
        readers.read_document(data, "plan.xlsx")
    assert exc.value.code == "too_many_merges" and "合并单元格过多" in str(exc.value)
    assert time.monotonic() - started < 10


def test_merged_cells_filling_too_much_are_refused(monkeypatch):
    monkeypatch.setattr(office, "MAX_MERGED_CELLS", 5)
    with pytest.raises(PlanImportError) as exc:
        readers.read_document(_xlsx_with_merges(3, ref="A1:D2"), "plan.xlsx")
    assert exc.value.code == "too_many_merges"


def test_a_few_merges_still_read():
    document = readers.read_document(_xlsx_with_merges(2, ref="C2:C2"), "plan.xlsx")
    assert document.has_content()


def test_too_many_paragraphs_are_refused(monkeypatch):
    monkeypatch.setattr(readers, "MAX_PARAGRAPHS", 100)
    with pytest.raises(PlanImportError) as exc:
        readers.read_document("\n".join(["字"] * 101).encode(), "plan.txt")
    assert exc.value.code == "too_many_paragraphs" and "段落或表格行过多" in str(exc.value)
    assert readers.read_document("\n".join(["字"] * 100).encode(), "plan.txt").has_content()


def test_unpacked_size_is_capped(monkeypatch):
    monkeypatch.setattr(readers, "MAX_UNZIPPED_BYTES", 1000)
    with pytest.raises(PlanImportError) as exc:
        readers.read_document(_xlsx_with_merges(1, ref="C2:C2"), "plan.xlsx")
    assert exc.value.code == "zip_bomb"


@pytest.mark.django_db
def test_command_has_a_time_limit_and_writes_nothing(world, tmp_path, monkeypatch):
    plan = tmp_path / "plan.txt"
    plan.write_text("1.做好就业工作。（牵头单位：省人社厅）", encoding="utf-8")

    def slow(**kwargs):
        time.sleep(5)

    monkeypatch.setattr(importing, "read_plan_file", slow)
    started = time.monotonic()
    with pytest.raises(CommandError, match="超过 1 秒"):
        call_command("import_plan", str(plan), "--committee", "prov", "--time-limit", "1")
    assert time.monotonic() - started < 4
    assert not PlanImport.objects.exists() and not WorkPlan.objects.filter(title__contains="就业").exists()


@pytest.mark.django_db
def test_command_refuses_an_oversized_file_before_reading_it(world, tmp_path, settings):
    settings.LUOSHI_MAX_UPLOAD_BYTES = 100
    plan = tmp_path / "plan.txt"
    plan.write_bytes("字".encode() * 100)
    with pytest.raises(CommandError, match="文件过大"):
        call_command("import_plan", str(plan), "--dry-run")


@pytest.mark.django_db
def test_api_checks_the_size_before_reading_and_answers_in_the_json_error_body(world, settings, monkeypatch):
    settings.LUOSHI_MAX_UPLOAD_BYTES = 1000
    monkeypatch.setattr(importing, "start_import", lambda **kw: pytest.fail("the oversized upload was read"))
    client = APIClient()
    client.force_login(world.users["office"])
    response = client.post("/api/v1/plan-imports/", {"committee": "prov", "file": SimpleUploadedFile("p.txt", b"x" * 2000)},
                           format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "文件过大" in body["errors"]["file"][0]
    assert not PlanImport.objects.exists()


@pytest.mark.django_db
def test_originals_are_stored_under_random_names(world):
    record = importing.start_import(committee=world.committee, user=world.users["office"],
                                    data="1.做好就业工作。（牵头单位：省人社厅）".encode(), filename="evil.html")
    name = record.source_file.name
    assert "evil" not in name and name.endswith(".bin")
    assert record.source_name == "evil.html"
    assert importing.stored_name("计划.DOCX").endswith(".docx")
