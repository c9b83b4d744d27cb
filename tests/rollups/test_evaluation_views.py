"""Five-year plan pages: permission matrix (office writes, leaders and the office read, everyone else 404 or
403 with nothing written), bad input, the import wizard, linking and the downloads."""
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.urls import reverse

from targets.models import IndicatorValue, PlanIndicator, Target
from tests import factories as f

pytestmark = pytest.mark.django_db
FIXTURE = Path(__file__).parents[1] / "fixtures" / "plans" / "jilin-14th-fyp-indicators.txt"
READERS = {"office": 200, "leader": 200, "lead_reporter": 404, "part_approver": 404, "other_office": 404}


@pytest.fixture
def fyp(world):
    plan = f.FiveYearPlanFactory(committee=world.committee)
    ind = f.PlanIndicatorFactory(plan=plan, number=1, name="城镇新增残疾人就业", measure_unit="人", baseline=None,
                                 target_value=D(25000), cumulative=True, kind="expected", weight=D(1))
    f.PlanIndicatorFactory(plan=plan, number=2, name="残疾人基本康复服务覆盖率", weight=D(2))
    f.IndicatorValueFactory(indicator=ind, year=2021, value=D(5800), source="年报")
    return plan


def pages(plan, world):
    ind = plan.indicators.first()
    return [reverse("fyp-plan", args=[plan.pk]), reverse("fyp-evaluation", args=[plan.pk, 2023]),
            reverse("fyp-evaluation-xlsx", args=[plan.pk, 2023]), reverse("fyp-evaluation-docx", args=[plan.pk, 2025]),
            reverse("fyp-indicator", args=[ind.pk])]


@pytest.mark.parametrize("who,status", READERS.items())
def test_read_matrix(client, world, fyp, who, status):
    client.force_login(world.users[who])
    for url in pages(fyp, world):
        assert client.get(url).status_code == status, url
    index = client.get(reverse("fyp-index"))
    assert index.status_code == 200 and (fyp.title in index.content.decode()) == (status == 200)


def test_anonymous_goes_to_login(client, fyp, world):
    for url in pages(fyp, world):
        assert client.get(url).status_code == 302


@pytest.mark.parametrize("who,status", [("leader", 403), ("lead_reporter", 404), ("other_office", 404)])
def test_write_matrix_writes_nothing(client, world, fyp, who, status):
    client.force_login(world.users[who])
    ind = fyp.indicators.first()
    before = (PlanIndicator.objects.count(), IndicatorValue.objects.count())
    posts = [
        (reverse("fyp-indicator-new", args=[fyp.pk]), {"number": 5, "name": "x", "target_value": 1, "kind": "binding",
                                                        "direction": ">="}),
        (reverse("fyp-indicator-edit", args=[ind.pk]), {"number": 1, "name": "y", "target_value": 1,
                                                        "kind": "binding", "direction": ">="}),
        (reverse("fyp-value-set", args=[ind.pk]), {"year": 2022, "value": 1, "source": "s"}),
        (reverse("fyp-import", args=[fyp.pk]), {}),
        (reverse("fyp-link", args=[fyp.pk, world.plan.pk]), {f"target-{world.target.pk}": ind.pk}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == status, url
        assert client.get(url).status_code in (status, 405), url
    assert (PlanIndicator.objects.count(), IndicatorValue.objects.count()) == before
    assert PlanIndicator.objects.get(pk=ind.pk).name == ind.name
    assert Target.objects.get(pk=world.target.pk).plan_indicator is None


def test_office_enters_indicator_and_value(client, world, fyp):
    client.force_login(world.users["office"])
    r = client.post(reverse("fyp-indicator-new", args=[fyp.pk]), {
        "number": 3, "name": "残疾人辅助器具适配率", "measure_unit": "%", "baseline": "80", "target_value": "85",
        "kind": "binding", "direction": ">=", "responsible_unit": world.lead_unit.pk})
    assert r.status_code == 302
    ind = PlanIndicator.objects.get(number=3)
    r = client.post(reverse("fyp-value-set", args=[ind.pk]), {"year": 2022, "value": "82", "source": "统计公报"})
    assert r.status_code == 302 and ind.values.get().value == D(82)
    page = client.get(reverse("fyp-indicator", args=[ind.pk])).content.decode()
    assert "统计公报" in page and "数值修改历史" in page


@pytest.mark.parametrize("data,message", [
    ({"number": 1, "name": "重复", "target_value": "1", "kind": "binding", "direction": ">="}, "重复"),
    ({"number": 4, "name": "x", "target_value": "abc", "kind": "binding", "direction": ">="}, "请输入数字"),
    ({"number": 4, "name": "x", "target_value": "1", "kind": "bad", "direction": ">="}, "kind"),
    ({"number": 4, "name": "x", "target_value": "1", "kind": "binding", "direction": ">=", "weight": "-1"}, "负数"),
    ({"number": 4, "name": "x", "target_value": "1", "kind": "binding", "direction": ">=",
      "responsible_unit": 999999}, "responsible_unit"),
])
def test_bad_indicator_form_writes_nothing(client, world, fyp, data, message):
    client.force_login(world.users["office"])
    r = client.post(reverse("fyp-indicator-new", args=[fyp.pk]), data)
    assert r.status_code == 400
    assert message in r.content.decode() or message in r.context["form"].errors
    assert PlanIndicator.objects.count() == 2


@pytest.mark.parametrize("data", [{"year": 2030, "value": "1", "source": "s"}, {"year": 2022, "value": "x", "source": "s"},
                                  {"year": 2022, "value": "1", "source": ""}, {"year": "abc"}])
def test_bad_value_writes_nothing(client, world, fyp, data):
    client.force_login(world.users["office"])
    ind = fyp.indicators.first()
    r = client.post(reverse("fyp-value-set", args=[ind.pk]), data, follow=True)
    assert r.status_code == 200 and list(r.context["messages"])
    assert IndicatorValue.objects.count() == 1


def test_bad_ids_and_years_are_404(client, world, fyp):
    client.force_login(world.users["office"])
    for url in (reverse("fyp-plan", args=[999999]), reverse("fyp-evaluation", args=[fyp.pk, 2019]),
                reverse("fyp-evaluation", args=[world.plan.pk, 2021]), reverse("fyp-indicator", args=[999999]),
                reverse("fyp-link", args=[fyp.pk, 999999]), reverse("fyp-evaluation-docx", args=[fyp.pk, 2030])):
        assert client.get(url).status_code == 404, url


def test_import_wizard_preview_then_confirm(client, world, fyp):
    client.force_login(world.users["office"])
    url = reverse("fyp-import", args=[fyp.pk])
    r = client.post(url, {"file": _upload(b"")})
    assert r.status_code == 400 and PlanIndicator.objects.count() == 2
    r = client.post(url, {"file": _upload("没有表格的文字".encode())})
    assert r.status_code == 400 and "表头" in r.content.decode()
    r = client.post(url, {"file": _upload(FIXTURE.read_bytes()), "replace": "on"})
    assert r.status_code == 302
    preview_url = reverse("fyp-import-preview", args=[fyp.pk])
    page = client.get(preview_url)
    html = page.content.decode()
    assert "省人力资源社会保障厅" in html and "未识别" in html and PlanIndicator.objects.count() == 2
    unknown = page.context["unknown"]
    r = client.post(preview_url, {})  # nothing chosen → refused, nothing written
    assert r.status_code == 400 and PlanIndicator.objects.count() == 2
    choices = {f"unit-{u['index']}": "ignore" for u in unknown}
    r = client.post(preview_url, choices)
    assert r.status_code == 302
    assert PlanIndicator.objects.filter(plan=fyp).count() == 10


def test_import_preview_without_upload_redirects(client, world, fyp):
    client.force_login(world.users["office"])
    r = client.get(reverse("fyp-import-preview", args=[fyp.pk]))
    assert r.status_code == 302


def test_link_page_saves_and_refuses_foreign_indicator(client, world, fyp):
    client.force_login(world.users["office"])
    ind = fyp.indicators.first()
    url = reverse("fyp-link", args=[fyp.pk, world.plan.pk])
    assert f'id="target-{world.target.pk}"' in client.get(url).content.decode()
    foreign = f.PlanIndicatorFactory(plan=f.FiveYearPlanFactory(committee=world.other_committee))
    for bad in (foreign.pk, "abc"):
        r = client.post(url, {f"target-{world.target.pk}": bad})
        assert r.status_code == 400
        assert Target.objects.get(pk=world.target.pk).plan_indicator is None
    r = client.post(url, {f"target-{world.target.pk}": ind.pk})
    assert r.status_code == 302 and Target.objects.get(pk=world.target.pk).plan_indicator == ind


def test_evaluation_page_and_files(client, world, fyp):
    client.force_login(world.users["leader"])
    page = client.get(reverse("fyp-evaluation", args=[fyp.pk, 2023])).content.decode()
    assert "2项主要指标中，1项约束性指标、1项预期性指标。" in page and "完成有难度" in page
    x = client.get(reverse("fyp-evaluation-xlsx", args=[fyp.pk, 2023]))
    assert x.status_code == 200 and x.content[:2] == b"PK"
    d = client.get(reverse("fyp-evaluation-docx", args=[fyp.pk, 2025]))
    assert d.status_code == 200 and d.content[:2] == b"PK" and "attachment" in d["Content-Disposition"]


def _upload(content, name="指标表.txt"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/plain")
