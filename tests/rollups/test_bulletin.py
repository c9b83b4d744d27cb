"""季度调度通报: drafted from the roll-up, edited and published by the office, read by units and leaders."""
import io

import pytest
from django.urls import reverse

from reports.models import Notification
from rollups import engine as rollup
from rollups import services
from rollups.models import Bulletin

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(world, reports):
    """Q3 2021: the lead unit reported 2000 of 5600 on time with an explanation; the other unit is missing."""
    report = reports.report(3, world.lead_unit, {world.target: 2000})
    report.problems = "企业用工需求下降。"
    report.save()
    rnd = reports.round(3)
    reports.report(3, world.part_unit, status="draft")
    rollup.recompute_plan(world.plan.pk, 2021)
    return rnd


def page(rnd):
    return reverse("round-bulletin", args=[rnd.pk])


def test_draft_names_lagging_tasks_late_units_and_explanations(world, closed):
    bulletin = services.draft_bulletin(round=closed, user=world.users["office"])
    assert bulletin.title.startswith("关于2021年第3季度") and bulletin.title.endswith("推进情况的通报")
    body = bulletin.body
    assert "一、总体进展" in body and "二、进度滞后的任务" in body
    assert "低于序时进度 74.8%" in body and "企业用工需求下降。" in body
    assert f"截至通报时仍未报送的单位：{world.part_unit.short_name}" in body
    assert "四、表扬" in body


def test_office_edits_and_publishes_units_are_notified(client, world, closed):
    office = world.users["office"]
    client.force_login(office)
    assert client.post(page(closed), {"action": "draft"}).status_code == 302
    response = client.post(page(closed), {"action": "save", "title": "关于三季度推进情况的通报", "body": "各成员单位：\n一、总体进展\n正文。"})
    assert response.status_code == 302
    assert client.post(page(closed), {"action": "publish"}).status_code == 302
    bulletin = Bulletin.objects.get(round=closed)
    assert bulletin.is_published and bulletin.title == "关于三季度推进情况的通报"
    notified = set(Notification.objects.filter(kind=Notification.Kind.BULLETIN).values_list("user__username", flat=True))
    assert notified == {"lead_reporter", "lead_approver", "part_reporter", "part_approver"}
    # published: no more edits, no second notification
    response = client.post(page(closed), {"action": "publish"})
    assert response.status_code == 400 and "该通报已发布" in response.content.decode()
    assert Notification.objects.filter(kind=Notification.Kind.BULLETIN).count() == 4


@pytest.mark.parametrize("title, body, message", [
    ("", "正文", "请填写通报标题。"),
    ("标题", "   ", "请填写通报正文。"),
    ("长" * 201, "正文", "通报标题不能超过200字。"),
])
def test_bad_edits_write_nothing(client, world, closed, title, body, message):
    bulletin = services.draft_bulletin(round=closed, user=world.users["office"])
    client.force_login(world.users["office"])
    response = client.post(page(closed), {"action": "save", "title": title, "body": body})
    assert response.status_code == 400 and message in response.content.decode()
    fresh = Bulletin.objects.get(pk=bulletin.pk)
    assert (fresh.title, fresh.body) == (bulletin.title, bulletin.body)


@pytest.mark.parametrize("user, draft_visible, published_visible, may_act", [
    ("office", 200, 200, True),
    ("leader", "hidden", 200, False),
    ("lead_reporter", "hidden", 200, False),
    ("part_approver", "hidden", 200, False),
    ("other_office", 404, 404, False),
])
def test_permission_matrix(client, world, closed, user, draft_visible, published_visible, may_act):
    bulletin = services.draft_bulletin(round=closed, user=world.users["office"])
    client.force_login(world.users[user])
    response = client.get(page(closed))
    docx = client.get(reverse("round-bulletin-docx", args=[closed.pk]))
    if draft_visible == "hidden":
        assert response.status_code == 200 and bulletin.title not in response.content.decode()
        assert docx.status_code == 404
    else:
        assert response.status_code == draft_visible
    posted = client.post(page(closed), {"action": "publish"})
    assert posted.status_code == (302 if may_act else (404 if draft_visible == 404 else 403))
    if not may_act:
        assert not Bulletin.objects.get(pk=bulletin.pk).is_published
        services.publish_bulletin(bulletin=bulletin, user=world.users["office"])
    response = client.get(page(closed))
    assert response.status_code == published_visible
    if published_visible == 200:
        assert bulletin.title in response.content.decode()
        assert client.get(reverse("round-bulletin-docx", args=[closed.pk])).status_code == 200


def test_word_is_an_a4_gongwen(client, world, closed):
    from docx import Document
    services.draft_bulletin(round=closed, user=world.users["office"])
    client.force_login(world.users["office"])
    response = client.get(reverse("round-bulletin-docx", args=[closed.pk]))
    doc = Document(io.BytesIO(response.content))
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    texts = [p.text for p in doc.paragraphs]
    assert texts[0].startswith("关于") and "一、总体进展" in texts
