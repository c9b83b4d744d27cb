"""Scanned plans read by OCR (tasks/importer/ocr.py) and the OCR job with its progress.

The scan fixtures were made by tests/fixtures/formats/build.py: the 2021 key-task plan
typeset on A4 at 150 dpi, each page rotated slightly, blurred and JPEG-compressed. The
real engine reads them here (a few pages only: OCR takes seconds a page); the Django
flow tests use a stand-in engine that returns the plan's lines, so they stay fast.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from targets.extraction import extract_targets
from tasks import importing, scans
from tasks.importer import PlanImportError, ocr, parse_file, read_document
from tasks.models import PlanImport, WorkPlan
from tests.plan_fixtures import score_module

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
SCAN = FORMATS / "jilin-2021-key-tasks.scan.pdf"
EXPECTED = json.loads((FORMATS / "jilin-2021-key-tasks.expected.json").read_text(encoding="utf-8"))


def load_score():
    return score_module().score  # the plan fixtures' own scorer


def png(width, height, mode="1") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height), 1 if mode == "1" else 255).save(buffer, "PNG")
    return buffer.getvalue()


# ---------------------------------------------------------------- the real engine


def test_the_engine_ships_with_its_models():
    assert ocr.engine_available()


def test_scanned_pdf_scores_within_the_goals():
    seen = []
    result = ocr.ocr_document(SCAN.read_bytes(), progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 4) and seen[-1] == (4, 4)
    assert len(result.pages) == 4 and all(page.text for page in result.pages)
    from tasks.importer import parse_plan

    actual = parse_plan(result.document, extract_targets=extract_targets)
    score = load_score()(EXPECTED, actual)
    assert score["task_recall"] >= 0.95 and score["unit_accuracy"] >= 0.95 and score["target_f1"] >= 0.90
    assert actual["plan"]["doc_number"] == "吉政残工委发〔2021〕2号"


def head_of_page(fmt: str) -> bytes:
    """The top quarter of the scanned first page (the document's head), as JPEG or bilevel TIFF."""
    image = Image.open(FORMATS / "scan-page.jpg").crop((0, 0, 1240, 460))
    buffer = io.BytesIO()
    if fmt == "TIFF":
        image.convert("1").save(buffer, "TIFF", compression="group4")
    else:
        image.save(buffer, fmt, quality=60) if fmt == "JPEG" else image.save(buffer, fmt)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "TIFF"])
def test_page_images_are_read(fmt):
    document = read_document(head_of_page(fmt), f"page.{fmt.lower()}", ocr=True)
    text = "".join(document.lines)
    assert document.kind == "ocr"
    assert "吉林省人民政府残疾人工作委员会" in text and "重点工作任务" in text


def test_without_ocr_a_scan_is_refused_as_before():
    with pytest.raises(PlanImportError) as info:
        read_document(SCAN.read_bytes(), "scan.pdf")
    assert info.value.code == "pdf_image_only"


# ---------------------------------------------------------------- hostile scans


def test_decompression_bomb_is_refused_before_decoding():
    bomb = png(20000, 20000)  # 400 Mpx of white: a few KB compressed
    assert len(bomb) < 200_000
    with pytest.raises(PlanImportError) as info:
        parse_file(bomb, "bomb.png", ocr=True, extract_targets=extract_targets)
    assert info.value.code == "image_too_large" and "过大" in str(info.value)


def test_truncated_image_gets_a_clear_message():
    data = (FORMATS / "scan-page.jpg").read_bytes()[:5000]
    with pytest.raises(PlanImportError) as info:
        parse_file(data, "cut.jpg", ocr=True, extract_targets=extract_targets)
    assert info.value.code in ("image_corrupt", "ocr_no_text")
    assert "重新" in str(info.value)


def test_blank_page_has_no_text():
    with pytest.raises(PlanImportError) as info:
        parse_file(png(800, 1100, "L"), "blank.png", ocr=True, extract_targets=extract_targets)
    assert info.value.code == "ocr_no_text"


def test_pdf_with_2000_blank_pages_is_refused_at_once():
    import pypdfium2

    pdf = pypdfium2.PdfDocument.new()
    for _ in range(2000):
        pdf.new_page(595, 842)
    buffer = io.BytesIO()
    pdf.save(buffer)
    with pytest.raises(PlanImportError) as info:
        ocr.page_count(buffer.getvalue())
    assert info.value.code == "ocr_too_many_pages" and "2000" in str(info.value)


# ---------------------------------------------------------------- the job and the three ways in


class FakeEngine:
    """Stands in for RapidOCR: returns the plan's lines page by page, as boxes, in shuffled order."""

    def __init__(self, pages: int = 4):
        lines = [line for line in (FORMATS / "jilin-2021-key-tasks.web.txt").read_text(encoding="utf-8")
                 .splitlines()[6:-8] if line.strip()]
        per_page = -(-len(lines) // pages)
        self.pages = [lines[i:i + per_page] for i in range(0, len(lines), per_page)]
        self.calls = 0

    def __call__(self, image):
        lines = self.pages[self.calls] if self.calls < len(self.pages) else []
        self.calls += 1
        boxes = [[[[100, 50 * i], [1100, 50 * i], [1100, 50 * i + 30], [100, 50 * i + 30]], text,
                  0.5 if i == 1 else 0.99] for i, text in enumerate(lines, start=1)]
        return list(reversed(boxes)), [0.1]


@pytest.fixture
def fake_engine(monkeypatch):
    engine = FakeEngine()
    monkeypatch.setattr(ocr, "_get_engine", lambda: engine)
    return engine


@pytest.mark.django_db
def test_wizard_scan_runs_as_a_job_and_previews_with_pages(client, world, fake_engine):
    client.force_login(world.users["office"])
    response = client.post(reverse("plan-import"), {
        "committee": world.committee.pk, "file": SimpleUploadedFile("扫描件.pdf", SCAN.read_bytes())})
    assert response.status_code == 302
    record = PlanImport.objects.get()
    assert record.status == PlanImport.Status.PREVIEW  # eager Celery: the job ran inline
    assert (record.pages_done, record.pages_total) == (4, 4) and len(record.ocr_pages) == 4
    assert len(record.structure["tasks"]) == 21
    page = client.get(response["Location"]).content.decode()
    assert "扫描件第 2 页" in page and "识别把握不大" in page and "<mark>" in page


@pytest.mark.django_db
def test_progress_page_while_reading_and_cancel(client, world, fake_engine, monkeypatch):
    from tasks import jobs

    monkeypatch.setattr(jobs.ocr_plan_import, "delay", lambda *a, **k: None)  # a worker that has not started yet
    client.force_login(world.users["office"])
    response = client.post(reverse("plan-import"), {
        "committee": world.committee.pk, "file": SimpleUploadedFile("扫描件.pdf", SCAN.read_bytes())})
    record = PlanImport.objects.get()
    assert record.status == PlanImport.Status.READING and record.pages_total == 4
    page = client.get(response["Location"]).content.decode()
    assert "共 4 页" in page and 'data-poll=' in page and "job-poll.js" in page and "<progress" in page
    client.post(response["Location"], {"discard": "1"})
    record.refresh_from_db()
    assert record.status == PlanImport.Status.DISCARDED
    assert scans.run_ocr(record.pk) == "gone"  # the job, when it comes, does nothing
    assert fake_engine.calls == 0


@pytest.mark.django_db
def test_cancel_while_the_job_runs_stops_it(world, fake_engine, monkeypatch):
    from tasks import jobs

    monkeypatch.setattr(jobs.ocr_plan_import, "delay", lambda *a, **k: None)
    record = importing.start_import(committee=world.committee, user=world.users["office"],
                                    data=SCAN.read_bytes(), filename="scan.pdf")
    original = fake_engine.__call__

    def discard_after_first_page(image):
        if fake_engine.calls == 1:
            PlanImport.objects.filter(pk=record.pk).update(status=PlanImport.Status.DISCARDED)
        return original(image)

    monkeypatch.setattr(ocr, "_get_engine", lambda: discard_after_first_page)
    assert scans.run_ocr(record.pk) == PlanImport.Status.DISCARDED
    record.refresh_from_db()
    assert record.status == PlanImport.Status.DISCARDED and record.structure == {}


@pytest.mark.django_db
def test_failed_ocr_shows_why(client, world, monkeypatch):
    monkeypatch.setattr(ocr, "_get_engine", lambda: (lambda image: ([], [0.1])))  # reads nothing
    client.force_login(world.users["office"])
    response = client.post(reverse("plan-import"), {
        "committee": world.committee.pk, "file": SimpleUploadedFile("扫描件.pdf", SCAN.read_bytes())})
    record = PlanImport.objects.get()
    assert record.status == PlanImport.Status.FAILED and "没有识别出任何文字" in record.error
    page = client.get(response["Location"]).content.decode()
    assert 'role="alert"' in page and "没有识别出任何文字" in page
    assert WorkPlan.objects.filter(import_record=record).count() == 0


@pytest.mark.django_db
def test_bomb_upload_writes_nothing(client, world):
    client.force_login(world.users["office"])
    response = client.post(reverse("plan-import"), {
        "committee": world.committee.pk, "file": SimpleUploadedFile("bomb.png", png(20000, 20000))})
    assert response.status_code == 400 and "过大" in response.content.decode()
    assert not PlanImport.objects.exists()


@pytest.mark.django_db
def test_only_the_office_may_start_ocr(world, fake_engine):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        importing.start_import(committee=world.committee, user=world.users["lead_reporter"],
                               data=SCAN.read_bytes(), filename="scan.pdf")
    assert not PlanImport.objects.exists() and fake_engine.calls == 0


@pytest.mark.django_db
def test_command_reads_a_scan_inline(fake_engine, capsys):
    from django.core.management import call_command

    call_command("import_plan", str(SCAN), "--dry-run", "--json")
    actual = json.loads(capsys.readouterr().out)
    assert len(actual["tasks"]) == 21 and not PlanImport.objects.exists()
