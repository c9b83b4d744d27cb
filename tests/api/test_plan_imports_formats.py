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
