"""The evaluation files rendered through LibreOffice (headless): A4, page bounds, no "###". Needs ``soffice`` and
poppler (``scripts/browser-deps.sh``). The PDFs and a PNG of each first page are kept in ``test-artifacts/``."""
import os
import shutil
import subprocess
from decimal import Decimal as D
from pathlib import Path

import pytest

from rollups.evaluation import annex, selectors
from targets import services
from tests import factories as f
from tests.rollups.test_scoring_pdf import to_pdf

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")),
                                 reason="需要 LibreOffice 与 poppler-utils（scripts/browser-deps.sh）")]
FIXTURE = Path(__file__).parents[1] / "fixtures" / "plans" / "jilin-14th-fyp-indicators.txt"
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"


@pytest.fixture
def evaluated(world):
    plan = f.FiveYearPlanFactory(committee=world.committee, title="吉林省“十四五”残疾人保障和发展规划",
                                 doc_number="吉政发〔2021〕20号")
    office = world.users["office"]
    preview = services.preview_table(user=office, plan=plan, content=FIXTURE.read_bytes())
    services.confirm_table(user=office, plan=plan, preview=preview,
                           unit_choices={n: "ignore" for n in preview["unknown_units"]})
    for i, ind in enumerate(plan.indicators.order_by("number")):
        base = ind.baseline if ind.baseline is not None else ind.target_value / 5
        for year in range(2021, 2026):
            step = D(year - 2020) * (D("0.8") + D(i % 3) / 5)
            value = base + (ind.target_value - base) * step / 5 if not ind.cumulative else base * D("0.9")
            services.set_value(user=office, indicator=ind, year=year, value=round(value, 2),
                               source=f"{year}年吉林省残疾人事业发展统计公报")
        if i % 2:
            services.save_indicator(user=office, plan=plan, indicator=ind,
                                    **{**{k: getattr(ind, k) for k in services.FIELDS}, "weight": D(i)})
    return plan


def _keep(pdf, name):
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / name)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(pdf),
                        str(ARTIFACTS / os.path.splitext(name)[0])], check=False, timeout=60)


@pytest.mark.parametrize("year", [2023, 2025])
def test_xlsx_prints_a4_landscape_without_hashes(tmp_path, evaluated, year):
    ev = selectors.evaluate_plan(evaluated, year)
    pdf, pages, size, text = to_pdf(tmp_path, "evaluation.xlsx", annex.build_xlsx(evaluated, ev))
    _keep(pdf, f"fyp-evaluation-{year}-xlsx.pdf")
    assert size == (842, 595)
    assert 1 <= pages <= 3
    assert "###" not in text
    flat = "".join(text.split())
    assert "残疾人基本康复服务覆盖率" in flat and "10项主要指标中" in flat


@pytest.mark.parametrize("year", [2023, 2025])
def test_docx_is_an_a4_gongwen(tmp_path, evaluated, year):
    ev = selectors.evaluate_plan(evaluated, year)
    pdf, pages, size, text = to_pdf(tmp_path, "evaluation.docx", annex.build_docx(evaluated, ev))
    _keep(pdf, f"fyp-evaluation-{year}-docx.pdf")
    assert size == (595, 842)
    assert 2 <= pages <= 12
    assert "一、总体情况" in text and "###" not in text
    assert "10项主要指标中，5项约束性指标、5项预期性指标" in "".join(text.split())
    assert ("中期评估" if year == 2023 else "总结评估") in text
