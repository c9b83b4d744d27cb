"""The 季度调度通报 of one round at province scale against the bare roll-up read.

Prints one JSON line (``round_bulletin``): drafting the bulletin of the province plan's last round
of the year (the stored roll-up read, the reasons and explanations, who reported late or not at
all, who is commended) against ``load_rollup`` alone, the read every dashboard makes — medians of
alternating runs, with the peak of Python allocations (tracemalloc) of one draft. Goal ≤ 3× the
read and under 2 s.
"""
import statistics
import time
import tracemalloc

import pytest

from demo import scale
from reports.models import ReportingRound
from rollups import engine as rollup
from rollups.bulletins import draft_text
from rollups.models import RollupRun
from rollups.selectors import load_rollup
from tasks.models import WorkPlan
from tests.bench.test_rollup_bench import YEAR, emit
from units.models import Committee

pytestmark = pytest.mark.bench
RUNS = 5
MAX_RATIO, MAX_SECONDS = 3.0, 2.0


@pytest.fixture(scope="module")
def province_round(bench_db):
    root = Committee.objects.get(code=scale.ROOT_CODE)
    plan = WorkPlan.objects.get(committee=root, period_start=YEAR)
    if not RollupRun.objects.filter(plan=plan, year=YEAR, computed_at__isnull=False).exists():
        rollup.recompute_year(YEAR)
    return plan, ReportingRound.objects.filter(plan=plan).order_by("-period_end").first()


def test_round_bulletin_against_the_bare_rollup_read(province_round):
    plan, rnd = province_round
    ours, bare = [], []
    for _ in range(RUNS):
        start = time.perf_counter()
        title, body = draft_text(rnd)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        load_rollup([plan], YEAR)
        bare.append(time.perf_counter() - start)
    tracemalloc.start()
    draft_text(rnd)
    peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()
    value, floor = statistics.median(ours), statistics.median(bare)
    line = emit("round_bulletin", value, floor, min(MAX_RATIO, MAX_SECONDS / floor), peak)
    assert "一、总体进展" in body and title
    assert value < MAX_SECONDS and value / floor <= line["max_ratio"], line
