"""POST /api/v1/targets/{id}/allocations/: the same checks as the web form, for people and API clients."""
import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from targets.models import Allocation
from units import services as unit_services
from units.models import ApiClient


@pytest.fixture(autouse=True)
def _roomy_throttles(settings):
    cache.clear()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"api_client": "10000/min", "api_user": "10000/min"}}
    yield
    cache.clear()


def url(c):
    return f"/api/v1/targets/{c.target.pk}/allocations/"


def body(c, b="2600", **extra):
    return {"committees": [{"id": c.city_a.pk, "value": "3000"}, {"id": c.city_b.pk, "value": b}], **extra}


def token_client(committee, access):
    client_obj = unit_services.create_api_client(name=f"系统{committee.code}{access}", committee=committee, access=access)
    _token, key = unit_services.issue_api_token(client=client_obj)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


@pytest.mark.parametrize("role, status", [
    ("p_office", 200), ("p_leader", 403), ("p_reporter", 403), ("a_office", 404), ("b_office", 404),
    ("k_office", 404), ("anonymous", 401),
])
def test_people(cascade, role, status):
    c = cascade
    api = APIClient()
    if role != "anonymous":
        api.force_authenticate(c.users[role])
    response = api.post(url(c), body(c), format="json")
    assert response.status_code in ({status} if status != 401 else {401, 403})
    assert Allocation.objects.count() == (2 if status == 200 else 0)
    if status == 200:
        assert {a["committee"] for a in response.json()["allocations"]} == {c.city_a.pk, c.city_b.pk}


@pytest.mark.parametrize("committee, access, status", [
    ("province", ApiClient.AccessLevel.READ_WRITE, 200), ("province", ApiClient.AccessLevel.READ_ONLY, 403),
    ("city_a", ApiClient.AccessLevel.READ_WRITE, 404),
])
def test_api_clients(cascade, committee, access, status):
    c = cascade
    response = token_client(getattr(c, committee), access).post(url(c), body(c), format="json")
    assert response.status_code == status
    assert Allocation.objects.count() == (2 if status == 200 else 0)


def test_bad_input_is_400_and_writes_nothing(cascade):
    c = cascade
    api = APIClient()
    api.force_authenticate(c.users["p_office"])
    response = api.post(url(c), body(c, b="2000"), format="json")
    assert response.status_code == 400 and "合计为5000人" in response.json()["detail"] + str(response.json()["errors"])
    for bad in (body(c, b="-1", note="x"), {"committees": [{"id": c.county.pk, "value": "1"}], "note": "x"},
                {"committees": [{"id": 999999, "value": "1"}], "note": "x"}, {"committees": "x"}):
        assert api.post(url(c), bad, format="json").status_code == 400
    assert not Allocation.objects.exists()
    ok = api.post(url(c), body(c, b="2000", note="省级统筹600人"), format="json")
    assert ok.status_code == 200 and Allocation.objects.count() == 2
