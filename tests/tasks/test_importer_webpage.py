"""Plans copied from a web page: breadcrumbs, meta lines, tools and footers are dropped."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from targets.extraction import extract_targets
from tasks.importer import parse_file, parse_plan
from tasks.importer.webpage import is_web_furniture
from tests.plan_fixtures import score_module

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
WEB = sorted([*FORMATS.glob("*.web.txt"), *FORMATS.glob("*.html")])


def load_score():
    return score_module().score  # the plan fixtures' own scorer


def test_there_are_web_copies():
    assert len(WEB) == 4


@pytest.mark.parametrize("path", WEB, ids=lambda p: p.name)
def test_web_copies_score_like_the_document(path):
    expected = json.loads((FORMATS / f"{path.name.split('.')[0]}.expected.json").read_text(encoding="utf-8"))
    actual = parse_file(path.read_bytes(), path.name, extract_targets=extract_targets)
    result = load_score()(expected, actual)
    assert result["task_recall"] == 1.0 and result["task_precision"] == 1.0
    assert result["unit_accuracy"] == 1.0 and result["target_f1"] >= 0.95
    # the title is the document's, not the breadcrumb's (which names 2016), and the period follows from it
    assert actual["plan"]["title"] == expected["plan"]["title"]
    assert (actual["plan"]["period_start"], actual["plan"]["period_end"]) == (
        expected["plan"]["period_start"], expected["plan"]["period_end"])
    assert "首页" not in json.dumps(actual, ensure_ascii=False)


@pytest.mark.parametrize("line", [
    "首页 >政务公开>规划计划",
    "网站首页 » 信息公开 » 计划总结",
    "当前位置：首页 > 政务公开",
    "您的位置: 首页&gt;通知公告",
    "发布时间：2021-05-10 09:30　　来源：吉林省残疾人联合会　　浏览次数：1234",
    "来源：省残联  作者：宣文部",
    "【字体：大 中 小】",
    "字号：【大 中 小】　【打印本页】　【关闭窗口】",
    "[打印] [关闭]",
    "分享到：微信 微博",
    "上一篇：关于做好2021年残疾人就业工作的通知",
    "吉ICP备05001234号-1",
    "版权所有：吉林省残疾人联合会",
])
def test_site_furniture_is_recognised(line):
    assert is_web_furniture(line)


@pytest.mark.parametrize("line", [
    "1.加大残疾人就业帮扶力度，城镇新增就业5600人以上。（牵头单位：省残联；参加单位：省人社厅）",
    "一、提高残疾人保障水平",
    "来源于财政专项资金的补贴要按时足额发放。",
    "关闭“小作坊”式托养机构，规范服务。",
    "时间：2021年3月5日",
    "大中小学校要落实融合教育。",
    "吉林省人民政府残疾人工作委员会",
])
def test_document_text_is_kept(line):
    assert not is_web_furniture(line)


def test_breadcrumb_no_longer_becomes_the_title():
    text = "首页 >政务公开>规划计划\n发布时间：2016-12-30 来源：省残联\n吉林省残联2017年工作要点\n一、就业\n1.新增就业100人。（牵头单位：省残联）\n"
    plan = parse_plan(text, extract_targets=lambda _t: [])
    assert plan["plan"]["title"] == "吉林省残联2017年工作要点"
    assert plan["plan"]["period_start"] == 2017
