"""考核 through the API: who reads which card, errors in the common body, constant queries."""
from decimal import Decimal as D

import pytest

from rollups.models import ScoringScheme
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme(world):
    s = f.ScoringSchemeFactory(committee=world.committee)
    f.ScoreAdjustmentFactory(scheme=s, unit=world.lead_unit, points=D(2), reason="获表彰")
    return s


def names(body):
    return {c["name"] for c in body["results"]}


@pytest.mark.parametrize("who,status,sees", [
    ("office", 200, {"省人社厅", "省民政厅"}),
    ("leader", 200, {"省人社厅", "省民政厅"}),
    ("lead_reporter", 200, {"省人社厅"}),
    ("part_reporter", 200, {"省民政厅"}),
    ("other_office", 404, None),
    ("read_own", 200, {"省人社厅", "省民政厅"}),
    ("write_other", 404, None),
    (None, 401, None),
])
def test_results_permission_matrix(api, world, tokens, scheme, who, status, sees):
    caller = getattr(tokens, who) if who in ("read_own", "write_other") else (world.users[who] if who else None)
    client = api(caller)
    for url in (f"/api/v1/scoring-schemes/{scheme.pk}/results/",
                f"/api/v1/scoring-results/?committee={world.committee.pk}&year=2021"):
        response = client.get(url)
        assert response.status_code == status, url
        body = response.json()
        if status == 200:
            assert names(body) == sees
            lead = [c for c in body["results"] if c["name"] == "省人社厅"]
            if lead:
                items = {i["kind"]: i for i in lead[0]["items"]}
                assert items["adjustments"]["points"] == "2.00"
                assert items["adjustments"]["lines"][0]["link"].endswith("#adjustment-1") or \
                    "#adjustment-" in items["adjustments"]["lines"][0]["link"]
                assert lead[0]["band_label"] in {"优秀", "良好", "一般", "较差"}
        else:
            assert set(body) == {"code", "detail", "errors"}


def test_scheme_list_and_detail(api, world, scheme):
    body = api(world.users["leader"]).get(f"/api/v1/scoring-schemes/?committee={world.committee.pk}&year=2021").json()
    assert body["count"] == 1 and len(body["results"][0]["items"]) == 6
    assert api(world.users["other_office"]).get("/api/v1/scoring-schemes/").json()["count"] == 0


@pytest.mark.parametrize("query", ["", "?committee=x&year=2021", "?committee=1", "?committee=1&year=99999999999"])
def test_bad_query_is_a_400_in_the_common_body(api, world, scheme, query):
    response = api(world.users["office"]).get(f"/api/v1/scoring-results/{query}")
    assert response.status_code == 400
    assert response.json()["code"] and response.json()["errors"]


def test_no_writes(api, world, scheme):
    client = api(world.users["office"])
    assert client.post("/api/v1/scoring-results/", {}, format="json").status_code == 405
    assert client.delete(f"/api/v1/scoring-schemes/{scheme.pk}/").status_code == 405
    assert ScoringScheme.objects.count() == 1


def test_results_queries_do_not_grow(api, world, tokens, scheme, django_assert_max_num_queries):
    for i in range(10):
        f.AssignmentFactory(task=world.task, unit=f.UnitFactory(committee=world.committee, short_name=f"单位{i}",
                                                                 code=f"x{i}"), role="lead", order=20 + i)
    client = api(tokens.read_own)
    with django_assert_max_num_queries(20):
        assert client.get(f"/api/v1/scoring-results/?committee={world.committee.pk}&year=2021").status_code == 200
