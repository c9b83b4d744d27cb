"""The plan importer's parser (tasks/importer): text -> SCHEMA.md structure.

No database and no Django: run with
``pytest tests/tasks/test_importer_parser.py -p no:django``.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from targets.extraction import extract_targets
from tasks.importer import Document, PlanImportError, Table, TextBlock, parse_plan
from tasks.importer.dates import find_deadline, parse_cn_date
from tasks.importer.markers import match_marker
from tasks.importer.metadata import extract_metadata
from tasks.importer.normalize import clean_lines, compact, fix_artefacts, join_paragraphs, looks_wrapped
from tasks.importer.units import find_unit_clause, split_cell_units, split_units
from tests.plan_fixtures import PLANS, plan_documents, score_module

FIXTURES = PLANS
DOCUMENTS = [p.stem for p in plan_documents()]  # every fixture; none is an error, never a skip


def _score_module():
    return score_module()


def _no_targets(_text):
    return []


# --- the three real documents ----------------------------------------------------------


@pytest.mark.parametrize("name", DOCUMENTS)
def test_fixture_document_scores_perfectly(name, tmp_path):
    text = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
    expected = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    out_file = tmp_path / f"{name}.json"
    out_file.write_text(json.dumps(parse_plan(text, extract_targets=extract_targets), ensure_ascii=False), encoding="utf-8")
    actual = json.loads(out_file.read_text(encoding="utf-8"))

    result = _score_module().score(expected, actual)

    assert result["task_recall"] == 1.0, result
    assert result["task_precision"] == 1.0, result
    assert result["unit_accuracy"] == 1.0, result
    assert result["plan_fields_ok"] == "6/6", (result, actual["plan"])
    assert actual["sections"] == expected["sections"]
    assert result["target_f1"] >= 0.95, result


@pytest.mark.parametrize("name", DOCUMENTS)
def test_fixture_document_texts_and_deadlines_match(name):
    """Not scored by score.py, but the Django layer stores them: text and deadline too."""
    text = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
    expected = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    actual = parse_plan(text, extract_targets=_no_targets)
    by_key = {(t["section"], t["ref"]): t for t in expected["tasks"]}
    for task in actual["tasks"]:
        gold = by_key[(task["section"], task["ref"])]
        assert task["text"] == gold["text"]
        assert task["deadline"] == gold["deadline"]
        assert list(task) == ["ref", "section", "text", "lead_units", "participating_units", "deadline", "targets"]


def test_output_has_exactly_the_schema_keys():
    out = parse_plan((FIXTURES / "jilin-2021-key-tasks.txt").read_text(encoding="utf-8"), extract_targets=extract_targets)
    assert set(out) == {"plan", "sections", "tasks"}
    assert set(out["plan"]) == {"title", "issuer", "doc_number", "issued_on", "period_start", "period_end"}
    json.dumps(out)  # serialisable as it is


# --- other shapes nobody has shown us yet ---------------------------------------------

FIVE_YEAR_PLAN = """辽宁省人民政府办公厅关于印发辽宁省“十四五”残疾人保障和发展规划的通知
辽政办发〔2021〕30号
各市人民政府，省政府各厅委、各直属机构：
　　经省政府同意，现将《辽宁省“十四五”残疾人保障和发展规划》印发给你们，请认真贯彻执行。
辽宁省人民政府办公厅
2021年12月20日
辽宁省“十四五”残疾人保障和发展规划
　　一、发展基础
　　1.残疾人脱贫攻坚取得决定性胜利。累计帮助12万名贫困残疾人脱贫。
　　2.残疾人社会保障水平显著提高。
　　二、总体要求
　　（一）指导思想。以习近平新时代中国特色社会主义思想为指导。
　　（二）基本原则。
　　1.坚持党的全面领导。
　　2.坚持以人民为中心。
　　三、主要任务
　　（一）巩固拓展残疾人脱贫攻坚成果
　　1.健全防止返贫监测和帮扶机制，到2022年底前实现全覆盖。（责任单位：省乡村振兴局、省民政厅、省残联）
　　2.加强残疾人社会救助。（责任单位：省民政厅、省残联）
　　（二）促进残疾人就业
　　1.落实按比例就业制度。
　　责任单位：省人力资源社会保障厅、省残联
　　2.扶持残疾人自主创业。
　　（1）开展创业培训。
　　（2）落实税收优惠。
　　3.每个县（市、区）至少建设1个残疾人辅助性就业机构。（省残联牵头，省民政厅、省财政厅配合）
　　四、保障措施
　　（一）加强组织领导。各级政府要将残疾人事业纳入经济社会发展规划。
　　（二）强化经费保障。
"""


def test_five_year_plan_tasks_are_numbered_items_under_main_tasks():
    out = parse_plan(FIVE_YEAR_PLAN, extract_targets=_no_targets)
    assert out["plan"] == {
        "title": "辽宁省“十四五”残疾人保障和发展规划",
        "issuer": "辽宁省人民政府办公厅",
        "doc_number": "辽政办发〔2021〕30号",
        "issued_on": "2021-12-20",
        "period_start": 2021,
        "period_end": 2025,
    }
    assert [(s["path"], s["title"]) for s in out["sections"]] == [
        ("三", "主要任务"), ("三/（一）", "巩固拓展残疾人脱贫攻坚成果"), ("三/（二）", "促进残疾人就业"),
    ]
    tasks = {(t["section"], t["ref"]): t for t in out["tasks"]}
    assert list(tasks) == [("三/（一）", "1"), ("三/（一）", "2"), ("三/（二）", "1"), ("三/（二）", "2"), ("三/（二）", "3")]
    first = tasks[("三/（一）", "1")]
    assert first["lead_units"] == ["省乡村振兴局"] and first["participating_units"] == ["省民政厅", "省残联"]
    assert first["deadline"] == "2022-12-31"
    assert tasks[("三/（二）", "1")]["lead_units"] == ["省人力资源社会保障厅"]  # units on their own line
    assert "（1）开展创业培训" in tasks[("三/（二）", "2")]["text"]  # sub-items stay in the task
    third = tasks[("三/（二）", "3")]
    assert third["lead_units"] == ["省残联"] and third["participating_units"] == ["省民政厅", "省财政厅"]
    assert third["text"] == "每个县（市、区）至少建设1个残疾人辅助性就业机构。"


def test_five_year_plan_without_units_still_finds_the_numbered_items():
    text = re.sub(r"（责任单位：[^）]*）|^\s*责任单位：.*$|（省残联牵头[^）]*）", "", FIVE_YEAR_PLAN, flags=re.M)
    out = parse_plan(text, extract_targets=_no_targets)
    assert [(t["section"], t["ref"]) for t in out["tasks"]] == [
        ("三/（一）", "1"), ("三/（一）", "2"), ("三/（二）", "1"), ("三/（二）", "2"), ("三/（二）", "3"),
    ]
    assert all(not t["lead_units"] and not t["participating_units"] for t in out["tasks"])


def test_other_province_phrasing_of_units():
    text = """河北省残疾人工作委员会2022年重点工作任务
一、社会保障
1.落实残疾人两项补贴制度。牵头部门：省民政厅；配合部门：省财政厅、省残联
2.推进重度残疾人托养照护。（责任单位：省民政厅、省残联、各市（含定州、辛集市）政府）
二、就业
3.开展残疾人职业技能培训，6月底前完成培训计划。（责任单位：省人力资源社会保障厅，省残联等）
4.落实残疾人就业保障金政策。（各成员单位按职责分工负责）
5.做好盲人按摩工作。（牵头单位：省残联；责任单位：省卫生健康委）
"""
    out = parse_plan(text, extract_targets=_no_targets)
    units = [(t["ref"], t["lead_units"], t["participating_units"]) for t in out["tasks"]]
    assert units == [
        ("1", ["省民政厅"], ["省财政厅", "省残联"]),
        ("2", ["省民政厅"], ["省残联", "各市（含定州、辛集市）政府"]),
        ("3", ["省人力资源社会保障厅"], ["省残联"]),
        ("4", ["各成员单位"], []),
        ("5", ["省残联"], ["省卫生健康委"]),
    ]
    assert out["tasks"][0]["text"] == "落实残疾人两项补贴制度。"
    assert out["tasks"][2]["deadline"] == "2022-06-30"
    assert out["plan"]["period_start"] == out["plan"]["period_end"] == 2022


def test_work_points_skip_framing_sections():
    text = """黑龙江省残联2022年工作要点
一、总体要求
2022年全省残疾人工作的总体要求是：坚持以人民为中心。
二、重点工作
（一）提升残疾人社会保障水平。年内完成困难残疾人生活补贴动态调整。
（二）促进残疾人就业。上半年完成按比例就业年审。
三、工作要求
（一）加强组织领导。
"""
    out = parse_plan(text, extract_targets=_no_targets)
    assert [(t["section"], t["ref"], t["deadline"]) for t in out["tasks"]] == [
        ("二", "（一）", "2022-12-31"), ("二", "（二）", "2022-06-30"),
    ]
    assert out["sections"] == [{"path": "二", "title": "重点工作"}]


def test_flat_list_has_tasks_without_section():
    out = parse_plan("1.建立台账。\n2.开展督查。（牵头单位：省残联）\n", extract_targets=_no_targets)
    assert [(t["section"], t["ref"]) for t in out["tasks"]] == [("", "1"), ("", "2")]
    assert out["sections"] == []
    assert out["plan"]["title"] is None


def test_pdf_style_wrapped_key_tasks_are_rejoined():
    text = """吉林省残联2021年重点工作任务
一、社会保障
1.做好巩固拓展残疾人脱贫攻坚成果同乡村振兴衔接工作，确
保将已脱贫残疾人全部纳入监测和帮扶机制。（牵头单位：省乡
村振兴局；参加单位：省残联）
2.落实好残疾人最低生活保障政策，将低收入家庭重度残疾人单
独纳入低保。（牵头单位：省民政厅；参加单位：省财政厅、省残
联）
各有关成员单位要按照职责分工，抓紧制定具体措施，年底前提交工
作总结，逐项推进落实，确保全面完成各项任务，不断推进工作。
"""
    out = parse_plan(text, extract_targets=_no_targets)
    first, second = out["tasks"]
    assert first["lead_units"] == ["省乡村振兴局"] and first["participating_units"] == ["省残联"]
    assert second["participating_units"] == ["省财政厅", "省残联"]
    assert second["text"] == "落实好残疾人最低生活保障政策，将低收入家庭重度残疾人单独纳入低保。"
    assert second["deadline"] is None  # the closing paragraph's 年底前 is not task 2's


def test_division_table_in_text_with_two_unit_columns_and_deadline():
    text = """附件
吉林省2021年残疾人工作重点任务分工
序号 工作任务 牵头单位 配合单位 完成时限
1 建立残疾儿童康复救助制度 省残联 省民政厅、省财政厅 2021年底前
2
全面实施困难残疾人生活补贴制度和重度残疾人护理补
贴制度 省民政厅 省财政厅、省残联 上半年
注：各地结合实际落实。
"""
    out = parse_plan(text, extract_targets=_no_targets)
    assert [(t["ref"], t["lead_units"], t["participating_units"], t["deadline"]) for t in out["tasks"]] == [
        ("1", ["省残联"], ["省民政厅", "省财政厅"], "2021-12-31"),
        ("2", ["省民政厅"], ["省财政厅", "省残联"], "2021-06-30"),
    ]
    assert out["tasks"][1]["text"] == "全面实施困难残疾人生活补贴制度和重度残疾人护理补贴制度"


def test_table_blocks_with_header_below_a_title_and_category_rows():
    table = Table([
        ["吉林省2022年残疾人工作重点任务分工", "", "", ""],
        ["工作任务", "序号", "参加单位", "牵头单位"],
        ["一、社会保障", "一、社会保障", "一、社会保障", "一、社会保障"],
        ["落实两项补贴", "1", "省财政厅\n省残联", "省民政厅"],
        ["（跨页续）完善动态调整机制", "", "", ""],
        ["二、就业", "二、就业", "二、就业", "二、就业"],
        ["城镇新增就业5000人", "2", "省人社厅、省税务局等", "省残联"],
    ])
    out = parse_plan(Document(blocks=[table], kind="docx"), extract_targets=_no_targets)
    assert out["plan"]["title"] == "吉林省2022年残疾人工作重点任务分工"
    assert out["sections"] == [{"path": "一", "title": "社会保障"}, {"path": "二", "title": "就业"}]
    assert [(t["section"], t["ref"], t["lead_units"], t["participating_units"]) for t in out["tasks"]] == [
        ("一", "1", ["省民政厅"], ["省财政厅", "省残联"]),
        ("二", "2", ["省残联"], ["省人社厅", "省税务局"]),
    ]
    assert out["tasks"][0]["text"] == "落实两项补贴（跨页续）完善动态调整机制"


def test_table_with_category_column_and_numbered_category_rows():
    table = Table([
        ["序号", "类别", "工作任务", "负责单位"],
        ["一", "", "社会保障", ""],
        ["1", "兜底保障", "落实两项补贴", "省民政厅、省残联"],
        ["2", "兜底保障", "完善托养服务", "省民政厅"],
        ["二", "", "就业创业", ""],
        ["3", "就业", "开展培训", "省人社厅"],
    ])
    out = parse_plan(Document(blocks=[table]), extract_targets=_no_targets)
    assert [(t["section"], t["ref"]) for t in out["tasks"]] == [("兜底保障", "1"), ("兜底保障", "2"), ("就业", "3")]
    assert out["sections"] == [{"path": "兜底保障", "title": "兜底保障"}, {"path": "就业", "title": "就业"}]
    table.rows = [row[:1] + row[2:] for row in table.rows]  # without the category column
    out = parse_plan(Document(blocks=[table]), extract_targets=_no_targets)
    assert [(t["section"], t["ref"]) for t in out["tasks"]] == [("一", "1"), ("一", "2"), ("二", "3")]
    assert out["sections"] == [{"path": "一", "title": "社会保障"}, {"path": "二", "title": "就业创业"}]


def test_two_row_table_header():
    table = Table([
        ["序号", "工作任务", "责任单位", "责任单位", "完成时限"],
        ["", "", "牵头单位", "配合单位", ""],
        ["1", "落实两项补贴", "省民政厅", "省财政厅、省残联", "2022年底前"],
    ])
    out = parse_plan(Document(blocks=[table]), extract_targets=_no_targets)
    assert _units(out) == [("", "1", ["省民政厅"], ["省财政厅", "省残联"])]
    assert out["tasks"][0]["deadline"] == "2022-12-31"


def test_title_is_not_polluted_by_a_parenthesised_note():
    text = "吉林省残联2021年工作要点\n（2021年3月1日省残联主席团会议通过）\n一、康复\n（一）做好康复。\n"
    assert parse_plan(text, extract_targets=_no_targets)["plan"]["title"] == "吉林省残联2021年工作要点"


def _units(out: dict) -> list[tuple]:
    return [(t["section"], t["ref"], t["lead_units"], t["participating_units"]) for t in out["tasks"]]


def test_targets_come_from_the_given_extractor():
    calls = []

    class Found:
        def as_dict(self):
            return {"indicator": "x", "value": 1, "unit": "个", "comparator": ">=", "per_unit": False,
                    "ambiguous": False, "quote": "1个"}

    def extractor(text):
        calls.append(text)
        return [Found()]

    out = parse_plan("一、甲\n1.建设1个中心。（牵头单位：省残联）", extract_targets=extractor)
    assert calls == ["建设1个中心。"]
    assert out["tasks"][0]["targets"][0]["unit"] == "个"


def test_a_failing_extractor_leaves_targets_empty():
    def broken(_text):
        raise RuntimeError("boom")

    out = parse_plan("1.建设1个中心。", extract_targets=broken)
    assert out["tasks"][0]["targets"] == []


@pytest.mark.parametrize("text", ["", "   \n\n", "这是一段没有任何编号的说明文字。\n第二段也没有。"])
def test_no_tasks_raises_plan_import_error(text):
    with pytest.raises(PlanImportError) as info:
        parse_plan(text, extract_targets=None)
    assert info.value.code == "no_tasks"
    assert "未在文件中找到任何工作任务" in str(info.value)


def test_parse_plan_rejects_other_argument_types():
    with pytest.raises(PlanImportError):
        parse_plan(b"1.bytes are for read_document", extract_targets=None)  # type: ignore[arg-type]


def test_document_with_text_blocks_and_non_task_tables():
    doc = Document(blocks=[
        TextBlock(["2021年工作要点", "一、康复"]),
        Table([["指标", "数值"], ["康复率", "85%"]]),  # no task header: read as text
        TextBlock(["（一）做好康复服务。"]),
    ])
    out = parse_plan(doc, extract_targets=_no_targets)
    assert [(t["section"], t["ref"]) for t in out["tasks"]] == [("一", "（一）")]


# --- pieces -----------------------------------------------------------------------------


def test_gazette_artefacts():
    assert fix_artefacts("依托我省 “志愿助残阳光行动暠") == "依托我省 “志愿助残阳光行动”"
    assert fix_artefacts("暡五个一暠") == "“五个一”"
    assert fix_artefacts("增长3灡5%") == "增长3.5%"
    assert fix_artefacts("6灡助残社会组织培育项目") == "6.助残社会组织培育项目"
    assert fix_artefacts("完成任务灡") == "完成任务。"
    assert compact("工暋作暋任暋务".replace("暋", " ")) == "工作任务"


def test_full_width_and_furniture():
    assert clean_lines(["１．完成ＡＢＣ任务", "— 12 —", "·23·", "第3页 共10页", "吉林省人民政府公报 2016年第12期", "12"]) == [
        "1.完成ABC任务", "12",
    ]
    assert compact("Windows 10 系统 5600 人") == "Windows 10系统5600人"


def test_markers():
    assert match_marker("一、总体要求").ref == "一"
    assert match_marker("(三)加强").ref == "（三）"
    assert match_marker("12．推进").ref == "12"
    assert match_marker("（2）开展").ref == "（2）"
    assert match_marker("②其他").ref == "②"
    assert match_marker("第二章 主要任务").ref == "第二章"
    assert match_marker("1.5万人次") is None
    assert match_marker("2021年5月8日") is None
    assert match_marker("十三五期间") is None


def test_join_paragraphs_detects_wrapping():
    plain = ["一、标题", "1.第一项任务。", "2.第二项任务。"]
    assert not looks_wrapped(plain)
    assert join_paragraphs(plain) == plain
    wrapped = ["为全面落实各项部署和要求，推动全省残疾人工作实现高", "质量发展，制定本任务。",
               "一、社会保障", "1.做好巩固拓展残疾人脱贫攻坚成果同乡村振兴衔", "接工作，确保全部纳入监测。",
               "2.落实好残疾人最低生活保障、特困供养等政策，将低收", "入家庭重度残疾人单独纳入低保。"]
    assert looks_wrapped(wrapped)
    assert join_paragraphs(wrapped) == [
        "为全面落实各项部署和要求，推动全省残疾人工作实现高质量发展，制定本任务。",
        "一、社会保障",
        "1.做好巩固拓展残疾人脱贫攻坚成果同乡村振兴衔接工作，确保全部纳入监测。",
        "2.落实好残疾人最低生活保障、特困供养等政策，将低收入家庭重度残疾人单独纳入低保。",
    ]


def test_unit_lists():
    assert split_units("省残联、省民政厅等") == ["省残联", "省民政厅"]
    assert split_units("各县（市、区）政府，省财政厅等有关部门") == ["各县（市、区）政府", "省财政厅"]
    assert split_cell_units("省残联\n省民政厅") == ["省残联", "省民政厅"]
    assert split_cell_units("省卫生计\n生委、省残联") == ["省卫生计生委", "省残联"]
    clause = find_unit_clause("做好工作。（牵头单位：省教育厅；参加单位：省残联、省民政厅）")
    assert (clause.lead, clause.participating) == (["省教育厅"], ["省残联", "省民政厅"])
    clause = find_unit_clause("做好工作（责任单位：省残联、省民政厅、省财政厅）。")
    assert (clause.lead, clause.participating) == (["省残联"], ["省民政厅", "省财政厅"])
    assert find_unit_clause("按照《实施意见》（吉残联发〔2014〕47号）要求") is None
    assert find_unit_clause("推进市（州）儿童福利院纳入定点康复机构") is None


@pytest.mark.parametrize(("text", "year", "expected"), [
    ("年底前完成按比例就业审核联网认证", 2021, "2021-12-31"),
    ("年内实现全覆盖", 2022, "2022-12-31"),
    ("上半年完成年审", 2021, "2021-06-30"),
    ("到2020年完成农村贫困残疾人家庭存量危房改造任务", 2016, "2020-12-31"),
    ("2021年6月底前出台实施细则", None, "2021-06-30"),
    ("9月底前完成", 2023, "2023-09-30"),
    ("三季度完成评估", 2023, "2023-09-30"),
    ("组团参加2021年全国第十一届残疾人运动会", 2021, None),
    ("实施《吉林省残疾预防行动计划（2017-2020年）》终期评估", 2021, None),
    ("三年内完成", 2021, None),
    ("每年年底前报送工作总结", 2021, None),
    ("年底前完成", None, None),
])
def test_deadlines(text, year, expected):
    assert find_deadline(text, year) == expected


def test_dates_and_metadata():
    assert parse_cn_date("2021年5月8日") == "2021-05-08"
    assert parse_cn_date("（二〇二一年十二月二十日）") == "2021-12-20"
    assert parse_cn_date("2021年2月30日") is None
    plan = extract_metadata([
        "吉林省残疾人联合会文件", "吉残联发[2022]5号", "吉林省残联2022年工作要点",
        "（2022年3月1日）", "一、总体要求",
    ])
    assert plan == {"title": "吉林省残联2022年工作要点", "issuer": "吉林省残疾人联合会",
                    "doc_number": "吉残联发〔2022〕5号", "issued_on": "2022-03-01",
                    "period_start": 2022, "period_end": 2022}


# --- nothing but PlanImportError, whatever the text ------------------------------------

_PIECES = ["一、", "（一）", "(二)", "1.", "12、", "（3）", "①", "第一章", "牵头单位：", "参加单位：", "责任单位：",
           "；", "、", "（", "）", "。", "\n", " ", "省残联", "省民政厅", "等", "年底前", "2021年", "5600人",
           "序号", "工作任务", "负责单位", "暋", "暠", "灡", "注：", "十四五", "主要任务", "指导思想", "〔2021〕2号"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=400), st.lists(st.sampled_from(_PIECES), max_size=80).map("".join)))
def test_parser_never_raises_anything_but_plan_import_error(text):
    try:
        out = parse_plan(text, extract_targets=_no_targets)
    except PlanImportError:
        return
    assert out["tasks"]
    json.dumps(out)


_CELLS = st.one_of(st.sampled_from(["序号", "工作任务", "负责单位", "牵头单位", "参加单位", "完成时限", "类别", "1", "2",
                                    "一、社会保障", "省残联、省民政厅", "年底前", "", "落实补贴。"]),
                   st.text(max_size=12))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_CELLS, max_size=6), max_size=12), st.lists(st.sampled_from(_PIECES), max_size=20))
def test_parser_never_raises_on_random_tables(rows, pieces):
    doc = Document(blocks=[TextBlock(["".join(pieces)]), Table(rows)])
    try:
        out = parse_plan(doc, extract_targets=_no_targets)
    except PlanImportError:
        return
    json.dumps(out)
