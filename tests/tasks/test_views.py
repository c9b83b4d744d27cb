"""Plan and task pages: who may see them, what they show, and how many queries they cost."""
import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(reverse("plan-detail", args=[world.plan.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("user", ["lead_reporter", "part_approver", "office", "leader"])
def test_committee_people_see_the_plan(client, world, user):
    client.force_login(world.users[user])
    response = client.get(reverse("plan-detail", args=[world.plan.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "城镇新增就业5600人以上" in html and "省人社厅" in html and "省民政厅" in html


def test_other_committee_gets_404(client, world):
    client.force_login(world.users["other_office"])
    assert client.get(reverse("plan-detail", args=[world.plan.pk])).status_code == 404
    assert client.get(reverse("task-detail", args=[world.task.pk])).status_code == 404
    assert "2021年重点工作任务" not in client.get(reverse("plan-list")).content.decode()


def test_user_text_is_escaped(client, world):
    world.task.text = "<script>alert(1)</script>"
    world.task.save()
    client.force_login(world.users["office"])
    html = client.get(reverse("plan-detail", args=[world.plan.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_plan_page_query_count_does_not_grow_with_tasks(client, world, django_assert_max_num_queries):
    for i in range(30):
        task = f.TaskFactory(plan=world.plan, section=world.task.section, ref=f"x{i}")
        f.AssignmentFactory(task=task, unit=world.lead_unit)
        f.TargetFactory(task=task)
    client.force_login(world.users["office"])
    with django_assert_max_num_queries(12):
        assert client.get(reverse("plan-detail", args=[world.plan.pk])).status_code == 200


def test_task_page_shows_accepted_reports(client, world, django_assert_max_num_queries):
    from reports import services

    u = world.users
    report = world.report_of(world.lead_unit)
    report = services.save_draft(report=report, user=u["lead_reporter"], version=1, progress="完成3000人",
                                 figures={world.target.pk: "3000"})
    services.submit(report=report, user=u["lead_reporter"])
    client.force_login(u["leader"])
    with django_assert_max_num_queries(14):
        html = client.get(reverse("task-detail", args=[world.task.pk])).content.decode()
    assert "完成3000人" in html and "3000" in html


def test_plan_list_lists_visible_plans(client, world):
    client.force_login(world.users["lead_reporter"])
    html = client.get(reverse("plan-list")).content.decode()
    assert "2021年重点工作任务" in html


def test_english_is_switchable(client, world):
    client.force_login(world.users["office"])
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("plan-detail", args=[world.plan.pk])).content.decode()
    assert 'lang="en"' in html and "Lead units" in html


def test_chinese_stays_the_default_whatever_the_browser_asks(client, world):
    client.force_login(world.users["office"])
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in html and "工作计划" in html
