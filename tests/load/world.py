"""The deadline-day world of ``make load``: one committee with N member units (a reporter and an
approver each), an office and a leader, API clients, one published plan of N tasks (each led
by one unit with two participating units and one target) and one open round with its report
slots — about 3 slots per unit. Each run builds a fresh one (a new committee code), so every
run starts with all reports to do and its roll-up check sees only its own figures.

    python -m tests.load.world N   → prints the world as one JSON line (ids, log-ins, tokens)
"""
import json
import os
import sys
import time

PASSWORD = "luoshi-load-2026"


def build(units: int) -> dict:
    import datetime

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from reports import services as report_services
    from reports.models import ReportingRound
    from tasks.models import WorkPlan
    from tasks.services import create_plan_from_structure
    from units.models import ApiClient, Committee, Unit, UnitRole
    from units.services import create_api_client, issue_api_token

    code = f"load{units}-{int(time.time())}"
    User = get_user_model()
    with transaction.atomic():  # a failed build leaves nothing half-made
        committee = Committee.objects.create(code=code, name=f"压测省残工委（{units}个成员单位，{code}）",
                                             short_name="压测省", level=Committee.Level.PROVINCE)
        office_unit = Unit.objects.create(committee=committee, code=f"{code}-cl", short_name="压测省残联",
                                          full_name="压测省残疾人联合会", order=0)
        members = Unit.objects.bulk_create([
            Unit(committee=committee, code=f"{code}-u{i}", short_name=f"成员单位{i:03d}",
                 full_name=f"压测省成员单位{i:03d}", order=i + 1) for i in range(units)])
        password = make_password(PASSWORD)  # one hash for all: building the world stays fast
        people = [User(username=f"{code}-office", first_name="办公室", password=password),
                  User(username=f"{code}-leader", first_name="领导", password=password)]
        for i in range(units):
            people += [User(username=f"{code}-r{i}", first_name=f"填报{i}", password=password),
                       User(username=f"{code}-a{i}", first_name=f"审核{i}", password=password)]
        User.objects.bulk_create(people)
        by_name = {u.username: u for u in User.objects.filter(username__startswith=f"{code}-")}
        R = UnitRole.Role
        roles = [UnitRole(user=by_name[f"{code}-office"], unit=office_unit, role=R.OFFICE),
                 UnitRole(user=by_name[f"{code}-leader"], unit=office_unit, role=R.LEADER)]
        for i, unit in enumerate(members):
            roles += [UnitRole(user=by_name[f"{code}-r{i}"], unit=unit, role=R.REPORTER),
                      UnitRole(user=by_name[f"{code}-a{i}"], unit=unit, role=R.APPROVER)]
        UnitRole.objects.bulk_create(roles)
        names = [u.short_name for u in members]
        structure = {
            "plan": {"title": f"压测省{units}项重点工作任务", "issuer": committee.name, "doc_number": "",
                     "issued_on": "2026-01-10", "period_start": 2026, "period_end": 2026},
            "sections": [{"path": "一", "title": "重点任务"}],
            "tasks": [{"ref": str(i + 1), "section": "一", "text": f"第{i + 1}项任务：新增就业{100 + i}人以上。",
                       "lead_units": [names[i]], "participating_units": [names[(i + 1) % units], names[(i + 2) % units]],
                       "deadline": None,
                       "targets": [{"indicator": "新增就业", "value": 100 + i, "unit": "人", "comparator": ">=",
                                    "per_unit": False, "ambiguous": False, "quote": f"新增就业{100 + i}人以上"}]}
                      for i in range(units)],
        }
        plan = create_plan_from_structure(committee=committee, structure=structure,
                                          status=WorkPlan.Status.PUBLISHED)
        report_services.create_round(plan=plan, period_kind=ReportingRound.PeriodKind.QUARTER,
                                     period_label="2026年第四季度", period_start=datetime.date(2026, 10, 1),
                                     period_end=datetime.date(2026, 12, 31), opens_on=datetime.date(2026, 10, 1),
                                     due_on=datetime.date(2027, 1, 10))
        for access in (ApiClient.AccessLevel.READ_ONLY, ApiClient.AccessLevel.READ_WRITE):
            create_api_client(name=f"{code}-{access}", committee=committee, access=access, throttle_rate="100000/min")
    plan = WorkPlan.objects.get(committee=committee)
    rnd = plan.rounds.get()
    tokens = {}
    for client in ApiClient.objects.filter(committee=committee):
        _token, key = issue_api_token(client=client)  # a fresh key per run: keys are never stored in clear
        tokens[client.access] = key
    return {"code": code, "units": units, "committee": committee.pk, "plan": plan.pk, "round": rnd.pk,
            "password": PASSWORD, "tokens": tokens}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    print(json.dumps(build(int(sys.argv[1]))))


if __name__ == "__main__":
    main()
