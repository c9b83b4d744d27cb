"""API clients and tokens: issuing (shown once, stored hashed), last-used time, revoking,
scope, the write audit log, throttling per client, and the admin pages that manage them."""
import hashlib

import pytest
from django.urls import reverse

from units import services
from units.models import ApiClient, ApiToken, ApiWriteLog

pytestmark = pytest.mark.django_db


def test_token_is_stored_only_as_its_hash(world):
    client = services.create_api_client(name="省统计局", committee=world.committee)
    token, key = services.issue_api_token(client=client)
    token.refresh_from_db()
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(token.prefix) and len(key) > 40
    stored = [str(v) for v in ApiToken.objects.values_list(*[f.attname for f in ApiToken._meta.fields]).get()]
    assert key not in stored


def test_service_account_cannot_log_in(world, client):
    api_client = services.create_api_client(name="省统计局", committee=world.committee)
    user = api_client.user
    assert not user.is_active and not user.has_usable_password()
    assert not client.login(username=user.username, password="")


def test_token_and_bearer_authenticate_and_stamp_last_used(world, tokens, api):
    token = ApiToken.objects.get(client=tokens.clients["read_own"])
    assert token.last_used_at is None
    assert api(tokens.read_own).get("/api/v1/plans/").status_code == 200
    token.refresh_from_db()
    tokens.clients["read_own"].refresh_from_db()
    assert token.last_used_at is not None and tokens.clients["read_own"].last_used_at is not None
    bearer = api()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens.read_own}")
    assert bearer.get("/api/v1/plans/").json()["count"] == 1


@pytest.mark.parametrize("header", ["Token", "Token a b", "Token ls_0000.wrong", "Bearer 令牌", "Token "])
def test_bad_tokens_answer_401_in_chinese(world, api, header):
    client = api()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/plans/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    body = response.json()
    assert body["code"] in {"authentication_failed", "not_authenticated"} and body["detail"] and body["errors"] == {}


def test_revoked_token_stops_working_at_once(world, tokens, api):
    client = api(tokens.read_own)
    assert client.get("/api/v1/plans/").status_code == 200
    services.revoke_api_token(token=ApiToken.objects.get(client=tokens.clients["read_own"]))
    response = client.get("/api/v1/plans/")
    assert response.status_code == 401 and "吊销" in response.json()["detail"]


def test_revoking_twice_keeps_the_first_time(world, tokens):
    token = ApiToken.objects.get(client=tokens.clients["read_own"])
    first = services.revoke_api_token(token=token).revoked_at
    assert services.revoke_api_token(token=token).revoked_at == first


def test_deactivated_client_is_refused(world, tokens, api):
    ApiClient.objects.filter(pk=tokens.clients["write_own"].pk).update(is_active=False)
    assert api(tokens.write_own).get("/api/v1/plans/").status_code == 401


def test_a_client_has_several_tokens_for_rotation(world, tokens, api):
    _token, second = services.issue_api_token(client=tokens.clients["read_own"])
    assert api(second).get("/api/v1/plans/").status_code == 200
    assert api(tokens.read_own).get("/api/v1/plans/").status_code == 200


def test_scope_includes_lower_committees_only(world, api):
    from tests import factories as f

    city = f.CommitteeFactory(code="city", name="某市残工委", level="city", parent=world.committee)
    f.WorkPlanFactory(committee=city, title="某市2021年计划")
    city_client = services.create_api_client(name="市平台", committee=city)
    _t, city_key = services.issue_api_token(client=city_client)
    prov_client = services.create_api_client(name="省平台", committee=world.committee)
    _t, prov_key = services.issue_api_token(client=prov_client)
    assert {p["title"] for p in api(city_key).get("/api/v1/plans/").json()["results"]} == {"某市2021年计划"}
    assert {p["title"] for p in api(prov_key).get("/api/v1/plans/").json()["results"]} == {
        "某市2021年计划", "2021年重点工作任务"}


def test_read_only_client_cannot_write(world, tokens, api):
    report = world.report_of(world.lead_unit)
    response = api(tokens.read_own).post(f"/api/v1/reports/{report.pk}/save-draft/", {"version": 1}, format="json")
    assert response.status_code == 403 and "只读" in response.json()["detail"]
    report.refresh_from_db()
    assert report.version == 1


# ---------------------------------------------------------------- write audit

def test_every_client_write_is_logged_with_its_name(world, tokens, api):
    report = world.report_of(world.lead_unit)
    client = api(tokens.write_own)
    ok = client.post(f"/api/v1/reports/{report.pk}/save-draft/",
                     {"version": 1, "progress": "完成3000人", "figures": [{"target": world.target.pk, "value": "3000"}]},
                     format="json")
    assert ok.status_code == 200
    refused = client.post(f"/api/v1/reports/{report.pk}/save-draft/", {"version": 1}, format="json")
    assert refused.status_code == 409
    api(tokens.read_own).post("/api/v1/units/", {}, format="json")
    client.get("/api/v1/plans/")  # reads are not logged

    logs = list(ApiWriteLog.objects.order_by("id"))
    assert [(log.client_name, log.method, log.status_code) for log in logs] == [
        ("系统-write_own", "POST", 200), ("系统-write_own", "POST", 409), ("系统-read_own", "POST", 403)]
    first = logs[0]
    assert first.path == f"/api/v1/reports/{report.pk}/save-draft/"
    assert first.object_type == "reports.ProgressReport" and first.object_id == str(report.pk)
    assert first.token_prefix.startswith("ls_") and str(first)


def test_client_writes_are_recorded_under_the_service_account(world, tokens, api):
    report = world.report_of(world.lead_unit)
    api(tokens.write_own).post(f"/api/v1/reports/{report.pk}/save-draft/", {"version": 1, "progress": "进展"},
                               format="json")
    report.refresh_from_db()
    service_user = tokens.clients["write_own"].user
    assert report.updated_by == service_user and service_user.first_name == "系统-write_own"
    assert report.history.first().history_user == service_user


def test_browser_writes_are_not_in_the_client_log(world, api):
    report = world.report_of(world.lead_unit)
    api(world.users["lead_reporter"]).post(f"/api/v1/reports/{report.pk}/save-draft/", {"version": 1}, format="json")
    assert not ApiWriteLog.objects.exists()


def test_created_objects_are_named_in_the_log(world, tokens, api):
    response = api(tokens.write_own).post(
        "/api/v1/units/", {"committee": world.committee.pk, "code": "jy", "short_name": "省教育厅"}, format="json")
    assert response.status_code == 201
    log = ApiWriteLog.objects.get()
    assert log.object_type == "units.Unit" and log.object_repr == "省教育厅" and log.object_id == str(response.json()["id"])


# ---------------------------------------------------------------- throttling

def _rates(settings, **rates):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        "api_client": "10000/min", "api_user": "10000/min", **rates}}


def test_each_client_has_its_own_budget(world, tokens, api, settings):
    _rates(settings, api_client="3/min")
    first, second = api(tokens.read_own), api(tokens.write_own)
    assert [first.get("/api/v1/plans/").status_code for _ in range(3)] == [200, 200, 200]
    throttled = first.get("/api/v1/plans/")
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    assert throttled.json()["code"] == "throttled" and throttled.json()["detail"]
    assert second.get("/api/v1/plans/").status_code == 200  # another client is not affected


def test_a_client_rate_overrides_the_default(world, tokens, api, settings):
    _rates(settings, api_client="1000/min")
    ApiClient.objects.filter(pk=tokens.clients["read_own"].pk).update(throttle_rate="2/min")
    client = api(tokens.read_own)
    assert [client.get("/api/v1/plans/").status_code for _ in range(3)] == [200, 200, 429]


def test_browser_users_have_a_per_user_budget(world, api, settings):
    _rates(settings, api_user="2/min")
    office = api(world.users["office"])
    assert [office.get("/api/v1/plans/").status_code for _ in range(3)] == [200, 200, 429]
    assert api(world.users["leader"]).get("/api/v1/plans/").status_code == 200


def test_throttle_rate_must_be_well_formed(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.create_api_client(name="坏频率", committee=world.committee, throttle_rate="many")
    assert "throttle_rate" in exc.value.message_dict
    assert not ApiClient.objects.filter(name="坏频率").exists()


# ---------------------------------------------------------------- admin

@pytest.fixture
def admin_client(client, db):
    from tests import factories as f

    admin_user = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    return client


def test_admin_creates_a_client_and_shows_the_token_once(world, admin_client, api):
    response = admin_client.post(reverse("admin:units_apiclient_add"), {
        "name": "省一网通办平台", "committee": world.committee.pk, "access": "write", "is_active": "on",
        "throttle_rate": "", "contact": "张三",
        "tokens-TOTAL_FORMS": "0", "tokens-INITIAL_FORMS": "0", "tokens-MIN_NUM_FORMS": "0", "tokens-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 200, response.content[:500]
    html = response.content.decode()
    key = html.split('id="api-key" type="text" readonly value="')[1].split('"')[0]
    client = ApiClient.objects.get(name="省一网通办平台")
    assert client.created_by.username == "root" and client.user.first_name == "省一网通办平台"
    assert api(key).get("/api/v1/plans/").status_code == 200
    # The key appears nowhere afterwards: not on the client's page, not in the token list.
    assert key not in admin_client.get(reverse("admin:units_apiclient_change", args=[client.pk])).content.decode()
    assert key not in admin_client.get(reverse("admin:units_apitoken_changelist")).content.decode()


def test_admin_issues_and_revokes_tokens(world, tokens, admin_client, api):
    client = tokens.clients["read_own"]
    response = admin_client.post(reverse("admin:units_apiclient_changelist"),
                                 {"action": "issue_token", "_selected_action": [client.pk]})
    key = response.content.decode().split('readonly value="')[1].split('"')[0]
    assert api(key).get("/api/v1/plans/").status_code == 200
    admin_client.post(reverse("admin:units_apiclient_changelist"),
                      {"action": "revoke_tokens", "_selected_action": [client.pk]})
    assert api(key).get("/api/v1/plans/").status_code == 401
    assert api(tokens.read_own).get("/api/v1/plans/").status_code == 401
    assert api(tokens.write_own).get("/api/v1/plans/").status_code == 200


def test_admin_revokes_one_token_from_the_token_list(world, tokens, admin_client, api):
    token = ApiToken.objects.get(client=tokens.clients["write_own"])
    admin_client.post(reverse("admin:units_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]})
    assert api(tokens.write_own).get("/api/v1/plans/").status_code == 401


def test_write_log_is_read_only_in_admin(world, tokens, admin_client, api):
    api(tokens.read_own).post("/api/v1/units/", {}, format="json")
    log = ApiWriteLog.objects.get()
    assert admin_client.get(reverse("admin:units_apiwritelog_changelist")).status_code == 200
    assert admin_client.post(reverse("admin:units_apiwritelog_delete", args=[log.pk]), {"post": "yes"}).status_code == 403


# ---------------------------------------------------------------- the token cache stays truthful

def test_deactivating_a_used_client_takes_effect_at_once(world, tokens, api):
    client = api(tokens.read_own)
    assert client.get("/api/v1/plans/").status_code == 200  # now cached
    api_client = tokens.clients["read_own"]
    api_client.is_active = False
    api_client.save()
    assert client.get("/api/v1/plans/").status_code == 401


def test_changing_access_of_a_used_client_takes_effect_at_once(world, tokens, api):
    client = api(tokens.read_own)
    report = world.report_of(world.lead_unit)
    url = f"/api/v1/reports/{report.pk}/save-draft/"
    assert client.post(url, {"version": 1}, format="json").status_code == 403
    api_client = tokens.clients["read_own"]
    api_client.access = ApiClient.AccessLevel.READ_WRITE
    api_client.save()
    assert client.post(url, {"version": 1, "progress": "进展"}, format="json").status_code == 200


def test_a_new_lower_committee_is_in_scope_at_once(world, tokens, api):
    from tests import factories as f

    client = api(tokens.read_own)
    assert client.get("/api/v1/committees/").json()["count"] == 1
    city = f.CommitteeFactory(code="newcity", name="新设市残工委", level="city", parent=world.committee)
    f.WorkPlanFactory(committee=city, title="新设市计划")
    assert client.get("/api/v1/committees/").json()["count"] == 2
    assert "新设市计划" in {p["title"] for p in client.get("/api/v1/plans/").json()["results"]}


def test_a_new_unit_can_be_written_for_by_a_read_write_client_at_once(world, tokens, api):
    from tests import factories as f

    client = api(tokens.write_own)
    assert client.get("/api/v1/plans/").status_code == 200  # cached with the units known then
    unit = f.UnitFactory(committee=world.committee, short_name="省教育厅")
    f.AssignmentFactory(task=world.task, unit=unit)
    from reports.services import ensure_report_slots

    ensure_report_slots(world.round)
    report = world.round.reports.get(unit=unit)
    response = client.post(f"/api/v1/reports/{report.pk}/save-draft/", {"version": 1, "progress": "x"}, format="json")
    assert response.status_code == 200


def test_access_of_clients_matches_their_committee_subtree(world):
    from tests import factories as f
    from units.selectors import access_for, descendant_committee_ids

    city = f.CommitteeFactory(code="c1", name="市", level="city", parent=world.committee)
    f.CommitteeFactory(code="x1", name="县", level="county", parent=city)
    client = services.create_api_client(name="省平台", committee=world.committee)
    access = access_for(client)
    assert access.readable_committee_ids == {world.committee.pk} | descendant_committee_ids({world.committee.pk})
    assert not access.all_unit_ids and not access.is_office_of(world.committee.pk)
    writer = services.create_api_client(name="省平台2", committee=city, access=ApiClient.AccessLevel.READ_WRITE)
    access = access_for(writer)
    assert access.is_office_of(city.pk) and not access.is_office_of(world.committee.pk)
    assert world.committee.pk not in access.readable_committee_ids


def test_user_access_is_unchanged_by_api_clients(world):
    from units.selectors import access_for

    office = access_for(world.users["office"])
    assert office.is_office_of(world.committee.pk) and office.readable_committee_ids == {world.committee.pk}
    reporter = access_for(world.users["lead_reporter"])
    assert reporter.is_reporter_of(world.lead_unit.pk) and not reporter.is_office_of(world.committee.pk)
