"""Old formats and scans: OCR of a 10-page scanned plan against the OCR engine alone on the same
page images, and converting a .doc plan against a bare ``soffice --convert-to``."""
import io
import json
import resource
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from targets.extraction import extract_targets
from tasks.importer import convert, ocr, parse_file, parse_plan

pytestmark = pytest.mark.bench
FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"


def ten_page_scan() -> bytes:
    """The 4-page scan of the 2021 plan, its pages repeated to 10 pages (image-only PDF)."""
    import pypdfium2

    source = pypdfium2.PdfDocument((FORMATS / "jilin-2021-key-tasks.scan.pdf").read_bytes())
    target = pypdfium2.PdfDocument.new()
    for i in range(10):
        target.import_pages(source, [i % len(source)])
    buffer = io.BytesIO()
    target.save(buffer)
    return buffer.getvalue()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_ocr_of_a_10_page_scan():
    data = ten_page_scan()
    engine = ocr._get_engine()
    images = list(ocr.page_images(data))  # rendering is outside the floor: the floor is the engine alone
    engine(images[0])  # warm up (model load, first-run allocations) for both sides
    start = time.perf_counter()
    for image in images:
        engine(image)
    floor = time.perf_counter() - start
    del images
    start = time.perf_counter()
    result = ocr.ocr_document(data)
    plan = parse_plan(result.document, extract_targets=extract_targets)
    value = time.perf_counter() - start
    print(json.dumps({"name": "ocr_10_page_scan", "pages": 10, "value": round(value, 2), "floor": round(floor, 2),
                      "ratio": round(value / floor, 2), "max_ratio": 1.2, "seconds_per_page": round(value / 10, 2),
                      "peak_rss_mb": round(peak_mb(), 0), "tasks": len(plan["tasks"])}))
    assert len(result.pages) == 10
    assert value <= 1.2 * floor, f"OCR 10 页用时 {value:.1f}s，超过引擎本身 {floor:.1f}s 的 1.2 倍"


def test_doc_conversion():
    data = (FORMATS / "jilin-2021-key-tasks.doc").read_bytes()
    soffice = convert.soffice_path()
    assert soffice, "LibreOffice is needed for this benchmark (make importer-deps)"

    def floor_run():
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "plan.doc"
            source.write_bytes(data)
            subprocess.run([soffice, f"-env:UserInstallation={Path(tmp, 'p').as_uri()}", "--headless",
                            "--convert-to", "docx", "--outdir", tmp, str(source)], check=True, capture_output=True)

    floors, values = [], []
    for _ in range(3):
        start = time.perf_counter()
        floor_run()
        floors.append(time.perf_counter() - start)
        start = time.perf_counter()
        plan = parse_file(data, "plan.doc", extract_targets=extract_targets)
        values.append(time.perf_counter() - start)
    value, floor = sorted(values)[1], sorted(floors)[1]
    print(json.dumps({"name": "doc_conversion_and_import", "value": round(value, 2), "floor": round(floor, 2),
                      "ratio": round(value / floor, 2), "tasks": len(plan["tasks"])}))
    assert len(plan["tasks"]) == 21
    assert value <= 1.5 * floor, f".doc 导入用时 {value:.2f}s，超过 soffice 单独转换 {floor:.2f}s 的 1.5 倍"
