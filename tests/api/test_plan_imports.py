"""The importer through the API: upload → preview → confirm, with the same rules as the wizard."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tasks.models import PlanImport, WorkPlan
from tests.plan_fixtures import PLANS
from units.models import UnitAlias

pytestmark = pytest.mark.django_db
PLAN = PLANS / "jilin-2021-key-tasks.txt"
URL = "/api/v1/plan-imports/"


def upload(client, name="plan.txt", data=None, committee="prov"):
    return client.post(URL, {"committee": committee, "file": SimpleUploadedFile(name, data or PLAN.read_bytes())},
                       format="multipart")


def test_office_uploads_previews_and_confirms(api, world):
    client = api(world.users["office"])
    response = upload(client)
    assert response.status_code == 201, response.json()
    preview = response.json()
    assert preview["task_count"] == 21 and "省乡村振兴局" in preview["unknown_units"]
    assert preview["units"]["省人社厅"]["status"] == "resolved"
    assert preview["structure"]["plan"]["doc_number"] == "吉政残工委发〔2021〕2号"
    assert client.get(f"{URL}{preview['id']}/").json()["task_count"] == 21

    missing = client.post(f"{URL}{preview['id']}/confirm/", {}, format="json")
    assert missing.status_code == 400 and "尚未对应" in missing.json()["detail"]
    assert WorkPlan.objects.count() == 1

    choices = {name: "new" for name in preview["unknown_units"]}
    choices["省社保局"] = str(world.lead_unit.pk)  # 社保局 reports through 人社厅: mapped, remembered as an alias
    done = client.post(f"{URL}{preview['id']}/confirm/", {"unit_choices": choices, "status": "published"}, format="json")
    assert done.status_code == 201, done.json()
    plan = WorkPlan.objects.get(pk=done.json()["plan_id"])
    assert plan.tasks.count() == 21 and plan.status == "published" and plan.source_file
    assert UnitAlias.objects.filter(name="省社保局", unit=world.lead_unit).exists()
    again = client.post(f"{URL}{preview['id']}/confirm/", {"unit_choices": choices}, format="json")
    assert again.status_code == 400


def test_read_write_client_may_import_for_its_committee(api, world, tokens):
    assert upload(api(tokens.write_own)).status_code == 201
    assert upload(api(tokens.write_other)).status_code == 403
    assert upload(api(tokens.read_own)).status_code == 403


@pytest.mark.parametrize("who, expected", [(None, 401), ("lead_reporter", 403), ("leader", 403), ("other_office", 403)])
def test_others_may_not_import(api, world, who, expected):
    client = api(world.users[who] if who else None)
    assert upload(client).status_code == expected
    assert not PlanImport.objects.exists()


def test_bad_file_gives_a_chinese_400_and_writes_nothing(api, world):
    response = upload(api(world.users["office"]), name="fake.docx", data=b"MZ\x90\x00not a document")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] and any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])
    assert not PlanImport.objects.exists()


def test_other_committee_cannot_read_or_confirm_an_import(api, world):
    preview = upload(api(world.users["office"])).json()
    other = api(world.users["other_office"])
    assert other.get(f"{URL}{preview['id']}/").status_code == 404
    assert other.post(f"{URL}{preview['id']}/confirm/", {}, format="json").status_code == 404


def test_discard(api, world):
    client = api(world.users["office"])
    preview = upload(client).json()
    response = client.post(f"{URL}{preview['id']}/discard/", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "discarded"
