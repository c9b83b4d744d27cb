"""Five-year plan indicators, yearly values and evaluations through the API: permission matrix (nothing
written when refused), bad input in the common error body, and the evaluation's content."""
from decimal import Decimal as D

import pytest

from targets.models import IndicatorValue, PlanIndicator, Target
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def fyp(world):
    plan = f.FiveYearPlanFactory(committee=world.committee)
    ind = f.PlanIndicatorFactory(plan=plan, number=1, name="残疾人基本康复服务覆盖率", weight=D(2))
    f.IndicatorValueFactory(indicator=ind, year=2021, value=D(82), source="统计公报")
    f.IndicatorValueFactory(indicator=ind, year=2023, value=D(84), source="统计公报")
    return plan


def caller(world, tokens, who):
    if who in ("read_own", "write_own", "write_other"):
        return getattr(tokens, who)
    return world.users[who] if who else None


READ = [("office", 200), ("leader", 200), ("lead_reporter", 404), ("other_office", 404), ("read_own", 200),
        ("write_own", 200), ("write_other", 404), (None, 401)]


@pytest.mark.parametrize("who,status", READ)
def test_read_matrix(api, world, tokens, fyp, who, status):
    client = api(caller(world, tokens, who))
    ind = fyp.indicators.get()
    listing = {200: 1, 404: 0, 401: None}[status]
    for url in ("/api/v1/plan-indicators/", f"/api/v1/plan-indicators/?plan={fyp.pk}"):
        r = client.get(url)
        assert r.status_code == (401 if status == 401 else 200)
        if listing is not None:
            assert r.json()["count"] == listing
    assert client.get(f"/api/v1/plan-indicators/{ind.pk}/").status_code == status
    r = client.get(f"/api/v1/indicator-values/?plan={fyp.pk}")
    assert r.status_code == (401 if status == 401 else 200)
    r = client.get(f"/api/v1/fyp-evaluations/?plan={fyp.pk}&year=2023")
    assert r.status_code == status
    if status == 200:
        body = r.json()
        assert body["label"] == "中期评估" and body["indicators"][0]["judgement"] == "likely"
        assert body["indicators"][0]["values"] == [{"year": 2021, "value": "82.0000", "source": "统计公报"},
                                                   {"year": 2023, "value": "84.0000", "source": "统计公报"}]
        assert body["indicators"][0]["completion"] == "0.8000" and body["indicators"][0]["elapsed"] == "0.6000"
        assert body["sentence"].startswith("1项主要指标中，1项约束性指标、0项预期性指标。")
        assert body["index"] == "80.00"
    else:
        assert set(r.json()) >= {"code", "detail"}


WRITE = [("office", 201), ("write_own", 201), ("leader", 403), ("read_own", 403), ("lead_reporter", 400),
         ("other_office", 400), ("write_other", 400), (None, 401)]


@pytest.mark.parametrize("who,status", WRITE)
def test_write_matrix(api, world, tokens, fyp, who, status):
    client = api(caller(world, tokens, who))
    ind = fyp.indicators.get()
    r = client.post("/api/v1/plan-indicators/", {"plan": fyp.pk, "number": 2, "name": "残疾人辅助器具适配率",
                                                  "target_value": "85", "kind": "binding"}, format="json")
    assert r.status_code == status, r.content
    r = client.post("/api/v1/indicator-values/", {"indicator": ind.pk, "year": 2022, "value": "83",
                                                   "source": "年报"}, format="json")
    assert r.status_code == status, r.content
    r = client.patch(f"/api/v1/plan-indicators/{ind.pk}/", {"weight": "3"}, format="json")
    assert r.status_code == {201: 200, 400: 404}.get(status, status)
    r = client.post("/api/v1/plan-indicators/link-targets/", {"plan": world.plan.pk,
                                                               "links": {str(world.target.pk): ind.pk}}, format="json")
    assert r.status_code == (403 if who == "lead_reporter" else {201: 200}.get(status, status))
    written = status == 201
    assert PlanIndicator.objects.count() == (2 if written else 1)
    assert IndicatorValue.objects.count() == (3 if written else 2)
    assert PlanIndicator.objects.get(pk=ind.pk).weight == (D(3) if written else D(2))
    assert (Target.objects.get(pk=world.target.pk).plan_indicator_id == ind.pk) == written


@pytest.mark.parametrize("body,field", [
    ({"number": 1, "name": "重复", "target_value": "1", "kind": "binding"}, None),
    ({"number": 2, "name": "x", "target_value": "abc", "kind": "binding"}, "target_value"),
    ({"number": 2, "name": "x", "target_value": "1", "kind": "nope"}, "kind"),
    ({"number": 2, "name": "", "target_value": "1", "kind": "binding"}, "name"),
    ({"number": 2, "name": "x", "target_value": "1", "kind": "binding", "weight": "-1"}, None),
])
def test_bad_indicator_input(api, world, fyp, body, field):
    r = api(world.users["office"]).post("/api/v1/plan-indicators/", {"plan": fyp.pk, **body}, format="json")
    assert r.status_code == 400
    data = r.json()
    assert data["code"] and data["detail"]
    if field:
        assert field in data["errors"]
    assert PlanIndicator.objects.count() == 1


@pytest.mark.parametrize("body", [{"year": 2030, "value": "1", "source": "s"}, {"year": 2022, "value": "1", "source": ""},
                                  {"year": 2022, "value": "x", "source": "s"}, {"year": 2022}])
def test_bad_value_input(api, world, fyp, body):
    ind = fyp.indicators.get()
    r = api(world.users["office"]).post("/api/v1/indicator-values/", {"indicator": ind.pk, **body}, format="json")
    assert r.status_code == 400 and r.json()["detail"]
    assert IndicatorValue.objects.count() == 2


@pytest.mark.parametrize("query", ["", "plan=x&year=2023", "plan=1", "year=2023", "plan=99999&year=2023"])
def test_bad_evaluation_queries(api, world, fyp, query):
    r = api(world.users["office"]).get(f"/api/v1/fyp-evaluations/?{query}")
    assert r.status_code in (400, 404) and r.json()["code"]


def test_evaluation_year_outside_period(api, world, fyp):
    r = api(world.users["office"]).get(f"/api/v1/fyp-evaluations/?plan={fyp.pk}&year=2030")
    assert r.status_code == 400 and "year" in r.json()["errors"]


@pytest.mark.parametrize("links", [{"abc": 1}, {}, "x"])
def test_bad_links(api, world, fyp, links):
    r = api(world.users["office"]).post("/api/v1/plan-indicators/link-targets/", {"plan": world.plan.pk, "links": links},
                                        format="json")
    assert r.status_code == 400
    assert Target.objects.get(pk=world.target.pk).plan_indicator_id is None


def test_target_shows_its_indicator(api, world, fyp):
    ind = fyp.indicators.get()
    world.target.plan_indicator = ind
    world.target.save()
    r = api(world.users["office"]).get(f"/api/v1/targets/{world.target.pk}/")
    assert r.json()["plan_indicator"] == ind.pk
