"""Old office formats through the API: an .xls division table converted by LibreOffice, then previewed."""
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tasks.models import PlanImport, WorkPlan
from tests import factories as f
from units.models import Unit

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
URL = "/api/v1/plan-imports/"


@pytest.mark.django_db
def test_xls_through_the_api(api, world, tokens):
    data = (FORMATS / "jilin-13th-fyp-division-table.xls").read_bytes()
    expected = json.loads((FORMATS / "jilin-13th-fyp-division-table.expected.json").read_text(encoding="utf-8"))
    response = api(world.users["office"]).post(
        URL, {"committee": "prov", "file": SimpleUploadedFile("分工.xls", data)}, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["task_count"] == len(expected["tasks"])
    refused = api(tokens.read_own).post(
        URL, {"committee": "prov", "file": SimpleUploadedFile("分工.xls", data)}, format="multipart")
    assert refused.status_code == 403
    assert PlanImport.objects.count() == 1


@pytest.mark.django_db
def test_damaged_xls_through_the_api_writes_nothing(api, world):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000
    response = api(world.users["office"]).post(
        URL, {"committee": "prov", "file": SimpleUploadedFile("分工.xls", data)}, format="multipart")
    assert response.status_code == 400 and "另存为" in json.dumps(response.json(), ensure_ascii=False)
    assert not PlanImport.objects.exists()


@pytest.mark.django_db
def test_minutes_through_the_api_become_a_supervision_list(api, world):
    for i, name in enumerate(["省民政厅", "省财政厅", "省残联", "省人社厅", "省教育厅", "省住房城乡建设厅", "省交通运输厅"]):
        if not Unit.objects.filter(committee=world.committee, short_name=name).exists():
            f.UnitFactory(committee=world.committee, short_name=name, code=f"s{i}")
    client = api(world.users["office"])
    response = client.post("/api/v1/plan-imports/", {
        "committee": "prov", "file": SimpleUploadedFile("纪要.txt", (FORMATS / "minutes-2021-plenary.txt").read_bytes())}, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "supervision"
    done = client.post(f"/api/v1/plan-imports/{response.json()['id']}/confirm/", {}, format="json")
    assert done.status_code == 201, done.json()
    assert WorkPlan.objects.get(pk=done.json()["plan_id"]).kind == "supervision"


@pytest.mark.django_db
def test_scan_through_the_api_answers_202_with_a_status_url(api, world, monkeypatch):
    from tasks import jobs
    from tasks.importer import ocr

    queued = []
    monkeypatch.setattr(jobs.ocr_plan_import, "delay", lambda pk: queued.append(pk))
    client = api(world.users["office"])
    scan = (FORMATS / "jilin-2021-key-tasks.scan.pdf").read_bytes()
    response = client.post(URL, {"committee": "prov", "file": SimpleUploadedFile("扫描件.pdf", scan)}, format="multipart")
    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["status"] == "reading" and body["progress"] == {"pages_done": 0, "pages_total": 4}
    assert body["status_url"].endswith(f"{URL}{body['id']}/") and queued == [body["id"]]
    assert client.post(f"{URL}{body['id']}/confirm/", {}, format="json").status_code == 400  # not read yet

    lines = ["吉林省残联2021年重点工作任务", "一、就业", "1.城镇新增残疾人就业100人。（牵头单位：省残联）"]
    monkeypatch.setattr(ocr, "_get_engine", lambda: (
        lambda image: ([[[[0, 40 * i], [900, 40 * i], [900, 40 * i + 30], [0, 40 * i + 30]], t, 0.99]
                        for i, t in enumerate(lines)], [0.1])))
    from tasks import scans

    assert scans.run_ocr(body["id"]) == "preview"
    status = client.get(body["status_url"]).json()
    assert status["status"] == "preview" and status["progress"]["pages_done"] == 4
    assert status["task_count"] >= 1 and status["ocr"]["task_pages"][0] == 1


@pytest.mark.django_db
def test_scan_status_is_only_for_the_committee(api, world, monkeypatch):
    from tasks import jobs

    monkeypatch.setattr(jobs.ocr_plan_import, "delay", lambda pk: None)
    scan = (FORMATS / "jilin-2021-key-tasks.scan.pdf").read_bytes()
    body = api(world.users["office"]).post(
        URL, {"committee": "prov", "file": SimpleUploadedFile("扫描件.pdf", scan)}, format="multipart").json()
    assert api(world.users["other_office"]).get(f"{URL}{body['id']}/").status_code == 404
