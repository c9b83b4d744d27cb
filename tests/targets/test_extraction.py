"""Tests for targets.extraction: the SCHEMA.md target rules, phrase by phrase and per document.

Pure Python; run with ``pytest tests/targets/test_extraction.py -p no:django``.
The plan fixtures live in ``tests/fixtures/plans``; the document scores use its score.py so
that "a match" means exactly what it means when the importer is scored.
"""

import importlib.util
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from targets.extraction import ExtractedTarget, extract_targets
from tests.plan_fixtures import PLANS, plan_documents

FIXTURES = PLANS
DOCUMENTS = [p.stem for p in plan_documents()]  # every fixture; none is an error, never a skip


def _load_json(name):
    with open(FIXTURES / name, encoding="utf-8") as f:
        return json.load(f)


def _phrase_cases():
    cases = _load_json("target-phrases.json")["cases"]  # a missing file fails collection
    if not cases:
        raise ValueError("target-phrases.json holds no cases")
    return cases


def _facts(targets):
    """(value, unit, comparator, per_unit) of each target, order-insensitive."""
    return sorted(
        (Decimal(str(t["value"])), t["unit"], t["comparator"], bool(t["per_unit"])) for t in targets
    )


def _brief(text):
    return [t.as_dict() for t in extract_targets(text)]


# ---------------------------------------------------------------------------
# target-phrases.json
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", _phrase_cases(), ids=lambda c: c["text"][:24])
def test_phrase(case):
    assert _facts(_brief(case["text"])) == _facts(case["targets"])


# ---------------------------------------------------------------------------
# Whole documents, scored like score.py
# ---------------------------------------------------------------------------


def _score_module():
    spec = importlib.util.spec_from_file_location("plan_score", FIXTURES / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("document", DOCUMENTS)
def test_document_targets(document):
    expected = _load_json(f"{document}.expected.json")
    actual = {
        "plan": expected["plan"],
        "tasks": [
            {
                **{k: task[k] for k in ("ref", "section", "lead_units", "participating_units")},
                "targets": _brief(task["text"]),
            }
            for task in expected["tasks"]
        ],
    }
    result = _score_module().score(expected, actual)
    print(
        f"{document}: precision={result['target_precision']} recall={result['target_recall']} "
        f"f1={result['target_f1']} comparator={result['comparator_accuracy']} per_unit={result['per_unit_accuracy']}"
    )
    assert result["target_f1"] >= 0.95
    assert result["comparator_accuracy"] == 1.0
    assert result["per_unit_accuracy"] == 1.0


# ---------------------------------------------------------------------------
# Unseen-style phrases: the rules, not the fixture strings
# ---------------------------------------------------------------------------

UNSEEN = [
    ("为5000名残疾人适配辅助器具", [(5000, "人", ">=", False)]),
    ("新建残疾人康复机构不少于10所", [(10, "所", ">=", False)]),
    ("残疾人家庭无障碍改造1.2万户", [(12000, "户", ">=", False)]),
    ("培训盲人按摩人员200人次", [(200, "人次", ">=", False)]),
    ("各县（市、区）至少建成1所", [(1, "所", ">=", True)]),
    ("全省持证残疾人基本公共服务覆盖率达到95%以上", [(95, "%", ">=", False)]),
    ("全省残疾人就业人数达到10万人", [(100000, "人", ">=", False)]),
    ("贫困残疾人发生率控制在3%以内", [(3, "%", "<=", False)]),
    ("托养机构入住人数不超过50人", [(50, "人", "<=", False)]),
    ("确保残疾人参保率为60%", [(60, "%", "==", False)]),
    ("每个区市至少建设1处", [(1, "处", ">=", True)]),
    ("各级残联至少配备1名专职委员", [(1, "人", ">=", True)]),
    ("培训１２００名残疾人", [(1200, "人", ">=", False)]),
    ("帮助3000多名残疾人就业", [(3000, "人", ">=", False)]),
    ("培训1万2千人", [(12000, "人", ">=", False)]),
    ("筹集善款3.5亿元", [(350000000, "元", ">=", False)]),
    ("覆盖率达到百分之九十五", [(95, "%", ">=", False)]),
    ("城镇新增就业提高2.5个百分点", [(Decimal("2.5"), "个百分点", ">=", False)]),
    ("新建盲道5千米", [(5, "千米", ">=", False)]),
    (
        "为2000个村级服务场所、1500户家庭实施无障碍改造",
        [(2000, "个", ">=", False), (1500, "户", ">=", False)],
    ),
    ("建设5个一级康复机构", [(5, "个", ">=", False)]),
    ("至少建设一个省级康复中心", [(1, "个", ">=", False)]),
    ("为了帮助3000名残疾人就业", [(3000, "人", ">=", False)]),
    ("推动各地建设100个示范点", [(100, "个", ">=", False)]),
]

NEGATIVES = [
    "组团参加2021年全国第十一届残疾人运动会",
    "贯彻党的十八届六中全会精神",
    "实施第二期特殊教育提升计划",
    "增强四个意识，落实两项补贴制度",
    "落实一人一案、一户一策",
    "按照“五位一体”总体布局",
    "长春市九台区残联",
    "提供包括义务教育、高中阶段教育在内的12年免费教育",
    "用6个月时间完成，15个工作日内办结",
    "组织实施《国家手语和盲文规范化行动计划（2015—2020年）》",
    "截至2020年底，全省已有持证残疾人15万人",
    "2020年以来，共为3000户实施改造",
    "现有持证残疾人68万人",
    "已累计培训残疾人1万人次",
    "“十三五”期间，累计为8000名残疾人提供职业培训",
    "培训了500名残疾人",
    "发放一次性补贴，落实一部分政策",
    "走进千家万户",
    "构建三级联动的服务网络",
    "联系电话0431-88888888",
    "“残联助力乡村振兴，服务万村无障碍改造”项目",
    "建立完善一批残疾人服务项目",
]


@pytest.mark.parametrize("text,expected", UNSEEN, ids=[t for t, _ in UNSEEN])
def test_unseen_phrase(text, expected):
    got = _brief(text)
    want = [{"value": v, "unit": u, "comparator": c, "per_unit": p} for v, u, c, p in expected]
    assert _facts(got) == _facts(want)


@pytest.mark.parametrize("text", NEGATIVES)
def test_not_a_target(text):
    assert extract_targets(text) == []


@pytest.mark.parametrize(
    "text,value,unit",
    [
        ("残疾人托养服务补贴标准为每人每月200元", 200, "元"),
        ("按比例安排残疾人就业比例不低于1.5%", Decimal("1.5"), "%"),
        ("残疾人综合服务设施建筑面积不少于200平方米", 200, "平方米"),
        ("每年培训1000—2000人", 1000, "人"),
        ("实现零就业残疾人家庭至少有一人就业", 1, "人"),
    ],
)
def test_ambiguous(text, value, unit):
    (target,) = extract_targets(text)
    assert (target.value, target.unit, target.ambiguous) == (value, unit, True)


def test_as_dict_and_quote():
    (first, second) = extract_targets("城镇新增就业5600人以上，培训残疾人2万人次。")
    assert first.as_dict() == {
        "indicator": "城镇新增就业",
        "value": 5600,
        "unit": "人",
        "comparator": ">=",
        "per_unit": False,
        "ambiguous": False,
        "quote": "城镇新增就业5600人以上",
    }
    assert isinstance(second.as_dict()["value"], int) and second.value == 20000
    assert second.quote == "培训残疾人2万人次"
    (decimal,) = extract_targets("覆盖率提高2.5个百分点")
    assert decimal.as_dict()["value"] == 2.5
    assert isinstance(first, ExtractedTarget)


def test_two_targets_in_one_clause_have_their_own_indicators():
    first, second = extract_targets("为600个村级残疾人协会配备服务器材和800户残疾人家庭安装紧急呼叫设备")
    assert first.quote == "600个村级残疾人协会" and "800" not in first.indicator
    assert second.quote == "800户残疾人家庭" and second.indicator.startswith("残疾人家庭")


# ---------------------------------------------------------------------------
# Robustness
# ---------------------------------------------------------------------------

PLAN_ALPHABET = list(
    "0123456789０１２.,%％万亿千百十一二两三五零〇人名户个次项所处例元米平方（）()“”《》〔〕"
    "第届年月日岁以上内下不少于超过至少达到各每县市区为和或已了累计期间，。；：—-、 \n"
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet=PLAN_ALPHABET, max_size=80)))
def test_never_raises(text):
    result = extract_targets(text)
    assert isinstance(result, list)
    for target in result:
        assert isinstance(target.value, Decimal) and target.value >= 0
        assert target.comparator in {">=", "<=", "=="}
        target.as_dict()


@pytest.mark.parametrize("bad", [None, 42, b"\xe4\xb8\x80", ""])
def test_non_text_input(bad):
    assert extract_targets(bad) == []
