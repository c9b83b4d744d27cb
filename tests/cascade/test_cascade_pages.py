"""The cascade pages: allocating a target, the plans handed down, deriving. Permission matrix (each role ×
each action, allowed and refused, nothing written when refused) and bad input."""
import pytest
from django.test import Client
from django.urls import reverse

from targets.models import Allocation
from tasks.models import WorkPlan

ROLES = ["anonymous", "p_office", "p_leader", "p_reporter", "a_office", "a_reporter", "b_office", "k_office"]


def client_as(client, cascade, role):
    if role != "anonymous":
        client.force_login(cascade.users[role])
    return client


def allocate_post(c):
    return {f"committee-{c.city_a.pk}": "3000", f"committee-{c.city_b.pk}": "2600", "note": ""}


@pytest.mark.parametrize("role", ROLES)
def test_allocate_page_matrix(client, cascade, role):
    c = cascade
    client = client_as(client, c, role)
    url = reverse("target-allocate", args=[c.target.pk])
    get = client.get(url)
    post = client.post(url, allocate_post(c))
    if role == "p_office":
        assert get.status_code == 200 and "长春市残工委" in get.content.decode()
        assert post.status_code == 302
        assert Allocation.objects.count() == 2
    else:
        expected = {302} if role == "anonymous" else {403, 404}
        assert get.status_code in expected and post.status_code in expected
        assert not Allocation.objects.exists()


def test_allocate_page_bad_shares(client, cascade):
    c = cascade
    client.force_login(c.users["p_office"])
    url = reverse("target-allocate", args=[c.target.pk])
    data = {f"committee-{c.city_a.pk}": "3000", f"committee-{c.city_b.pk}": "2000"}
    response = client.post(url, data)
    assert response.status_code == 400 and "合计为5000人" in response.content.decode()
    response = client.post(url, {f"committee-{c.city_a.pk}": "三千"})
    assert response.status_code == 400 and "不是数字" in response.content.decode()
    assert not Allocation.objects.exists()
    data["note"] = "省级统筹600人"
    assert client.post(url, data).status_code == 302
    assert Allocation.objects.count() == 2


@pytest.mark.parametrize("role", ROLES)
def test_handed_down_and_derive_matrix(client, cascade, role):
    c = cascade
    client = client_as(client, c, role)
    listing = client.get(reverse("handed-down"))
    url = reverse("plan-derive", args=[c.plan.pk, c.city_a.pk])
    page = client.get(url)
    post = client.post(url, {"tasks": [c.task.pk], "title": "长春市2021年重点工作任务"})
    if role == "a_office":
        assert listing.status_code == 200 and c.plan.title in listing.content.decode()
        assert page.status_code == 200 and "长春市民政局" in page.content.decode()
        assert post.status_code == 302
        derived = WorkPlan.objects.get(parent=c.plan)
        assert post["Location"] == reverse("plan-edit", args=[derived.pk])
        again = client.get(reverse("handed-down"))
        assert "已承接" in again.content.decode()
    else:
        if role == "anonymous":
            assert {listing.status_code, page.status_code, post.status_code} == {302}
        else:
            assert page.status_code == 404 and post.status_code == 404
            assert listing.status_code == (200 if role in ("b_office", "k_office") else 403)
        assert not WorkPlan.objects.filter(parent=c.plan).exists()


def test_derive_page_refuses_no_tasks_and_draft_parent(client, cascade):
    c = cascade
    client.force_login(c.users["a_office"])
    url = reverse("plan-derive", args=[c.plan.pk, c.city_a.pk])
    response = client.post(url, {"title": "x"})
    assert response.status_code == 400 and "至少选择一项" in response.content.decode()
    c.plan.status = WorkPlan.Status.DRAFT
    c.plan.save()
    assert client.get(url).status_code == 404
    assert not WorkPlan.objects.filter(parent=c.plan).exists()


def test_county_sees_the_city_plan_only_once_published(client, cascade):
    c = cascade
    client.force_login(c.users["a_office"])
    client.post(reverse("plan-derive", args=[c.plan.pk, c.city_a.pk]), {"tasks": [c.task.pk]})
    city_plan = WorkPlan.objects.get(parent=c.plan)
    client = Client()
    client.force_login(c.users["k_office"])
    assert city_plan.title not in client.get(reverse("handed-down")).content.decode()
    city_plan.status = WorkPlan.Status.PUBLISHED
    city_plan.save()
    assert city_plan.title in client.get(reverse("handed-down")).content.decode()
    assert client.get(reverse("plan-derive", args=[city_plan.pk, c.county.pk])).status_code == 200
