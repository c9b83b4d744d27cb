"""Reading a five-year plan's indicator table (text and .xlsx), and the import's preview → confirm."""
import io
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from targets import indicator_table, services
from targets.indicator_table import TableError
from targets.models import PlanIndicator
from tests import factories as f
from units.models import UnitAlias

FIXTURE = Path(__file__).parents[1] / "fixtures" / "plans" / "jilin-14th-fyp-indicators.txt"


def test_fixture_table_reads_every_indicator():
    rows = indicator_table.read_table(FIXTURE.read_bytes(), FIXTURE.name)
    assert [r.number for r in rows] == list(range(1, 11))
    first, fourth, tenth = rows[0], rows[3], rows[9]
    assert (first.name, first.measure_unit, first.baseline, first.target_value, first.kind, first.direction,
            first.unit_name) == ("困难残疾人生活补贴和重度残疾人护理补贴覆盖率", "%", "95", "95", "binding", ">=", "省民政厅")
    assert fourth.cumulative and fourth.baseline is None and fourth.target_value == "5" and fourth.kind == "expected"
    assert tenth.direction == "<=" and tenth.target_value == "25"
    assert rows[1].unit_name == "省人力资源社会保障厅"


def test_gb18030_and_spaces_and_pipes():
    text = ("序号 | 主要指标 | 计量单位 | 基期值 | 目标值 | 指标属性 | 牵头单位\n"
            "1 | 残疾人基本康复服务覆盖率 | % | 80 | 85以上 | 约束性 | 省卫健委\n")
    rows = indicator_table.read_table(text.encode("gb18030"))
    assert rows[0].target_value == "85" and rows[0].baseline == "80" and rows[0].kind == "binding"
    spaced = "序号  指标  单位  2020年  2025年  属性\n1  残疾人辅助器具适配率  %  80  85  约束性\n"
    assert indicator_table.read_table(spaced.encode())[0].name == "残疾人辅助器具适配率"


def test_xlsx_table_with_title_row():
    wb = Workbook()
    ws = wb.active
    ws.append(["“十四五”主要指标"])
    ws.append(["序号", "指标名称", "单位", "2020年", "2025年", "属性", "责任单位", "权重"])
    ws.append([1, "残疾人基本康复服务覆盖率", "%", 80, 85.0, "约束性", "省卫健委", 2])
    ws.append([2, "城镇新增就业（累计）", "万人", None, "[1]", "预期性", "省人社厅", None])
    out = io.BytesIO()
    wb.save(out)
    rows = indicator_table.read_table(out.getvalue(), "x.xlsx")
    assert rows[0].target_value == "85" and rows[0].weight == "2" and rows[1].cumulative


@pytest.mark.parametrize("content,message", [
    (b"", "空"), (b"\x00\x01binary", "无法识别"), (b"PK\x03\x04broken", "Excel"),
    ("随便一段文字\n没有表格".encode(), "表头"),
    ("序号\t指标\t2020年\t2025年\n".encode(), "没有指标行"),
    ("序号\t指标\t2020年\t2025年\n1\t覆盖率\t80\t很多\n".encode(), "目标值"),
    ("序号\t指标\t2020年\t2025年\n1\t覆盖率\t80\t85\n1\t参保率\t80\t90\n".encode(), "序号重复"),
])
def test_bad_tables_get_a_chinese_message(content, message):
    with pytest.raises(TableError, match=message):
        indicator_table.read_table(content)


@pytest.mark.django_db
def test_preview_flags_unknown_units_and_confirm_maps_them(world):
    plan = f.FiveYearPlanFactory(committee=world.committee)
    office = world.users["office"]
    preview = services.preview_table(user=office, plan=plan, content=FIXTURE.read_bytes())
    assert not PlanIndicator.objects.exists()  # the preview writes nothing
    assert "省民政厅" not in preview["unknown_units"]  # known
    unknown = preview["unknown_units"]
    assert "省人力资源社会保障厅" in unknown and unknown["省人力资源社会保障厅"][0][1] == world.lead_unit.pk
    with pytest.raises(ValidationError, match="请为以下责任单位"):
        services.confirm_table(user=office, plan=plan, preview=preview, unit_choices={})
    choices = {name: "ignore" for name in unknown}
    choices["省人力资源社会保障厅"] = str(world.lead_unit.pk)
    choices["省人社厅"] = "ignore" if "省人社厅" in unknown else None
    saved = services.confirm_table(user=office, plan=plan, preview=preview, unit_choices=choices)
    assert len(saved) == 10
    by_number = {i.number: i for i in PlanIndicator.objects.filter(plan=plan)}
    assert by_number[2].responsible_unit == world.lead_unit
    assert by_number[1].responsible_unit == world.part_unit  # 省民政厅
    assert by_number[9].responsible_unit is None and by_number[9].cumulative
    assert by_number[10].direction == "<=" and by_number[10].target_value == D(25)
    assert UnitAlias.objects.filter(name="省人力资源社会保障厅", unit=world.lead_unit).exists()
    # importing again updates by 序号 instead of duplicating
    services.confirm_table(user=office, plan=plan, preview=preview, unit_choices=choices)
    assert PlanIndicator.objects.filter(plan=plan).count() == 10


@pytest.mark.django_db
def test_import_refused_for_others_and_bad_choices(world):
    plan = f.FiveYearPlanFactory(committee=world.committee)
    for name in ("leader", "lead_reporter", "other_office"):
        with pytest.raises(PermissionDenied):
            services.preview_table(user=world.users[name], plan=plan, content=FIXTURE.read_bytes())
    preview = services.preview_table(user=world.users["office"], plan=plan, content=FIXTURE.read_bytes())
    foreign = f.UnitFactory(committee=world.other_committee)
    choices = {name: str(foreign.pk) for name in preview["unknown_units"]}
    with pytest.raises(ValidationError, match="不属于本残工委"):
        services.confirm_table(user=world.users["office"], plan=plan, preview=preview, unit_choices=choices)
    with pytest.raises(ValidationError, match="文件是空的"):
        services.preview_table(user=world.users["office"], plan=plan, content=b"")
    assert not PlanIndicator.objects.exists()
