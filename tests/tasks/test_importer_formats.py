"""Old office formats (.doc, .wps, .xls, .et, .rtf) through LibreOffice, scored like text.

The fixtures in tests/fixtures/formats/ were rendered from the plan fixtures by
``tests/fixtures/formats/build.py`` (text -> .docx -> Word 97 by LibreOffice, division
table -> .xlsx -> Excel 97), scored by the plan fixtures' ``score.py``.
LibreOffice is a test dependency (``make test`` and ``.ci/run`` install it): a missing
``soffice`` fails these tests, it does not skip them.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from targets.extraction import extract_targets
from tasks.importer import PlanImportError, convert, parse_file, read_document
from tasks.models import PlanImport, WorkPlan
from tests.plan_fixtures import score_module

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
CONVERTED = sorted(p for p in FORMATS.iterdir() if p.suffix in (".doc", ".wps", ".xls", ".et", ".rtf"))
KEY_TASKS_DOC = FORMATS / "jilin-2021-key-tasks.doc"


def load_score():
    return score_module().score  # the plan fixtures' own scorer


def expected_for(path: Path) -> dict:
    return json.loads((FORMATS / f"{path.name.split('.')[0]}.expected.json").read_text(encoding="utf-8"))


def test_libreoffice_is_installed_for_the_tests():
    assert convert.soffice_path(), "LibreOffice (soffice) is a test dependency: apt-get install libreoffice-writer-nogui"
    assert len(CONVERTED) >= 7


@pytest.mark.parametrize("path", CONVERTED, ids=lambda p: p.name)
def test_converted_formats_score_like_text(path):
    actual = parse_file(path.read_bytes(), path.name, extract_targets=extract_targets)
    result = load_score()(expected_for(path), actual)
    assert result["task_recall"] == 1.0 and result["task_precision"] == 1.0
    assert result["unit_accuracy"] == 1.0 and result["target_f1"] >= 0.95


@pytest.mark.parametrize(("path", "kind"), [
    (FORMATS / "jilin-2021-key-tasks.doc", "doc"),
    (FORMATS / "jilin-2021-key-tasks.wps", "wps"),
    (FORMATS / "jilin-2021-key-tasks.rtf", "rtf"),
    (FORMATS / "jilin-13th-fyp-division-table.xls", "xls"),
    (FORMATS / "jilin-13th-fyp-division-table.et", "et"),
])
def test_kind_is_decided_by_content(path, kind):
    assert read_document(path.read_bytes(), path.name).kind == kind
    # renamed, it is still read for what it is (the Kingsoft name only follows the extension)
    renamed = read_document(path.read_bytes(), "附件1.txt")
    assert renamed.kind == {"wps": "doc", "et": "xls"}.get(kind, kind)


def test_docx_title_and_doc_number_survive_conversion():
    plan = parse_file(KEY_TASKS_DOC.read_bytes(), "x.doc", extract_targets=extract_targets)
    assert plan["plan"]["doc_number"] == "吉政残工委发〔2021〕2号"
    assert plan["plan"]["title"] == "吉林省人民政府残疾人工作委员会2021年重点工作任务"


DAMAGED = [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\x00\xff" * 3000, "plan.doc"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le") + b"\x13" * 5000, "plan.xls"),
    (KEY_TASKS_DOC.read_bytes()[:3000], "cut.doc"),
    ((FORMATS / "jilin-13th-fyp-division-table.xls").read_bytes()[:2048], "cut.xls"),
    (b"{\\rtf1\\ansi " + b"\\" * 500, "broken.rtf"),
]


@pytest.mark.parametrize(("data", "filename"), DAMAGED, ids=[d[1] + str(i) for i, d in enumerate(DAMAGED)])
def test_damaged_old_office_files_get_one_clear_error(data, filename):
    with pytest.raises(PlanImportError) as info:
        parse_file(data, filename, extract_targets=extract_targets)
    assert info.value.code in ("convert_failed", "no_tasks", "ole_unknown")
    assert "另存为" in str(info.value) or "任务" in str(info.value)


def test_missing_libreoffice_says_what_to_install(monkeypatch):
    monkeypatch.setenv("LUOSHI_SOFFICE", "/nonexistent/soffice")
    with pytest.raises(PlanImportError) as info:
        read_document(KEY_TASKS_DOC.read_bytes(), "plan.doc")
    assert info.value.code == "converter_missing"
    assert "libreoffice-writer-nogui" in str(info.value) and "另存为" in str(info.value)


def test_time_limit_kills_the_converter_and_cleans_up(tmp_path, monkeypatch):
    monkeypatch.setattr(convert, "TMP_ROOT", str(tmp_path))
    with pytest.raises(PlanImportError) as info:
        convert.convert_office(KEY_TASKS_DOC.read_bytes(), "doc", timeout=0.05)
    assert info.value.code == "convert_timeout" and "超时" in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_encrypted_ole_file_is_refused_before_conversion(monkeypatch):
    monkeypatch.setattr(convert, "convert_office", lambda *a, **k: pytest.fail("must not convert"))
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64
    with pytest.raises(PlanImportError) as info:
        read_document(data, "secret.doc")
    assert info.value.code == "office_encrypted"


# ---------------------------------------------------------------- through the three ways in


@pytest.mark.django_db
def test_wps_through_the_wizard(client, world):
    client.force_login(world.users["office"])
    response = client.post(reverse("plan-import"), {
        "committee": world.committee.pk,
        "file": SimpleUploadedFile("重点任务.wps", (FORMATS / "jilin-2021-key-tasks.wps").read_bytes())})
    assert response.status_code == 302
    record = PlanImport.objects.get()
    assert len(record.structure["tasks"]) == 21
    assert "省人社厅" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_damaged_doc_through_the_wizard_writes_nothing(client, world):
    client.force_login(world.users["office"])
    plans = WorkPlan.objects.count()
    response = client.post(reverse("plan-import"), {
        "committee": world.committee.pk, "file": SimpleUploadedFile("坏.doc", DAMAGED[0][0])})
    html = response.content.decode()
    assert response.status_code == 400 and 'role="alert"' in html and ("另存为" in html or "任务" in html)
    assert not PlanImport.objects.exists() and WorkPlan.objects.count() == plans


@pytest.mark.django_db
def test_doc_through_the_command_dry_run(capsys):
    from django.core.management import call_command

    call_command("import_plan", str(FORMATS / "jilin-2017-work-points.doc"), "--dry-run", "--json")
    actual = json.loads(capsys.readouterr().out)
    result = load_score()(expected_for(FORMATS / "jilin-2017-work-points.doc"), actual)
    assert result["task_recall"] == 1.0 and result["unit_accuracy"] == 1.0
    assert not WorkPlan.objects.exists()


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(min_value=512, max_value=20000), noise=st.binary(min_size=16, max_size=256),
       name=st.sampled_from(["plan.doc", "plan.xls", "plan.wps"]))
def test_damaged_old_office_files_never_raise_anything_else(cut, noise, name):
    source = KEY_TASKS_DOC if name != "plan.xls" else FORMATS / "jilin-13th-fyp-division-table.xls"
    data = source.read_bytes()
    damaged = data[:cut] + noise + data[cut + len(noise):]
    with tempfile.TemporaryDirectory() as root:
        saved, convert.TMP_ROOT = convert.TMP_ROOT, root
        try:
            parse_file(damaged, name, extract_targets=extract_targets)
        except PlanImportError as exc:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in str(exc))
        finally:
            convert.TMP_ROOT = saved
        assert list(Path(root).iterdir()) == []  # the sandbox is gone, whatever happened
