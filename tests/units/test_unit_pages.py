"""Member-unit pages without /admin/: permission matrix (each role × each action; refused ones write
nothing), bad input, and the 机构改革 wizard."""
import pytest
from django.urls import reverse

from tests.cascade.conftest import cascade  # noqa: F401 — the province/city world
from units.models import Counterpart, Unit, UnitAlias

ROLES = ["anonymous", "office", "leader", "lead_reporter", "part_approver", "other_office"]


def state(world):
    return (list(Unit.objects.order_by("pk").values_list("short_name", "full_name", "is_active", "successor_id")),
            list(UnitAlias.objects.values_list("name", flat=True)))


def actions(world):
    unit = world.part_unit
    edit = reverse("unit-edit", args=[unit.pk])
    return [
        (reverse("unit-list") + f"?committee={world.committee.pk}", {"short_name": "省教育厅", "committee": world.committee.pk}),
        (edit, {"action": "names", "short_name": "省民政厅（改）", "full_name": "", "kind": "government"}),
        (edit, {"action": "alias", "alias": "省民政"}),
        (edit, {"action": "retire", "retired_on": "2021-07-01"}),
        (reverse("unit-reform", args=[unit.pk]),
         {"mode": "merge", "successor": world.lead_unit.pk, "effective_on": "2021-07-01", "step": "confirm"}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_unit_pages_matrix(client, world, role):
    if role != "anonymous":
        client.force_login(world.users[role])
    pages = [reverse("unit-list"), reverse("unit-edit", args=[world.part_unit.pk]),
             reverse("unit-reform", args=[world.part_unit.pk])]
    codes = [client.get(p).status_code for p in pages]
    if role == "office":
        assert codes == [200, 200, 200]
        for url, data in actions(world):
            before = state(world)
            response = client.post(url, data)
            assert response.status_code == 302, (url, data, response.content.decode()[-800:])
            assert state(world) != before
            world.part_unit.refresh_from_db()
            if not world.part_unit.is_active and not world.part_unit.successor_id:  # retired: twice is refused
                assert client.post(url, data).status_code == 400
                Unit.objects.filter(pk=world.part_unit.pk).update(is_active=True, member_until=None)
        return
    before = state(world)
    for url, data in actions(world):
        assert client.post(url, data).status_code in ({302} if role == "anonymous" else {403})
    assert state(world) == before
    if role == "anonymous":
        assert codes == [302, 302, 302]
    elif role == "other_office":
        assert codes == [200, 403, 403]  # its own committee's list; not this committee's units
        assert client.get(reverse("unit-list") + f"?committee={world.committee.pk}").status_code == 403
    else:
        assert codes == [403, 403, 403]


def test_reform_wizard_previews_then_merges(client, world):
    client.force_login(world.users["office"])
    url = reverse("unit-reform", args=[world.part_unit.pk])
    data = {"mode": "merge", "successor": world.lead_unit.pk, "effective_on": "2021-07-01"}
    preview = client.post(url, {**data, "step": "preview"})
    assert preview.status_code == 200 and "reform-preview" in preview.content.decode()
    world.part_unit.refresh_from_db()
    assert world.part_unit.is_active
    assert client.post(url, {"mode": "merge", "effective_on": "", "step": "confirm"}).status_code == 400
    response = client.post(url, {**data, "step": "confirm"})
    assert response.status_code == 302
    world.part_unit.refresh_from_db()
    assert world.part_unit.successor == world.lead_unit


def test_counterpart_of_the_same_level_is_refused_on_the_page(client, cascade):  # noqa: F811
    c = cascade
    client.force_login(c.users["a_office"])
    url = reverse("unit-edit", args=[c.units["a_rs"].pk])
    response = client.post(url, {"action": "counterpart", "upper_unit": c.units["b_mz"].pk})
    assert response.status_code == 400 and "同级" in response.content.decode()
    assert client.post(url, {"action": "counterpart", "upper_unit": c.units["p_mz"].pk}).status_code == 302
    assert Counterpart.objects.get(committee=c.city_a, upper_unit=c.units["p_mz"]).unit == c.units["a_rs"]
    page = client.get(url).content.decode()
    assert "省民政厅" in page


def test_bad_unit_input(client, world):
    client.force_login(world.users["office"])
    response = client.post(reverse("unit-list"), {"short_name": "省人社厅", "committee": world.committee.pk})
    assert response.status_code == 400 and "已有名为" in response.content.decode()
    edit = reverse("unit-edit", args=[world.part_unit.pk])
    assert client.post(edit, {"action": "names", "short_name": ""}).status_code == 400
    assert client.post(edit, {"action": "retire", "retired_on": "yesterday"}).status_code == 400
    world.part_unit.refresh_from_db()
    assert world.part_unit.is_active and world.part_unit.short_name == "省民政厅"
