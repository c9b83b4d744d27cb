"""会议纪要 and 领导批示 imported as a 督办 list: same preview, unit resolution and confirm flow."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from targets.extraction import extract_targets
from tasks import importing
from tasks.importer import PlanImportError, parse_plan
from tasks.models import PlanImport, Task, WorkPlan
from tests import factories as f
from tests.plan_fixtures import score_module
from units.models import Unit

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
MINUTES = FORMATS / "minutes-2021-plenary.txt"
INSTRUCTION = FORMATS / "instruction-2021-leader.txt"


def load_score():
    return score_module().score  # the plan fixtures' own scorer


def expected(path: Path) -> dict:
    return json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", [MINUTES, INSTRUCTION], ids=lambda p: p.stem)
def test_minutes_and_instruction_score_perfectly(path):
    actual = parse_plan(path.read_text(encoding="utf-8"), extract_targets=extract_targets)
    result = load_score()(expected(path), actual)
    assert result["task_recall"] == 1.0 and result["task_precision"] == 1.0
    assert result["unit_accuracy"] == 1.0 and result["target_f1"] == 1.0
    assert result["plan_fields_ok"] == "6/6"


def test_minutes_items_have_units_deadlines_and_no_units_clause():
    plan = parse_plan(MINUTES.read_text(encoding="utf-8"), extract_targets=extract_targets)
    first = plan["tasks"][0]
    assert (first["section"], first["ref"]) == ("二", "（一）")
    assert first["lead_units"] == ["省民政厅"] and first["participating_units"] == ["省残联", "省财政厅"]
    assert first["deadline"] == "2021-06-30"  # its closing 6月底前, not the 年内 inside it
    assert "牵头" not in first["text"] and "会议议定" not in first["text"]
    assert len(plan["tasks"]) == 5  # 一 (heard a report) and 三 (强调) name no lead unit: not tasks
    assert plan["plan"]["title"] == "吉林省人民政府残疾人工作委员会第一次全体会议纪要"


def test_decisions_sharing_one_paragraph_are_separate_items():
    text = ("省残工委专题会议纪要\n2021年5月6日\n会议议定：开展助残日活动，由省残联牵头，省民政厅配合，5月底前完成。"
            "会议要求：做好残疾人就业统计，省人社厅负责，年底前完成。\n")
    plan = parse_plan(text, extract_targets=lambda _t: [])
    assert [(t["lead_units"], t["deadline"]) for t in plan["tasks"]] == [
        (["省残联"], "2021-05-31"), (["省人社厅"], "2021-12-31")]


def test_instruction_names_leader_date_and_units():
    plan = parse_plan(INSTRUCTION.read_text(encoding="utf-8"), extract_targets=extract_targets)
    assert plan["plan"]["issuer"] == "王副省长" and plan["plan"]["issued_on"] == "2021-04-02"
    (task,) = plan["tasks"]
    assert task["lead_units"] == ["省民政厅"] and task["participating_units"] == ["省财政厅", "省残联"]
    assert task["deadline"] == "2021-05-31"


def test_minutes_without_any_assigned_item_is_refused_clearly():
    text = "省残工委会议纪要\n会议听取了汇报。\n会议强调，要加强协作。\n"
    with pytest.raises(PlanImportError) as info:
        parse_plan(text, extract_targets=extract_targets)
    assert info.value.code == "no_tasks"


# ---------------------------------------------------------------- Django: the three ways in


@pytest.fixture
def committee_units(world):
    for i, name in enumerate(["省民政厅", "省财政厅", "省残联", "省人社厅", "省教育厅", "省住房城乡建设厅", "省交通运输厅"]):
        if not Unit.objects.filter(committee=world.committee, short_name=name).exists():
            f.UnitFactory(committee=world.committee, short_name=name, code=f"s{i}")
    return world


@pytest.mark.django_db
def test_minutes_become_a_supervision_list_through_the_service(committee_units):
    world = committee_units
    record = importing.start_import(committee=world.committee, user=world.users["office"],
                                    data=MINUTES.read_bytes(), filename="纪要.txt")
    preview = importing.preview(record)
    assert preview["kind"] == WorkPlan.Kind.SUPERVISION and preview["task_count"] == 5
    assert preview["unknown_units"] == []
    plan = importing.confirm_import(record=record, user=world.users["office"])
    assert plan.kind == WorkPlan.Kind.SUPERVISION and plan.tasks.count() == 5
    task = Task.objects.get(plan=plan, ref="（一）")
    assert [u.short_name for u in task.lead_units] == ["省民政厅"]
    assert str(task.deadline) == "2021-06-30"


@pytest.mark.django_db
def test_instruction_through_the_wizard(client, committee_units):
    world = committee_units
    client.force_login(world.users["office"])
    response = client.post(reverse("plan-import"), {
        "committee": world.committee.pk, "file": SimpleUploadedFile("批示.txt", INSTRUCTION.read_bytes())})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "省民政厅" in page and "督办事项" in page


@pytest.mark.django_db
def test_minutes_through_the_command(committee_units, capsys):
    call_command("import_plan", str(MINUTES), "--committee", "prov")
    plan = WorkPlan.objects.get(kind=WorkPlan.Kind.SUPERVISION)
    assert plan.tasks.count() == 5 and plan.doc_number == "吉政残工委纪〔2021〕1号"


@pytest.mark.django_db
def test_only_the_office_imports_minutes(world):
    for name in ["lead_reporter", "leader", "other_office"]:
        with pytest.raises(PermissionDenied):
            importing.start_import(committee=world.committee, user=world.users[name],
                                   data=MINUTES.read_bytes(), filename="纪要.txt")
    assert not PlanImport.objects.exists()
