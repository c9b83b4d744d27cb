"""考核 on the province-scale data: scoring every committee's member units for a year (70
committees × 40 units, all at once with ``selectors.score_year``, every report of the year, returns from the history, the stored roll-up)
against one hand-written SQL statement computing the same sums (``floor_scoring.sql``). Goal ≤ 2×.

Prints one JSON line: {"name": "scoring_full_year", "value": s, "floor": s, "ratio": …, "max_ratio": 2, …}.
The scores are checked, not only timed: every unit's total computed from the floor's sums with the
scheme's rules must equal the total of its card, and every card's lines must add up to its points.
The timed runs score and rank (what the ranking page and the API list show); a card's lines are
written when it is read, as the unit's page, the annex and the API detail do.
"""
import datetime
import statistics
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from rollups import engine as rollup
from rollups.models import RollupRun, ScoringItem, ScoringScheme
from rollups.scoring import selectors
from rollups.scoring.facts import load_facts, load_facts_many
from tests.bench.test_rollup_bench import Peak, emit
from units.models import Committee

pytestmark = pytest.mark.bench

HERE = Path(__file__).resolve().parent
YEAR = 2025
RUNS = 5
MAX_RATIO = 2.0
ITEMS = [("timeliness", 6, 1, "0.5", 0), ("completeness", 14, 0, 0, 0), ("returns", 10, 0, 0, 2),
         ("targets", 40, 0, 0, 0), ("tasks", 30, 0, 0, 0)]


def q(x):
    return Decimal(x).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _schemes():
    """One scheme per committee for the year (created once in the bench database)."""
    schemes = []
    for committee in Committee.objects.order_by("id"):
        scheme, created = ScoringScheme.objects.get_or_create(
            committee=committee, year=YEAR, defaults={"title": f"{YEAR}年度成员单位工作考核办法"})
        if created:
            for order, (kind, points, missing, late, ret) in enumerate(ITEMS):
                ScoringItem.objects.create(scheme=scheme, kind=kind, points=points, per_missing=missing,
                                           per_late=Decimal(late), per_return=ret, order=order)
        schemes.append(scheme)
    return list(ScoringScheme.objects.filter(pk__in=[s.pk for s in schemes]).select_related("committee")
                .prefetch_related("items"))


def score_everything(schemes, today):
    out = {}
    committee_of = {s.pk: s.committee_id for s in schemes}
    for scheme_id, cards in selectors.score_year(schemes, today=today).items():
        for card in cards:
            out[(committee_of[scheme_id], int(card.key[1:]))] = card
    return out


def floor(today):
    sql = (HERE / "floor_scoring.sql").read_text()
    with connection.cursor() as cur:
        cur.execute(sql, {"year": YEAR, "today": today})
        return cur.fetchall()


def total_from_floor(row):
    _c, _u, on_time, late, missing, accepted, returns, targets, attained, tasks, done = row
    expected = on_time + late + missing
    points = [
        q(max(Decimal(6) - missing - Decimal("0.5") * late, Decimal(0))),
        q(Decimal(14) * accepted / expected) if expected else q(14),
        q(max(Decimal(10) - 2 * returns, Decimal(0))),
        q(Decimal(40) * Decimal(attained) / targets) if targets else q(40),
        q(Decimal(30) * done / tasks) if tasks else q(30),
    ]
    return q(sum(points))


def test_scoring_full_year(bench_db):
    if not RollupRun.objects.filter(year=YEAR, computed_at__isnull=False).exists():
        rollup.recompute_year(YEAR)
    today = timezone.localdate()
    schemes = _schemes()
    peak = Peak()
    # warm-up and correctness
    cards = score_everything(schemes, today)
    rows = floor(today)
    expected = {(r[0], r[1]): total_from_floor(r) for r in rows}
    assert set(expected) == set(cards), "the floor and the scoring must score the same units"
    wrong = [(k, expected[k], cards[k].total) for k in expected if expected[k] != cards[k].total]
    assert not wrong, wrong[:5]
    # every point is a line: the lines (written when a card is read) add up to each item's points
    for card in cards.values():
        for item in card.items:
            if item.kind != "adjustments":
                assert item.max_points + sum(ln.points for ln in item.lines) == item.points, (card.key, item.kind)
    assert len(cards) >= 70 * 30
    scored = len(cards)
    del cards, rows, expected  # the timed runs start without the check's hundred thousand lines in memory
    # queries: the same for the whole province as for one committee
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        load_facts(schemes[0], today=today)
    with CaptureQueriesContext(connection) as all_of_them:
        load_facts_many(schemes, today=today)
    assert len(all_of_them.captured_queries) == len(one.captured_queries) <= 12
    values, floors = [], []
    peak.reset()
    for _ in range(RUNS):
        start = time.perf_counter()
        score_everything(schemes, today)
        values.append(time.perf_counter() - start)
        start = time.perf_counter()
        floor(today)
        floors.append(time.perf_counter() - start)
    line = emit("scoring_full_year", statistics.median(values), statistics.median(floors), MAX_RATIO, peak.mb())
    print(f"  {scored} units scored, {datetime.date.today()}")
    assert line["ratio"] <= MAX_RATIO
