"""The 考核 annex rendered through LibreOffice (headless): A4, a sensible number of pages, and no
cell printing "###" (a column too narrow for its number or date). Needs ``soffice`` and poppler's
``pdfinfo``/``pdftotext`` (``scripts/browser-deps.sh`` installs them)."""
import datetime
import re
import shutil
import subprocess
from decimal import Decimal as D

import pytest

from rollups import engine as rollup
from rollups.scoring import annex, selectors
from tasks.models import Assignment
from tests import factories as f

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")),
                                 reason="需要 LibreOffice 与 poppler-utils（scripts/browser-deps.sh）")]


def to_pdf(tmp_path, name, content):
    source = tmp_path / name
    source.write_bytes(content)
    profile = tmp_path / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    pdf = source.with_suffix(".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    w, h = (float(x) for x in re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    return pdf, pages, (round(w), round(h)), text


@pytest.fixture
def twelve_units(world, reports):
    for i in range(12):
        unit = f.UnitFactory(committee=world.committee, short_name=f"省成员单位{i:02d}", code=f"m{i}")
        f.AssignmentFactory(task=world.task, unit=unit, role=Assignment.Role.LEAD, order=10 + i)
        reports.report(1, unit, {world.target: 100 * i})
        if i % 3:
            reports.report(2, unit, {world.target: 120 * i}, submitted_on=datetime.date(2021, 7, 10 + i))
    rollup.recompute_year(2021)
    scheme = f.ScoringSchemeFactory(committee=world.committee, doc_number="某残工委发〔2021〕3号")
    f.ScoreAdjustmentFactory(scheme=scheme, unit=world.part_unit, points=D(2), reason="获省政府表彰")
    cards, top = selectors.results(world.users["office"], scheme, today=datetime.date(2022, 3, 1))
    return scheme, cards, top


def test_xlsx_annex_prints_on_a4_landscape_without_hashes(tmp_path, twelve_units):
    scheme, cards, top = twelve_units
    pdf, pages, size, text = to_pdf(tmp_path, "annex.xlsx", annex.build_xlsx(scheme, cards, top))
    assert size == (842, 595)  # A4 landscape
    assert len(cards) + 1 <= pages <= 3 * (len(cards) + 1)  # the ranking sheet and one sheet per unit
    assert "###" not in text
    assert "省成员单位07" in text and "迟报" in text


def test_docx_annex_is_an_a4_gongwen(tmp_path, twelve_units):
    scheme, cards, top = twelve_units
    pdf, pages, size, text = to_pdf(tmp_path, "annex.docx", annex.build_docx(scheme, cards, top))
    assert size == (595, 842)
    assert 2 <= pages <= 15
    assert re.search(r"—\s*1\s*—", text) and re.search(r"—\s*2\s*—", text)  # page numbers "— 1 —" in the footer
    assert "一、考核办法" in text and "###" not in text
    # keep the last rendering for a look (pdftoppm -png)
    shutil.copy(pdf, tmp_path / "look.pdf")
