"""督办事项, 领导批示 and 调度通报 through /api/v1/: who reads what (session users of every role, read-only
and read-write tokens, another committee's token, anonymous), read-only endpoints, the common error
body, the web list's FilterSet, a constant number of queries per page."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import services as report_services
from rollups import services as rollup_services
from rollups.models import Bulletin, Instruction, InstructionAnswer, SupervisionItem, SupervisionStep
from rollups.supervision import services
from tasks.models import Assignment, Task

pytestmark = pytest.mark.django_db
PRINCIPALS = ["office", "leader", "lead_reporter", "lead_approver", "part_reporter", "other_office",
              "read_own", "write_own", "write_other", "anon"]


@pytest.fixture
def filled(world):
    """Two items (lead and participating unit), a 批示 on the participating unit answered, a published
    and a draft 通报."""
    services.run_escalation(today=datetime.date(2021, 7, 20))
    instruction = services.write_instruction(plan=world.plan, user=world.users["leader"], text="请加快进度。",
                                             task=None, unit=world.part_unit)
    services.answer_instruction(instruction=instruction, report=world.report_of(world.part_unit),
                                user=world.users["part_reporter"], text="已部署。")
    published = rollup_services.draft_bulletin(round=world.round, user=world.users["office"])
    rollup_services.publish_bulletin(bulletin=published, user=world.users["office"])
    rnd = report_services.create_round(plan=world.plan, period_kind="quarter", period_label="2021年第三季度",
                                       period_start="2021-07-01", period_end="2021-09-30", opens_on="2021-09-20",
                                       due_on="2021-10-10")
    draft = rollup_services.draft_bulletin(round=rnd, user=world.users["office"])
    return {"instruction": instruction, "published": published, "draft": draft}


def who(world, tokens, principal):
    if principal == "anon":
        return None
    return world.users[principal] if principal in world.users else getattr(tokens, principal)


ITEMS = {"office": 2, "leader": 2, "lead_reporter": 1, "lead_approver": 1, "part_reporter": 1, "other_office": 0,
         "read_own": 2, "write_own": 2, "write_other": 0}
INSTRUCTIONS = {"office": 1, "leader": 1, "lead_reporter": 0, "lead_approver": 0, "part_reporter": 1,
                "other_office": 0, "read_own": 1, "write_own": 1, "write_other": 0}
BULLETINS = {"office": 2, "leader": 1, "lead_reporter": 1, "lead_approver": 1, "part_reporter": 1, "other_office": 0,
             "read_own": 1, "write_own": 2, "write_other": 0}


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("url, expected", [("/api/v1/supervision-items/", ITEMS),
                                           ("/api/v1/instructions/", INSTRUCTIONS),
                                           ("/api/v1/bulletins/", BULLETINS)])
def test_list_matrix(world, tokens, api, filled, principal, url, expected):
    response = api(who(world, tokens, principal)).get(url)
    if principal == "anon":
        assert response.status_code == 401 and set(response.json()) == {"code", "detail", "errors"}
        return
    assert response.status_code == 200
    assert response.json()["count"] == expected[principal]


@pytest.mark.parametrize("principal, expected", [
    ("office", 200), ("leader", 200), ("lead_reporter", 200), ("part_reporter", 404), ("other_office", 404),
    ("read_own", 200), ("write_other", 404), ("anon", 401),
])
def test_item_detail_has_its_steps(world, tokens, api, filled, principal, expected):
    item = SupervisionItem.objects.get(unit=world.lead_unit)
    response = api(who(world, tokens, principal)).get(f"/api/v1/supervision-items/{item.pk}/")
    assert response.status_code == expected
    if expected == 200:
        body = response.json()
        assert body["level"] == 2 and body["level_label"] == "督办单（黄）" and body["reason"] == "overdue"
        assert [s["name"] for s in body["steps"]] == ["督办单（黄）"]
    else:
        assert set(response.json()) == {"code", "detail", "errors"}


@pytest.mark.parametrize("principal, expected", [("lead_reporter", 200), ("part_reporter", 200), ("read_own", 200),
                                                 ("other_office", 404)])
def test_draft_bulletins_only_for_the_office(world, tokens, api, filled, principal, expected):
    client = api(who(world, tokens, principal))
    assert client.get(f"/api/v1/bulletins/{filled['draft'].pk}/").status_code == (
        200 if principal == "office" else 404)
    response = client.get(f"/api/v1/bulletins/{filled['published'].pk}/")
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["status"] == "published"


def test_instruction_answers_are_served(world, api, filled):
    body = api(world.users["leader"]).get(f"/api/v1/instructions/{filled['instruction'].pk}/").json()
    answer = body["answers"][0]
    report = world.report_of(world.part_unit)
    assert (answer["unit"], answer["report"], answer["report_version"], answer["text"]) == (
        world.part_unit.pk, report.pk, report.version, "已部署。")


@pytest.mark.parametrize("principal, expected", [("leader", 405), ("office", 405), ("write_own", 405),
                                                 ("read_own", 403), ("anon", 401)])
@pytest.mark.parametrize("url", ["/api/v1/instructions/", "/api/v1/supervision-items/", "/api/v1/bulletins/"])
def test_the_endpoints_are_read_only(world, tokens, api, filled, principal, expected, url):
    before = (Instruction.objects.count(), SupervisionItem.objects.count(), Bulletin.objects.count())
    response = api(who(world, tokens, principal)).post(url, {"text": "请加快。", "plan": world.plan.pk}, format="json")
    assert response.status_code == expected
    assert set(response.json()) == {"code", "detail", "errors"}
    assert (Instruction.objects.count(), SupervisionItem.objects.count(), Bulletin.objects.count()) == before


@pytest.mark.parametrize("query, count", [
    ({"status": "open"}, 2), ({"status": "closed"}, 0), ({"level": "2"}, 2), ({"level": "3"}, 0),
    ({"reason": "lagging"}, 0), ({"unit": "{part}"}, 1), ({"year": "2021"}, 2),
])
def test_items_filter_like_the_web_list(world, api, filled, query, count):
    query = {k: (world.part_unit.pk if v == "{part}" else v) for k, v in query.items()}
    response = api(world.users["office"]).get("/api/v1/supervision-items/", query)
    assert response.status_code == 200 and response.json()["count"] == count


@pytest.mark.parametrize("query", [{"level": "9"}, {"year": "abc"}, {"status": "gone"}, {"task": "-1"}])
def test_bad_filters_are_a_400_with_the_common_body(world, api, filled, query):
    response = api(world.users["office"]).get("/api/v1/supervision-items/", query)
    assert response.status_code == 400 and set(response.json()) == {"code", "detail", "errors"}


N = 110


@pytest.fixture
def many(world):
    tasks = Task.objects.bulk_create(Task(plan=world.plan, section=world.task.section, ref=f"t{i}",
                                          text=f"第{i}项任务。", order=10 + i) for i in range(N))
    Assignment.objects.bulk_create(Assignment(task=t, unit=world.lead_unit, role=Assignment.Role.LEAD) for t in tasks)
    report_services.ensure_report_slots(world.round)
    services.run_escalation(today=datetime.date(2021, 7, 12))
    services.run_escalation(today=datetime.date(2021, 7, 20))
    for t in tasks:
        Instruction.objects.create(committee=world.committee, plan=world.plan, task=t, text="请加快。",
                                   author=world.users["leader"])
    for i in Instruction.objects.all()[:N]:
        report = world.round.reports.get(task_id=i.task_id, unit=world.lead_unit)
        InstructionAnswer.objects.create(instruction=i, unit=world.lead_unit, report=report, report_version=1,
                                         text="已部署。", answered_by=world.users["lead_reporter"])
    assert SupervisionStep.objects.count() > 2 * N


@pytest.mark.parametrize("url", ["/api/v1/supervision-items/", "/api/v1/instructions/"])
@pytest.mark.parametrize("principal", ["office", "read_own"])
def test_queries_do_not_grow_with_the_page(world, tokens, api, many, url, principal, django_assert_max_num_queries):
    client = api(who(world, tokens, principal))
    client.get(url, {"page_size": 1})
    counts = []
    for size in (10, 100):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"page_size": size})
        assert response.status_code == 200 and len(response.json()["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(12):
        assert client.get(url, {"page_size": 100}).status_code == 200
