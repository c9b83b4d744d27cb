"""A province with two cities and a county, each with its office and counterpart units, and a
published province plan with a target to hand down."""
from dataclasses import dataclass
from decimal import Decimal

import pytest

from tasks.models import Assignment, WorkPlan
from units.models import Committee, Counterpart, UnitRole

from .. import factories as f


@dataclass
class Cascade:
    province: object
    city_a: object
    city_b: object
    county: object
    units: dict
    plan: object
    task: object
    other_task: object
    target: object
    users: dict


@pytest.fixture
def cascade(db):
    province = f.CommitteeFactory(code="jl", name="吉林省残工委", level=Committee.Level.PROVINCE)
    city_a = f.CommitteeFactory(code="cc", name="长春市残工委", level=Committee.Level.CITY, parent=province)
    city_b = f.CommitteeFactory(code="jlc", name="吉林市残工委", level=Committee.Level.CITY, parent=province)
    county = f.CommitteeFactory(code="nq", name="农安县残工委", level=Committee.Level.COUNTY, parent=city_a)
    U = f.UnitFactory
    units = {
        "p_cl": U(committee=province, short_name="省残联", code="cl"),
        "p_mz": U(committee=province, short_name="省民政厅", code="mz"),
        "p_rs": U(committee=province, short_name="省人社厅", code="rs"),
        "a_cl": U(committee=city_a, short_name="长春市残联", code="cl"),
        "a_mz": U(committee=city_a, short_name="长春市民政局", code="mz"),
        "a_rs": U(committee=city_a, short_name="长春市人社局", code="rs"),
        "b_cl": U(committee=city_b, short_name="吉林市残联", code="cl"),
        "b_mz": U(committee=city_b, short_name="吉林市民政局", code="mz"),
        "k_cl": U(committee=county, short_name="农安县残联", code="cl"),
        "k_mz": U(committee=county, short_name="农安县民政局", code="mz"),
    }
    for committee, lower, upper in ((city_a, "a_mz", "p_mz"), (city_a, "a_rs", "p_rs"), (city_a, "a_cl", "p_cl"),
                                    (city_b, "b_mz", "p_mz"), (county, "k_mz", "a_mz")):
        Counterpart.objects.create(committee=committee, unit=units[lower], upper_unit=units[upper])
    plan = f.WorkPlanFactory(committee=province, title="2021年吉林省残疾人工作重点任务", status=WorkPlan.Status.PUBLISHED)
    task = f.TaskFactory(plan=plan, ref="1", text="城镇新增残疾人就业5600人以上。")
    f.AssignmentFactory(task=task, unit=units["p_mz"], role=Assignment.Role.LEAD, order=1)
    f.AssignmentFactory(task=task, unit=units["p_rs"], role=Assignment.Role.PARTICIPATING, order=2)
    target = f.TargetFactory(task=task, value=Decimal("5600"))
    other_task = f.TaskFactory(plan=plan, section=task.section, ref="2", text="建设残疾人托养机构。")
    f.AssignmentFactory(task=other_task, unit=units["p_cl"], role=Assignment.Role.LEAD, order=1)
    R = UnitRole.Role
    spec = {
        "p_office": ("p_cl", R.OFFICE), "p_leader": ("p_cl", R.LEADER), "p_reporter": ("p_mz", R.REPORTER),
        "a_office": ("a_cl", R.OFFICE), "a_reporter": ("a_mz", R.REPORTER), "a_approver": ("a_mz", R.APPROVER),
        "b_office": ("b_cl", R.OFFICE), "k_office": ("k_cl", R.OFFICE),
    }
    users = {}
    for name, (unit, role) in spec.items():
        users[name] = f.UserFactory(username=name)
        f.UnitRoleFactory(user=users[name], unit=units[unit], role=role)
    return Cascade(province, city_a, city_b, county, units, plan, task, other_task, target, users)
