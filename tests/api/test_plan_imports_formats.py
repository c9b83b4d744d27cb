"""Old office formats through the API: an .xls division table converted by LibreOffice, then previewed."""
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tasks.models import PlanImport

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
