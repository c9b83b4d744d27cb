"""History: every saved version of a report and of each figure is kept and shown (who, when, what changed)."""
import pytest
from django.urls import reverse

from reports import services
from reports.selectors import report_history

pytestmark = pytest.mark.django_db


def test_history_shows_every_change_with_who_and_when(world, client):
    u = world.users
    report = world.report_of(world.lead_unit)
    report = services.save_draft(report=report, user=u["lead_reporter"], version=1, progress="第一稿",
                                 figures={world.target.pk: "1000"})
    report = services.save_draft(report=report, user=u["lead_reporter"], version=2, progress="第二稿",
                                 problems="资金不足", figures={world.target.pk: "1500"})
    report = services.submit(report=report, user=u["lead_reporter"])
    report = services.approve(report=report, user=u["lead_approver"])
    report = services.return_report(report=report, user=u["office"], comment="请附证明")
    report = services.save_draft(report=report, user=u["lead_reporter"], version=report.version, progress="第三稿",
                                 problems="资金不足", figures={world.target.pk: "1500"})

    versions = report_history(report)
    assert [v["record"].version for v in versions] == [2, 3, 4, 5, 6, 7]
    assert [v["who"].username for v in versions] == [
        "lead_reporter", "lead_reporter", "lead_reporter", "lead_approver", "office", "lead_reporter"]
    first, second = versions[0], versions[1]
    assert ("进展情况", None, "第一稿") in first["changes"]
    assert [(f["old"], f["new"]) for f in first["figures"]] == [(None, 1000)]
    assert ("进展情况", "第一稿", "第二稿") in second["changes"] and ("存在问题", "", "资金不足") in second["changes"]
    assert [(f["old"], f["new"]) for f in second["figures"]] == [(1000, 1500)]
    assert ("状态", "待办公室审阅", "已退回") in versions[4]["changes"]
    assert versions[4]["record"].history_change_reason == "办公室退回：请附证明"
    assert versions[5]["figures"] == []  # the same figure saved again is no change

    client.force_login(u["leader"])
    response = client.get(reverse("report-history", args=[report.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("第一稿", "第二稿", "第三稿", "资金不足", "办公室退回：请附证明", "第7版", "第2版"):
        assert text in html
    assert html.index("第7版") < html.index("第2版")  # newest first


def test_history_page_query_count(world, client, django_assert_max_num_queries):
    report = world.report_of(world.lead_unit)
    for i in range(15):
        report = services.save_draft(report=report, user=world.users["lead_reporter"], version=report.version,
                                     progress=f"第{i}稿", figures={world.target.pk: str(100 + i)})
    client.force_login(world.users["lead_reporter"])
    with django_assert_max_num_queries(15):
        assert client.get(reverse("report-history", args=[report.pk])).status_code == 200
