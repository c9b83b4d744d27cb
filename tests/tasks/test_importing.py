"""The Django side of the plan importer: the command, the service (preview → confirm) and the wizard."""
import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from tasks import importing
from tasks.models import PlanImport, Task, WorkPlan
from tests import factories as f
from tests.plan_fixtures import PLANS, plan_documents, score_module
from units.models import Unit, UnitAlias

pytestmark = pytest.mark.django_db
KEY_TASKS = PLANS / "jilin-2021-key-tasks.txt"


def load_score():
    return score_module().score


@pytest.fixture
def jilin(world):
    """The world's committee with the units the 2021 plan names, so most names resolve."""
    names = ["省乡村振兴局", "省残联", "省民政厅", "省财政厅", "省人社厅", "省社保局", "省卫生健康委", "省政数局",
             "省退役军人事务厅", "省税务局", "省市场监管厅", "省医保局", "省教育厅", "省委宣传部", "省广电局",
             "省文化和旅游厅", "省体育局", "省统计局"]
    existing = set(Unit.objects.filter(committee=world.committee).values_list("short_name", flat=True))
    for i, name in enumerate(names):
        if name not in existing:
            f.UnitFactory(committee=world.committee, short_name=name, code=f"j{i}")
    return world


@pytest.mark.parametrize("path", plan_documents(), ids=lambda p: p.stem)
def test_command_dry_run_json_scores_perfectly_and_writes_nothing(path, capsys):
    call_command("import_plan", str(path), "--dry-run", "--json")
    actual = json.loads(capsys.readouterr().out)
    expected = json.loads(path.with_suffix("").with_suffix(".expected.json").read_text(encoding="utf-8"))
    result = load_score()(expected, actual)
    assert result["task_recall"] == 1.0 and result["task_precision"] == 1.0
    assert result["unit_accuracy"] == 1.0 and result["target_f1"] >= 0.95
    assert set(actual) >= {"plan", "sections", "tasks"}
    assert not WorkPlan.objects.exists() and not PlanImport.objects.exists()


def test_command_refuses_unknown_units_with_suggestions_and_writes_nothing(world):
    with pytest.raises(CommandError) as exc:
        call_command("import_plan", str(KEY_TASKS), "--committee", "prov")
    message = str(exc.value)
    assert "省乡村振兴局" in message and "--map" in message and "未写入任何内容" in message
    assert WorkPlan.objects.count() == 1  # only the world's own plan
    assert not PlanImport.objects.exists()


def test_command_maps_and_creates_units_and_remembers_aliases(jilin, capsys):
    f.UnitFactory(committee=jilin.committee, short_name="省发展和改革委员会", code="fgw")
    call_command("import_plan", str(KEY_TASKS), "--committee", "prov", "--map", "省发改委=fgw", "--create-units")
    plan = WorkPlan.objects.get(doc_number="吉政残工委发〔2021〕2号")
    assert plan.tasks.count() == 21 and plan.source_file and plan.source_name == KEY_TASKS.name
    assert plan.source_file.name == plan.import_record.source_file.name  # the original, kept once
    assert UnitAlias.objects.get(name="省发改委").unit.code == "fgw"
    task5 = Task.objects.get(plan=plan, ref="5")
    assert [u.short_name for u in task5.lead_units] == ["省残联"]
    assert [t.value for t in task5.targets.all()] == [5600, 20000]
    assert "已导入" in capsys.readouterr().out


def test_command_bad_file_gives_a_chinese_message(tmp_path):
    bad = tmp_path / "plan.docx"
    bad.write_bytes(b"\x00\x01 definitely not a word file")
    with pytest.raises(CommandError) as exc:
        call_command("import_plan", str(bad), "--dry-run")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(exc.value))
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_plan", str(tmp_path / "missing.txt"), "--dry-run")


def test_confirm_is_all_or_nothing_and_refuses_a_duplicate_document(jilin):
    office = jilin.users["office"]
    data = KEY_TASKS.read_bytes()
    first = importing.start_import(committee=jilin.committee, user=office, data=data, filename="plan.txt")
    preview = importing.preview(first)
    assert "省发改委" in preview["unknown_units"]
    assert preview["units"]["省政府残工委各成员单位"]["status"] == "all_members"
    with pytest.raises(ValidationError, match="尚未对应"):
        importing.confirm_import(record=first, user=office, unit_choices={})
    assert WorkPlan.objects.count() == 1 and not UnitAlias.objects.exists()

    plan = importing.confirm_import(record=first, user=office, unit_choices={"省发改委": "new"})
    assert plan.tasks.count() == 21 and Unit.objects.filter(short_name="省发改委").exists()

    second = importing.start_import(committee=jilin.committee, user=office, data=data, filename="again.txt")
    assert importing.preview(second)["unknown_units"] == []  # the new unit is known now
    units_before = Unit.objects.count()
    with pytest.raises(ValidationError, match="同一文号"):
        importing.confirm_import(record=second, user=office)
    assert WorkPlan.objects.count() == 2 and Unit.objects.count() == units_before


def test_only_the_committee_office_may_import(world):
    data = KEY_TASKS.read_bytes()
    for name in ["lead_reporter", "lead_approver", "leader", "other_office"]:
        with pytest.raises(PermissionDenied):
            importing.start_import(committee=world.committee, user=world.users[name], data=data, filename="p.txt")
    assert not PlanImport.objects.exists()


def test_doubtful_targets_are_dropped_unless_kept(jilin):
    office = jilin.users["office"]
    text = "关于2022年重点工作任务\n一、就业\n1.城镇新增就业5600人以上，残疾人托养补贴标准不低于每人每月200元。（牵头单位：省残联）\n"
    record = importing.start_import(committee=jilin.committee, user=office, data=text.encode(), filename="p.txt")
    preview = importing.preview(record)
    plan = importing.confirm_import(record=record, user=office, plan_overrides={"title": "2022年重点工作任务",
                                                                                "period_start": 2022, "period_end": 2022})
    kept = list(plan.tasks.get().targets.values_list("measure_unit", flat=True))
    assert "人" in kept and len(kept) == preview["target_count"] - len(preview["doubtful_targets"])
    assert plan.title == "2022年重点工作任务" and plan.period_start == 2022


# ---------------------------------------------------------------- the wizard

def docx_bytes(paragraphs):
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(client, committee, name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("plan-import"), {"committee": committee.pk, "file": SimpleUploadedFile(name, data)})


def test_wizard_upload_preview_confirm(client, jilin):
    client.force_login(jilin.users["office"])
    assert client.get(reverse("plan-import")).status_code == 200
    response = upload(client, jilin.committee, "2021.docx", docx_bytes(KEY_TASKS.read_text(encoding="utf-8").splitlines()))
    assert response.status_code == 302
    record = PlanImport.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "省发改委" in page and "未识别" in page and "城镇新增就业5600人以上" in page
    new_unit_field = "unit_0"
    form = {"title": "吉林省2021年重点工作任务", "kind": "key_tasks", "doc_number": "吉政残工委发〔2021〕2号",
            "issued_on": "2021-05-08", "period_start": "2021", "period_end": "2021",
            new_unit_field: "new", "keep_targets": ["4:0", "4:1"], "confirm": "1"}
    response = client.post(reverse("plan-import-preview", args=[record.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = WorkPlan.objects.get(import_record=record)
    assert response["Location"] == reverse("plan-detail", args=[plan.pk])
    assert plan.title == "吉林省2021年重点工作任务" and plan.tasks.count() == 21
    assert plan.tasks.get(ref="5").targets.count() == 2


def test_wizard_confirm_without_unit_choice_shows_errors_and_writes_nothing(client, jilin):
    client.force_login(jilin.users["office"])
    upload(client, jilin.committee, "p.txt", KEY_TASKS.read_bytes())
    record = PlanImport.objects.get()
    response = client.post(reverse("plan-import-preview", args=[record.pk]),
                           {"title": "x", "kind": "key_tasks", "period_start": "2021", "period_end": "2020"})
    html = response.content.decode()
    assert response.status_code == 400 and "截止年度不能早于起始年度" in html and "请为“省发改委”选择" in html
    assert WorkPlan.objects.count() == 1


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.txt", b"", "空"),
        ("fake.docx", b"MZ\x90\x00binary", "Word"),
        ("broken.xlsx", b"PK\x03\x04broken zip", ""),
        ("scan.pdf", b"%PDF-1.4\n%%EOF", ""),
        ("notes.txt", "今天天气很好，没有任务。".encode(), "任务"),
    ],
)
def test_wizard_bad_files_get_a_chinese_message_and_write_nothing(client, world, name, data, message):
    client.force_login(world.users["office"])
    response = upload(client, world.committee, name, data)
    html = response.content.decode()
    assert response.status_code == 400 and 'role="alert"' in html and message in html
    assert not PlanImport.objects.exists()


def test_wizard_refuses_an_over_large_file(client, world, settings):
    settings.LUOSHI_MAX_UPLOAD_BYTES = 1024
    client.force_login(world.users["office"])
    response = upload(client, world.committee, "big.txt", "一、任务\n1.做好工作。\n".encode() * 200)
    assert response.status_code == 400 and "文件过大" in response.content.decode()
    assert not PlanImport.objects.exists()


@pytest.mark.parametrize("user", ["lead_reporter", "leader"])
def test_wizard_is_for_the_office_only(client, world, user):
    client.force_login(world.users[user])
    assert client.get(reverse("plan-import")).status_code == 403


def test_other_committee_cannot_see_an_import(client, world):
    record = importing.start_import(committee=world.committee, user=world.users["office"],
                                    data=KEY_TASKS.read_bytes(), filename="p.txt")
    client.force_login(world.users["other_office"])
    assert client.get(reverse("plan-import-preview", args=[record.pk])).status_code == 404


def test_discard(client, world):
    record = importing.start_import(committee=world.committee, user=world.users["office"],
                                    data=KEY_TASKS.read_bytes(), filename="p.txt")
    client.force_login(world.users["office"])
    response = client.post(reverse("plan-import-preview", args=[record.pk]), {"discard": "1"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == PlanImport.Status.DISCARDED and WorkPlan.objects.count() == 1


def test_zip_bomb_like_docx_is_not_a_crash(client, world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<x/>")
    client.force_login(world.users["office"])
    response = upload(client, world.committee, "odd.docx", buffer.getvalue())
    assert response.status_code == 400
