"""The import wizard's polish: "ignore / not a member unit", plan kind and title inferred from the document."""
import pytest
from django.urls import reverse

from tasks import importing
from tasks.models import PlanImport, WorkPlan
from tasks.services import infer_plan_kind, infer_plan_title
from tests.plan_fixtures import PLANS
from units.models import Unit, UnitAlias

pytestmark = pytest.mark.django_db

TEXT = """某省残工委2022年重点工作任务
一、就业
1.做好残疾人就业服务，城镇新增就业100人以上。（牵头单位：省人社厅；参加单位：省民政厅、地方各级政府）
2.做好康复服务。（牵头单位：省民政厅）
"""


def start(world, text=TEXT, name="2022.txt"):
    return importing.start_import(committee=world.committee, user=world.users["office"], data=text.encode(),
                                  filename=name)


def test_an_ignored_name_is_left_out_and_never_becomes_a_unit(client, world):
    record = start(world)
    preview = importing.preview(record)
    assert preview["unknown_units"] == ["地方各级政府"]
    client.force_login(world.users["office"])
    page = client.get(reverse("plan-import-preview", args=[record.pk])).content.decode()
    assert "忽略：不是成员单位" in page
    units_before = Unit.objects.count()
    response = client.post(reverse("plan-import-preview", args=[record.pk]), {
        "title": preview["title"], "kind": preview["kind"], "period_start": "2022", "period_end": "2022",
        "unit_0": "ignore", "keep_targets": ["0:0"], "confirm": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = PlanImport.objects.get(pk=record.pk).plan
    task = plan.tasks.get(ref="1")
    assert [u.short_name for u in task.participating_units] == ["省民政厅"]
    assert Unit.objects.count() == units_before and not UnitAlias.objects.filter(name="地方各级政府").exists()


def test_api_style_confirm_accepts_ignore(world):
    record = start(world)
    plan = importing.confirm_import(record=record, user=world.users["office"], unit_choices={"地方各级政府": "ignore"})
    assert plan.tasks.count() == 2 and plan.kind == WorkPlan.Kind.KEY_TASKS
    assert plan.title == "某省残工委2022年重点工作任务"


def test_a_five_year_division_table_is_not_key_tasks(world):
    structure = {"plan": {"title": None, "period_start": 2016, "period_end": 2020},
                 "tasks": [{"ref": "1", "text": "x", "lead_units": ["省残联"], "participating_units": []}]}
    assert infer_plan_kind(structure) == WorkPlan.Kind.DIVISION_TABLE
    assert infer_plan_kind({**structure, "tasks": [{"ref": "1", "text": "x"}]}) == WorkPlan.Kind.FIVE_YEAR
    assert infer_plan_kind({"plan": {"period_start": 2017, "period_end": 2017},
                            "tasks": [{"ref": "（一）", "text": "x"}]}) == WorkPlan.Kind.WORK_POINTS
    assert infer_plan_title(committee=world.committee, structure=structure,
                            source_name="吉林省十三五残疾人事业发展规划任务分工.pdf") == "吉林省十三五残疾人事业发展规划任务分工"
    assert infer_plan_title(committee=world.committee, structure=structure, source_name="scan001.pdf") == \
        "某省残工委2016—2020年任务分工表"


def test_the_division_table_fixture_previews_as_a_division_table_with_a_title(world):
    path = PLANS / "jilin-13th-fyp-division-table.txt"
    record = importing.start_import(committee=world.committee, user=world.users["office"], data=path.read_bytes(),
                                    filename="division.txt")
    preview = importing.preview(record)
    assert preview["kind"] == WorkPlan.Kind.DIVISION_TABLE
    assert preview["title"] == "某省残工委2016—2020年任务分工表"
