"""People managed by the office: accounts, roles in several units, Excel sheet with bad rows (nothing
saved), deactivation, password reset with a change at next log-in; only an administrator grants office
or leader roles. Web pages: permission matrix."""
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import Workbook

from security.models import AccountSecurity
from units import people
from units.models import UnitRole

User = get_user_model()


def sheet(rows, headers=("姓名", "单位", "角色", "手机", "邮箱")):
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_office_creates_a_person_with_roles_in_two_units(world):
    office = world.users["office"]
    user, password = people.create_person(actor=office, unit=world.lead_unit, role="reporter", name="张三",
                                          phone="13800000001")
    assert password and user.check_password(password)
    assert AccountSecurity.objects.get(user=user).must_change_password
    again, none = people.create_person(actor=office, unit=world.part_unit, role="approver", name="张三",
                                       phone="13800000001")
    assert again == user and none is None
    assert set(UnitRole.objects.filter(user=user).values_list("unit__short_name", "role")) == {
        ("省人社厅", "reporter"), ("省民政厅", "approver")}


@pytest.mark.parametrize("role", ["office", "leader", "admin"])
def test_only_an_administrator_grants_office_or_leader(world, role):
    with pytest.raises(PermissionDenied):
        people.create_person(actor=world.users["office"], unit=world.lead_unit, role=role, name="李四",
                             phone="13800000002")
    assert not User.objects.filter(first_name="李四").exists()
    admin = User.objects.create_superuser("root", "root@example.invalid", "x")
    user, _pw = people.create_person(actor=admin, unit=world.lead_unit, role=role, name="李四", phone="13800000002")
    assert UnitRole.objects.filter(user=user, role=role).exists()


@pytest.mark.parametrize("who", ["leader", "lead_reporter", "lead_approver", "other_office"])
def test_others_cannot_create_reset_or_deactivate(world, who):
    actor, target = world.users[who], world.users["lead_reporter"]
    before = target.password
    with pytest.raises(PermissionDenied):
        people.create_person(actor=actor, unit=world.lead_unit, role="reporter", name="王五", phone="13800000003")
    with pytest.raises(PermissionDenied):
        people.reset_password(actor=actor, person=target)
    with pytest.raises(PermissionDenied):
        people.set_active(actor=actor, person=target, active=False)
    target.refresh_from_db()
    assert target.is_active and target.password == before and not User.objects.filter(first_name="王五").exists()


def test_office_cannot_touch_office_or_leader_accounts(world):
    with pytest.raises(PermissionDenied):
        people.reset_password(actor=world.users["office"], person=world.users["leader"])
    with pytest.raises(PermissionDenied):
        people.set_active(actor=world.users["office"], person=world.users["other_office"], active=False)


def test_bad_contact_details(world):
    for kwargs in ({"name": "", "phone": "13800000004"}, {"name": "赵六", "phone": "12"},
                   {"name": "赵六", "email": "not-an-email"}, {"name": "赵六"}):
        with pytest.raises(ValidationError):
            people.create_person(actor=world.users["office"], unit=world.lead_unit, role="reporter", **kwargs)
    assert not User.objects.filter(first_name="赵六").exists()


def test_sheet_with_bad_rows_saves_nothing_and_lists_each_row(world):
    data = sheet([
        ("张三", "省人社厅", "填报人", "13800000001", ""),
        ("", "省人社厅", "填报人", "13800000002", ""),
        ("李四", "省外事办", "填报人", "13800000003", ""),
        ("王五", "省民政厅", "领导", "13800000004", ""),
        ("赵六", "省民政厅", "审核人", "abc", ""),
        ("张三", "省人社厅", "填报人", "13800000001", ""),
    ])
    result = people.import_people(actor=world.users["office"], committee=world.committee, data=data)
    text = "\n".join(result.problems)
    assert not result.ok
    for row in (3, 4, 5, 6, 7):
        assert f"第{row}行" in text
    assert "第2行" not in text
    assert not User.objects.filter(first_name__in=["张三", "李四", "王五", "赵六"]).exists()


def test_good_sheet_creates_everyone(world):
    data = sheet([("张三", "省人社厅", "填报人", "13800000001", ""), ("张三", "省民政厅", "审核人", "13800000001", ""),
                  ("李四", "全称省民政厅", "填报人", "", "li@example.invalid")])
    result = people.import_people(actor=world.users["office"], committee=world.committee, data=data)
    assert result.ok and len(result.created) == 3
    assert UnitRole.objects.filter(user__first_name="张三").count() == 2


def test_sheet_bad_file_or_header(world):
    with pytest.raises(ValidationError):
        people.import_people(actor=world.users["office"], committee=world.committee, data=b"not excel")
    result = people.import_people(actor=world.users["office"], committee=world.committee,
                                  data=sheet([("张三", "省人社厅", "填报人", "13800000001", "")], headers=("a", "b")))
    assert not result.ok and "表头" in result.problems[0]


def test_reset_password_forces_a_change_at_next_login(client, world):
    person = world.users["lead_reporter"]
    password = people.reset_password(actor=world.users["office"], person=person)
    assert AccountSecurity.objects.get(user=person).must_change_password
    assert client.post(reverse("login"), {"username": person.username, "password": password}).status_code == 302
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("password-change"))
    new = "A-much-better-pass-2021!"
    response = client.post(reverse("password-change"),
                           {"old_password": password, "new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert not AccountSecurity.objects.get(user=person).must_change_password


def test_deactivated_person_cannot_log_in(client, world):
    person = world.users["lead_reporter"]
    people.set_active(actor=world.users["office"], person=person, active=False)
    assert client.login(username=person.username, password="pw-for-tests-1") is False


ROLES = ["anonymous", "office", "leader", "lead_reporter", "lead_approver", "other_office"]


@pytest.mark.parametrize("role", ROLES)
def test_people_page_matrix(client, world, role):
    if role != "anonymous":
        client.force_login(world.users[role])
    url = reverse("people-list") + f"?committee={world.committee.pk}"
    page = client.get(url)
    post = client.post(url, {"action": "create", "committee": world.committee.pk, "unit": world.lead_unit.pk,
                             "role": "reporter", "name": "张三", "phone": "13800000001"})
    reset = client.post(url, {"action": f"reset:{world.users['lead_reporter'].pk}", "committee": world.committee.pk})
    if role == "office":
        assert page.status_code == 200 and "lead_reporter" in page.content.decode()
        assert post.status_code == 200 and "初始密码" in post.content.decode()
        assert reset.status_code == 200
        assert AccountSecurity.objects.get(user=world.users["lead_reporter"]).must_change_password
    elif role == "anonymous":
        assert {page.status_code, post.status_code, reset.status_code} == {302}
    else:
        assert {page.status_code, post.status_code, reset.status_code} == {403}
        assert not User.objects.filter(first_name="张三", unit_roles__unit=world.lead_unit).exists()
        assert not AccountSecurity.objects.filter(user=world.users["lead_reporter"], must_change_password=True).exists()


def test_people_page_sheet_with_bad_rows(client, world):
    client.force_login(world.users["office"])
    upload = io.BytesIO(sheet([("张三", "省外事办", "填报人", "13800000001", "")]))
    upload.name = "people.xlsx"
    response = client.post(reverse("people-list"), {"action": "sheet", "committee": world.committee.pk, "sheet": upload})
    assert response.status_code == 400 and "第2行" in response.content.decode()
    assert not User.objects.filter(first_name="张三").exists()
