"""督办 pages: the permission matrix of every page (office / leader / reporter / approver / other
committee / anonymous), bad input that writes nothing, the 批示 panel on the report page, query counts."""
import datetime

import pytest
from django.urls import reverse

from reports import services as report_services
from reports.models import ProgressReport
from rollups.models import EscalationStep, Instruction, InstructionAnswer, SupervisionItem
from rollups.supervision import services
from tests import factories as f

pytestmark = pytest.mark.django_db
USERS = ["office", "leader", "lead_reporter", "lead_approver", "other_office", None]


@pytest.fixture
def item(world):
    services.run_escalation(today=datetime.date(2021, 7, 20))
    return SupervisionItem.objects.get(unit=world.lead_unit)


def login(client, world, who):
    if who:
        client.force_login(world.users[who])
    return client


def status_of(response):
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return "login"
    return response.status_code


@pytest.mark.parametrize("who, expected", [
    ("office", 200), ("leader", 200), ("lead_reporter", 200), ("lead_approver", 200), ("other_office", 200),
    (None, "login"),
])
def test_list_page_shows_what_each_may_read(client, world, item, who, expected):
    response = login(client, world, who).get(reverse("supervision-items"))
    assert status_of(response) == expected
    if expected == 200:
        text = response.content.decode()
        sees_lead = who in ("office", "leader", "lead_reporter", "lead_approver")
        assert (reverse("supervision-item", args=[item.pk]) in text) is sees_lead
        sees_part = who in ("office", "leader")
        part = SupervisionItem.objects.get(unit=world.part_unit)
        assert (reverse("supervision-item", args=[part.pk]) in text) is sees_part


@pytest.mark.parametrize("who, get, post", [
    ("office", 200, 302), ("leader", 200, 403), ("lead_reporter", 200, 403), ("lead_approver", 200, 403),
    ("part_reporter", 404, 404), ("other_office", 404, 404), (None, "login", "login"),
])
def test_item_page_and_closing(client, world, item, who, get, post):
    login(client, world, who)
    url = reverse("supervision-item", args=[item.pk])
    assert status_of(client.get(url)) == get
    assert status_of(client.post(url, {"note": "已整改到位。"})) == post
    item.refresh_from_db()
    assert (item.status == SupervisionItem.Status.CLOSED) is (post == 302)


@pytest.mark.parametrize("note, message", [("", "办结时请写明办结说明（如整改情况）。"), ("长" * 1001, "不能超过1000字。")])
def test_closing_without_a_good_note_writes_nothing(client, world, item, note, message):
    client.force_login(world.users["office"])
    response = client.post(reverse("supervision-item", args=[item.pk]), {"note": note})
    assert response.status_code == 400 and message in response.content.decode()
    item.refresh_from_db()
    assert item.status == SupervisionItem.Status.OPEN


def steps_post(**changes):
    data = {}
    for level, (name, overdue, lagging) in {1: ("提示单", 1, 0), 2: ("督办单（黄）", 5, 10), 3: ("督办单（红）", 10, 20)}.items():
        data.update({f"{level}-name": name, f"{level}-enabled": "on", f"{level}-overdue_days": overdue,
                     f"{level}-lagging_days": lagging, f"{level}-notify": ["reporters", "office"]})
    data.update(changes)
    return data


@pytest.mark.parametrize("who, get, post", [
    ("office", 200, 302), ("leader", 403, 403), ("lead_reporter", 403, 403), ("lead_approver", 403, 403),
    ("other_office", 404, 404), (None, "login", "login"),
])
def test_steps_page_matrix(client, world, who, get, post):
    login(client, world, who)
    url = reverse("supervision-steps", args=[world.committee.pk])
    assert status_of(client.get(url)) == get
    assert status_of(client.post(url, steps_post())) == post
    assert EscalationStep.objects.filter(committee=world.committee).count() == (3 if post == 302 else 0)


@pytest.mark.parametrize("changes, message", [
    ({"2-overdue_days": "abc"}, "天数须是0到365的整数。"),
    ({"2-overdue_days": "1"}, "报告逾期天数须多于上一级（1天），逐级升级。"),
    ({"1-name": ""}, "请填写该级督办的名称，如“提示单”。"),
    ({"3-notify": []}, "第3级至少要通知一类人员。"),
    ({"1-overdue_days": "400"}, "天数须是0到365的整数。"),
])
def test_bad_steps_write_nothing(client, world, changes, message):
    client.force_login(world.users["office"])
    response = client.post(reverse("supervision-steps", args=[world.committee.pk]), steps_post(**changes))
    assert response.status_code == 400 and message in response.content.decode()
    assert not EscalationStep.objects.exists()


def instruction_post(world, **changes):
    return {"plan": world.plan.pk, "task": world.task.pk, "unit": "", "text": "请加快进度。", **changes}


@pytest.mark.parametrize("who, get, post, sees_form", [
    ("office", 200, 302, True), ("leader", 200, 302, True), ("lead_reporter", 200, 403, False),
    ("lead_approver", 200, 403, False), ("other_office", 200, 400, True), (None, "login", "login", False),
])
def test_instructions_page_matrix(client, world, who, get, post, sees_form):
    """other_office may instruct in its own committee; this plan is not one of its choices (400)."""
    login(client, world, who)
    response = client.get(reverse("supervision-instructions"))
    assert status_of(response) == get
    if get == 200:
        assert ('name="text"' in response.content.decode()) is sees_form
    assert status_of(client.post(reverse("supervision-instructions"), instruction_post(world))) == post
    assert Instruction.objects.count() == (1 if post == 302 else 0)


@pytest.mark.parametrize("changes, message", [
    ({"text": ""}, "请填写批示内容。"),
    ({"task": ""}, "请选择批示针对的任务或单位（至少一项）。"),
    ({"task": "999999"}, "请从列表中选择任务。"),
    ({"text": "长" * 2001}, "不能超过2000字。"),
])
def test_bad_instructions_write_nothing(client, world, changes, message):
    client.force_login(world.users["leader"])
    response = client.post(reverse("supervision-instructions"), instruction_post(world, **changes))
    assert response.status_code == 400 and message in response.content.decode()
    assert not Instruction.objects.exists()


def test_the_unit_answers_on_its_report_page_and_the_leader_reads_it(client, world):
    instruction = services.write_instruction(plan=world.plan, user=world.users["leader"], text="请加快进度。",
                                             task=world.task)
    report = world.report_of(world.lead_unit)
    client.force_login(world.users["lead_reporter"])
    page = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert "领导批示" in page and "请加快进度。" in page and "待答复" in page
    answer_url = reverse("supervision-answer", args=[instruction.pk])
    response = client.post(answer_url, {"report": report.pk, "text": ""})
    assert response.status_code == 302 and not InstructionAnswer.objects.exists()
    client.post(answer_url, {"report": report.pk, "text": "已部署专项行动。"})
    answer = InstructionAnswer.objects.get()
    assert answer.report == report and answer.report_version == report.version
    client.force_login(world.users["leader"])
    page = client.get(reverse("supervision-instructions")).content.decode()
    assert "已部署专项行动。" in page and "报告第1版" in page


@pytest.mark.parametrize("who, status, written", [
    ("lead_reporter", 302, True), ("lead_approver", 403, False), ("part_reporter", 404, False),
    ("other_office", 404, False), ("office", 403, False), (None, "login", False),
])
def test_answer_matrix(client, world, who, status, written):
    instruction = services.write_instruction(plan=world.plan, user=world.users["leader"], text="请加快进度。",
                                             task=world.task)
    login(client, world, who)
    report = world.report_of(world.lead_unit)
    response = client.post(reverse("supervision-answer", args=[instruction.pk]), {"report": report.pk, "text": "答复。"})
    assert status_of(response) == status
    assert InstructionAnswer.objects.exists() is written


def test_submitting_without_the_answer_is_refused_on_the_page(client, world):
    services.write_instruction(plan=world.plan, user=world.users["leader"], text="请加快进度。", task=world.task)
    report = world.report_of(world.lead_unit)
    client.force_login(world.users["lead_reporter"])
    response = client.post(reverse("report-detail", args=[report.pk]), {
        "version": report.version, "progress": "推进中。", "problems": "", "next_steps": "",
        f"figure_{world.target.pk}": "3000", "then": "submit"}, follow=True)
    assert "请先答复领导批示" in response.content.decode()
    assert ProgressReport.objects.get(pk=report.pk).status == ProgressReport.Status.DRAFT


@pytest.mark.parametrize("who, get, post", [
    ("office", 200, 302), ("leader", 403, 403), ("lead_reporter", 403, 403), ("lead_approver", 403, 403),
    ("other_office", 404, 404), (None, "login", "login"),
])
def test_pace_page_matrix(client, world, who, get, post):
    login(client, world, who)
    url = reverse("supervision-pace", args=[world.plan.pk])
    assert status_of(client.get(url)) == get
    response = client.post(url, {"tolerance": "5", f"weights_{world.target.pk}": "1,1,1,3"})
    assert status_of(response) == post
    world.target.refresh_from_db()
    assert (world.target.pace_weights == [1, 1, 1, 3]) is (post == 302)


@pytest.mark.parametrize("data, message", [
    ({"tolerance": "abc"}, "容差须是0到50之间的数字"),
    ({"tolerance": "60"}, "容差须是0到50之间的数字"),
    ({"tolerance": "5", "weights": "1,1"}, "应填写4个权重（本计划共4个填报期），收到2个。"),
    ({"tolerance": "5", "weights": "1,1,-1,1"}, "权重不能为负数。"),
    ({"tolerance": "5", "weights": "0,0,0,0"}, "权重之和须大于0。"),
])
def test_bad_pace_input_writes_nothing(client, world, data, message):
    client.force_login(world.users["office"])
    post = {"tolerance": data["tolerance"], f"weights_{world.target.pk}": data.get("weights", "")}
    response = client.post(reverse("supervision-pace", args=[world.plan.pk]), post)
    assert response.status_code == 400 and message in response.content.decode()
    world.plan.refresh_from_db()
    world.target.refresh_from_db()
    assert world.plan.pace_tolerance == 0 and world.target.pace_weights == []


def test_list_page_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    for n in range(8):
        task = f.TaskFactory(plan=world.plan, ref=str(10 + n))
        f.AssignmentFactory(task=task, unit=world.lead_unit)
    report_services.ensure_report_slots(world.round)
    services.run_escalation(today=datetime.date(2021, 7, 30))
    assert SupervisionItem.objects.count() == 10
    client.force_login(world.users["office"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("supervision-items"), {"status": "open"})
    assert response.status_code == 200
    for report in world.round.reports.filter(unit=world.lead_unit).select_related("task"):
        instruction = Instruction.objects.create(committee=world.committee, plan=world.plan, task=report.task,
                                                 text="请加快。", author=world.users["leader"])
        InstructionAnswer.objects.create(instruction=instruction, unit=world.lead_unit, report=report,
                                         report_version=1, text="已部署。", answered_by=world.users["lead_reporter"])
    with django_assert_max_num_queries(16):  # 15 measured: the form's choices, one page, answers prefetched
        response = client.get(reverse("supervision-instructions"))
    assert response.status_code == 200 and response.content.decode().count("已部署。") == 9
