"""Pure rules of the five-year plan evaluation (中期评估 / 总结评估). No Django, no database.

Per indicator (see README, *Five-year plans*):

* **current** — a cumulative indicator (累计): the sum of the yearly values so far; a level indicator
  (覆盖率, 人数水平): the latest year's value.
* **ratio to target** — current ÷ target (for 不高于 indicators: target ÷ current, so 1 means "at or under
  the ceiling").
* **completion** — the share of the planned change achieved: cumulative: current ÷ target; level, 不低于:
  (current − baseline) ÷ (target − baseline); level, 不高于: (baseline − current) ÷ (baseline − target).
  A level indicator without a baseline, or whose target equals its baseline, falls back to the ratio to target.
* **elapsed** (序时进度) — years of the plan elapsed at the evaluation year ÷ the plan's years: 2023 of
  2021–2025 → 3/5 = 60%.
* **ratio to 序时进度** — completion ÷ elapsed.

Judgement (first rule that applies):

1. no value at all → 完成有难度, "暂无数据";
2. target reached (不低于: current ≥ target; 不高于: current ≤ target) → 已完成;
3. final evaluation (the plan's last year) and not reached → 完成有难度;
4. completion ≥ elapsed → 预计能完成 (at or ahead of 序时进度);
5. 预期性 indicator with completion ≥ 80% of elapsed → 预计能完成 (slightly behind; an expected
   indicator is a direction, a small lag is tolerated);
6. otherwise → 完成有难度 (a 约束性 indicator must keep to 序时进度).

Weighted index = Σ weight × min(completion, 1) ÷ Σ weight × 100, over the indicators with a weight
(indicators without data count as 0); no weights → no index.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

DONE, LIKELY, HARD = "done", "likely", "hard"
JUDGEMENT_LABELS = {DONE: "已完成", LIKELY: "预计能完成", HARD: "完成有难度"}
KIND_LABELS = {"binding": "约束性", "expected": "预期性"}
EXPECTED_TOLERANCE = Decimal("0.8")
Q4 = Decimal("0.0001")


@dataclass(frozen=True)
class IndicatorTerms:
    key: int
    name: str
    measure_unit: str
    baseline: Decimal | None
    target: Decimal
    kind: str = "expected"  # binding | expected
    direction: str = ">="  # >= | <=
    cumulative: bool = False
    weight: Decimal | None = None


@dataclass
class Outcome:
    terms: IndicatorTerms
    values: dict  # year → (value, source)
    current: Decimal | None
    ratio_to_target: Decimal | None
    completion: Decimal | None
    elapsed: Decimal
    ratio_to_elapsed: Decimal | None
    judgement: str
    reason: str

    @property
    def judgement_label(self):
        return JUDGEMENT_LABELS[self.judgement]


@dataclass
class Evaluation:
    year: int
    start: int
    end: int
    outcomes: list = field(default_factory=list)
    index: Decimal | None = None

    @property
    def final(self):
        return self.year >= self.end

    @property
    def label(self):
        return "总结评估" if self.final else "中期评估"

    def counts(self):
        c = {"total": len(self.outcomes), "binding": 0, "expected": 0, DONE: 0, LIKELY: 0, HARD: 0,
             "binding_" + DONE: 0, "binding_" + LIKELY: 0, "binding_" + HARD: 0}
        for o in self.outcomes:
            c[o.terms.kind] += 1
            c[o.judgement] += 1
            if o.terms.kind == "binding":
                c["binding_" + o.judgement] += 1
        return c

    def sentence(self):
        """The national form: "11项主要指标中，6项约束性指标、5项预期性指标；……"."""
        c = self.counts()
        head = f"{c['total']}项主要指标中，{c['binding']}项约束性指标、{c['expected']}项预期性指标。"
        if self.final:
            body = f"已完成{c[DONE]}项，未完成{c[HARD]}项"
        else:
            body = f"已完成{c[DONE]}项，预计能完成{c[LIKELY]}项，完成有难度{c[HARD]}项"
        binding = (f"；约束性指标已完成{c['binding_' + DONE]}项" +
                   (f"、预计能完成{c['binding_' + LIKELY]}项" if not self.final else "") +
                   f"、{'未完成' if self.final else '完成有难度'}{c['binding_' + HARD]}项")
        tail = "。"
        if c[HARD] == 0:
            tail = "，主要指标将如期全面实现。" if not self.final else "，主要指标全面实现。"
        return head + body + binding + tail


def q(value):
    return None if value is None else Decimal(value).quantize(Q4, rounding=ROUND_HALF_UP)


def elapsed_share(start: int, end: int, year: int) -> Decimal:
    """Years elapsed at the end of ``year`` ÷ the plan's years (between 1/len and 1)."""
    total = end - start + 1
    done = min(max(year, start), end) - start + 1
    return Decimal(done) / Decimal(total)


def current_value(terms: IndicatorTerms, values: Mapping[int, Decimal], year: int) -> Decimal | None:
    known = {y: v for y, v in values.items() if y <= year and v is not None}
    if not known:
        return None
    if terms.cumulative:
        return sum(known.values(), Decimal(0))
    return known[max(known)]


def is_reached(terms: IndicatorTerms, current: Decimal) -> bool:
    return current <= terms.target if terms.direction == "<=" else current >= terms.target


def ratio_to_target(terms: IndicatorTerms, current: Decimal) -> Decimal | None:
    if terms.direction == "<=":
        return None if current == 0 else terms.target / current if terms.target else None
    return None if terms.target == 0 else current / terms.target


def completion(terms: IndicatorTerms, current: Decimal) -> Decimal | None:
    if terms.cumulative or terms.baseline is None or terms.baseline == terms.target:
        return ratio_to_target(terms, current)
    if terms.direction == "<=":
        return (terms.baseline - current) / (terms.baseline - terms.target)
    return (current - terms.baseline) / (terms.target - terms.baseline)


def pct(value) -> str:
    return "—" if value is None else f"{(Decimal(value) * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def judge(terms: IndicatorTerms, current, done, elapsed, final) -> tuple[str, str]:
    if current is None:
        return HARD, "暂无数据，无法判断进度"
    if is_reached(terms, current):
        word = "不高于" if terms.direction == "<=" else "达到"
        return DONE, f"当前值{word}规划目标值"
    if final:
        return HARD, "规划期末未达到目标值"
    if done is not None and done >= elapsed:
        return LIKELY, f"完成进度{pct(done)}，不低于序时进度{pct(elapsed)}"
    if terms.kind == "expected" and done is not None and done >= elapsed * EXPECTED_TOLERANCE:
        return LIKELY, f"完成进度{pct(done)}，略低于序时进度{pct(elapsed)}，预期性指标按趋势可完成"
    kind = KIND_LABELS.get(terms.kind, "")
    return HARD, f"完成进度{pct(done)}，低于序时进度{pct(elapsed)}（{kind}指标）"


def evaluate_indicator(terms: IndicatorTerms, values: Mapping[int, tuple], *, start: int, end: int,
                       year: int) -> Outcome:
    """``values``: year → (value, source); only years ≤ ``year`` count."""
    shown = {y: v for y, v in values.items() if start <= y <= year}
    current = current_value(terms, {y: v[0] for y, v in shown.items()}, year)
    elapsed = elapsed_share(start, end, year)
    ratio = done = to_elapsed = None
    if current is not None:
        ratio, done = ratio_to_target(terms, current), completion(terms, current)
        to_elapsed = None if done is None else done / elapsed
    judgement, reason = judge(terms, current, done, elapsed, year >= end)
    return Outcome(terms, dict(sorted(shown.items())), current, q(ratio), q(done), q(elapsed), q(to_elapsed),
                   judgement, reason)


def weighted_index(outcomes: Sequence[Outcome]) -> Decimal | None:
    weighted = [o for o in outcomes if o.terms.weight]
    total = sum((o.terms.weight for o in weighted), Decimal(0))
    if not total:
        return None
    score = sum((o.terms.weight * max(Decimal(0), min(o.completion or Decimal(0), Decimal(1))) for o in weighted),
                Decimal(0))
    return (score / total * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def evaluate(terms_list: Sequence[IndicatorTerms], values: Mapping[int, Mapping[int, tuple]], *, start: int,
             end: int, year: int) -> Evaluation:
    ev = Evaluation(year=year, start=start, end=end)
    ev.outcomes = [evaluate_indicator(t, values.get(t.key, {}), start=start, end=end, year=year) for t in terms_list]
    ev.index = weighted_index(ev.outcomes)
    return ev
