"""The permission matrix: every endpoint and method × anonymous, each role, API tokens → expected status.

Principals: ``anon``; the ``world`` users (reporters/approvers of the lead and participating
units, the office, a leader); ``read_own`` (read-only token of the committee); ``write_own``
(read-write token of the committee); ``write_other`` (read-write token of another committee).
"""
import pytest

from reports import services as report_services

pytestmark = pytest.mark.django_db

USERS = ["lead_reporter", "lead_approver", "part_reporter", "part_approver", "office", "leader"]
TOKENS = ["read_own", "write_own", "write_other"]
PRINCIPALS = ["anon", *USERS, *TOKENS]
COMMITTEE_PEOPLE = {*USERS, "read_own", "write_own"}


def expect(default, **overrides):
    """Expected status per principal: anonymous always 401; ``default`` unless overridden."""
    table = {p: default for p in PRINCIPALS}
    table["anon"] = 401
    table.update(overrides)
    return table


# What every list answers: 200 for anyone signed in (the list is scoped, never refused).
LISTS = ["committees", "units", "plans", "sections", "tasks", "targets", "rounds", "reports", "reports/my-open"]

# A detail of the world committee: its people and tokens read it; the other committee's token gets 404.
VISIBLE_TO_COMMITTEE = expect(200, write_other=404)
# The lead unit's draft report: its own unit, the office, the leader and the committee's tokens.
LEAD_REPORT = expect(200, part_reporter=404, part_approver=404, write_other=404)

# Writes. Read-only token: 403 (refused before anything is read). Another committee's token:
# 404 for an object it cannot see, 400 for an id it cannot choose.
OFFICE_CREATE = expect(403, office=201, write_own=201, write_other=400)


def office_only(ok):
    return expect(403, office=ok, write_own=ok, write_other=404)


def report_action(ok_for, ok=200):
    """A workflow action on the lead unit's report: who may, who is refused (403), who cannot see it (404)."""
    table = expect(403, part_reporter=404, part_approver=404, write_other=404)
    for p in ok_for:
        table[p] = ok
    return table


def _states(world):
    """Functions that move the lead unit's report into the state an action needs."""
    u = world.users

    def drafted(report):
        return report_services.save_draft(report=report, user=u["lead_reporter"], version=report.version,
                                          progress="已完成3000人", figures={world.target.pk: "3000"})

    def submitted(report):
        return report_services.submit(report=drafted(report), user=u["lead_reporter"])

    def approved(report):
        return report_services.approve(report=submitted(report), user=u["lead_approver"])

    def accepted(report):
        return report_services.accept(report=approved(report), user=u["office"])

    return {"draft": lambda r: r, "drafted": drafted, "submitted": submitted, "approved": approved, "accepted": accepted}


def cases():
    """(id, method, url template, body, state, expected table)."""
    yield from ((f"GET {name}", "get", f"/api/v1/{name}/", None, None, expect(200)) for name in LISTS)
    details = {
        "committee": "/api/v1/committees/{committee}/",
        "unit": "/api/v1/units/{lead_unit}/",
        "plan": "/api/v1/plans/{plan}/",
        "section": "/api/v1/sections/{section}/",
        "task": "/api/v1/tasks/{task}/",
        "target": "/api/v1/targets/{target}/",
        "round": "/api/v1/rounds/{round}/",
        "plan xlsx": "/api/v1/plans/{plan}/export/xlsx/",
        "plan csv": "/api/v1/plans/{plan}/export/csv/",
    }
    for name, url in details.items():
        yield f"GET {name}", "get", url, None, None, VISIBLE_TO_COMMITTEE
    yield "GET report", "get", "/api/v1/reports/{lead_report}/", None, None, LEAD_REPORT

    yield "POST units", "post", "/api/v1/units/", {"committee": "{committee}", "code": "jy", "short_name": "省教育厅"}, \
        None, OFFICE_CREATE
    yield "POST unit alias", "post", "/api/v1/units/{lead_unit}/aliases/", {"name": "省人力资源社会保障厅"}, None, \
        office_only(201)
    yield "POST plans", "post", "/api/v1/plans/", {
        "committee": "{committee}", "title": "2022年重点工作任务", "period_start": 2022,
        "tasks": [{"text": "做好就业服务。", "lead_units": ["省人社厅"]}],
    }, None, OFFICE_CREATE
    yield "POST rounds", "post", "/api/v1/rounds/", {
        "plan": "{plan}", "period_kind": "quarter", "period_label": "2021年第三季度", "period_start": "2021-07-01",
        "period_end": "2021-09-30", "opens_on": "2021-09-20", "due_on": "2021-10-10",
    }, None, OFFICE_CREATE
    yield "POST round close", "post", "/api/v1/rounds/{round}/close/", {}, None, office_only(200)

    yield "POST save-draft", "post", "/api/v1/reports/{lead_report}/save-draft/", {
        "version": 1, "progress": "完成3000人", "figures": [{"target": "{target}", "value": "3000"}],
    }, "draft", report_action(["lead_reporter", "write_own"])
    yield "POST submit", "post", "/api/v1/reports/{lead_report}/submit/", {}, "drafted", \
        report_action(["lead_reporter", "write_own"])
    yield "POST approve", "post", "/api/v1/reports/{lead_report}/approve/", {}, "submitted", \
        report_action(["lead_approver", "write_own"])
    yield "POST send-back", "post", "/api/v1/reports/{lead_report}/send-back/", {"comment": "请补充数据"}, "submitted", \
        report_action(["lead_approver", "write_own"])
    yield "POST accept", "post", "/api/v1/reports/{lead_report}/accept/", {}, "approved", \
        report_action(["office", "write_own"])
    yield "POST return", "post", "/api/v1/reports/{lead_report}/return/", {"comment": "数据有误"}, "approved", \
        report_action(["office", "write_own"])
    yield "POST reopen", "post", "/api/v1/reports/{lead_report}/reopen/", {"reason": "更正人数"}, "accepted", \
        report_action(["lead_reporter", "office", "write_own"])

    # Methods no endpoint offers: refused after authentication and the read-only check.
    for method, url in [("put", "/api/v1/plans/{plan}/"), ("patch", "/api/v1/tasks/{task}/"),
                        ("delete", "/api/v1/units/{lead_unit}/"), ("delete", "/api/v1/reports/{lead_report}/"),
                        ("post", "/api/v1/tasks/"), ("post", "/api/v1/committees/"), ("post", "/api/v1/targets/"),
                        ("put", "/api/v1/rounds/{round}/"), ("post", "/api/v1/reports/")]:
        yield f"{method.upper()} {url}", method, url, {}, None, expect(405, read_own=403)


CASES = list(cases())
MATRIX = [
    pytest.param(method, url, body, state, principal, table[principal], id=f"{name} as {principal}")
    for name, method, url, body, state, table in CASES
    for principal in PRINCIPALS
]


def _fill(value, ids):
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}") and value[1:-1] in ids:
            return ids[value[1:-1]]
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


@pytest.mark.parametrize(("method", "url", "body", "state", "principal", "expected"), MATRIX)
def test_permission_matrix(world, tokens, api, method, url, body, state, principal, expected):
    report = world.report_of(world.lead_unit)
    if state:
        report = _states(world)[state](report)
    ids = {
        "committee": world.committee.pk, "lead_unit": world.lead_unit.pk, "plan": world.plan.pk,
        "section": world.task.section_id, "task": world.task.pk, "target": world.target.pk,
        "round": world.round.pk, "lead_report": report.pk,
    }
    if principal == "anon":
        who = None
    elif principal in world.users:
        who = world.users[principal]
    else:
        who = getattr(tokens, principal)
    client = api(who)
    call = getattr(client, method)
    response = call(_fill(url, ids), _fill(body, ids), format="json") if body is not None else call(_fill(url, ids))
    assert response.status_code == expected, response.content[:400]
    if response["Content-Type"].startswith("application/json") and response.status_code >= 400:
        body = response.json()
        assert set(body) == {"code", "detail", "errors"} and body["detail"]
