"""The plan editor's pages: permission matrix (every role × every action), bad input, query counts."""
from decimal import Decimal

import pytest
from django.urls import reverse

from targets.models import Target
from tasks.models import Assignment, PlanChange, Section, Task, WorkPlan
from tests import factories as f

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "lead_reporter", "lead_approver", "part_reporter", "part_approver", "leader", "office",
         "other_office"]


@pytest.fixture
def draft(world):
    plan = f.WorkPlanFactory(committee=world.committee, title="2022年重点工作任务", status=WorkPlan.Status.DRAFT,
                             period_start=2022, period_end=2022)
    section = f.SectionFactory(plan=plan, number="一", path="一", title="就业")
    first = f.TaskFactory(plan=plan, section=section, ref="1", text="做好就业服务。", order=1)
    second = f.TaskFactory(plan=plan, section=section, ref="2", text="做好康复服务。", order=2)
    for task in (first, second):
        f.AssignmentFactory(task=task, unit=world.lead_unit, role=Assignment.Role.LEAD)
    target = f.TargetFactory(task=second, value=Decimal("100"))
    return plan, section, second, target


def state():
    """Everything the editor can write, to prove that a refused request wrote nothing."""
    return (
        list(WorkPlan.objects.order_by("pk").values()), list(Section.objects.order_by("pk").values()),
        list(Task.objects.order_by("pk").values()), list(Assignment.objects.order_by("pk").values()),
        list(Target.objects.order_by("pk").values()), PlanChange.objects.count(),
    )


def target_data(target, **overrides):
    p = f"target-{target.pk}" if target else "newtarget"
    data = {f"{p}-indicator": "城镇新增残疾人就业", f"{p}-comparator": ">=", f"{p}-value": "120",
            f"{p}-measure_unit": "人", f"{p}-reason": "年中调整"}
    data.update({f"{p}-{k}": v for k, v in overrides.items()})
    return data


# (name, page, data): page is "plan" (the draft's edit page) or "task" (its second task's edit page).
DRAFT_ACTIONS = [
    ("plan fields", "plan", lambda d: {"action": "plan", "plan-title": "新标题", "plan-kind": "key_tasks",
                                       "plan-period_start": "2022", "plan-period_end": "2022"}),
    ("add section", "plan", lambda d: {"action": "newsection", "newsection-number": "二", "newsection-title": "教育"}),
    ("rename section", "plan", lambda d: {"action": f"section:{d[1].pk}", f"section-{d[1].pk}-number": "一",
                                          f"section-{d[1].pk}-title": "就业创业"}),
    ("add task", "plan", lambda d: {"action": "newtask", "newtask-ref": "3", "newtask-text": "新任务。",
                                    "newtask-section": str(d[1].pk)}),
    ("move task", "plan", lambda d: {"action": f"task-up:{d[2].pk}"}),
    ("publish", "plan", lambda d: {"action": "publish"}),
    ("delete plan", "plan", lambda d: {"action": "delete"}),
    ("task text", "task", lambda d: {"action": "task", "task-ref": "2", "task-text": "改写的任务。",
                                     "task-section": str(d[1].pk)}),
    ("task units", "task", lambda d: {"action": "units", "units-lead": "省民政厅", "units-participating": "省人社厅"}),
    ("edit target", "task", lambda d: {"action": f"target:{d[3].pk}", **target_data(d[3])}),
    ("add target", "task", lambda d: {"action": "newtarget", **target_data(None)}),
    ("delete target", "task", lambda d: {"action": f"target-delete:{d[3].pk}"}),
    ("move task down", "task", lambda d: {"action": "up"}),
    ("delete task", "task", lambda d: {"action": "delete"}),
]


def login(client, world, role):
    if role != "anonymous":
        client.force_login(world.users[role])


def expected_refusal(role):
    return {"anonymous": 302, "other_office": 404}.get(role, 403)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name, page, make", DRAFT_ACTIONS, ids=[a[0] for a in DRAFT_ACTIONS])
def test_permission_matrix_draft(client, world, draft, role, name, page, make):
    plan, _section, task, _target = draft
    url = reverse("plan-edit", args=[plan.pk]) if page == "plan" else reverse("task-edit", args=[task.pk])
    login(client, world, role)
    before = state()
    changes_before = PlanChange.objects.count()
    response = client.post(url, make(draft))
    if role == "office":
        assert response.status_code == 302, response.content.decode()[:2000]
        assert (not WorkPlan.objects.filter(pk=plan.pk).exists() if name == "delete plan"
                else PlanChange.objects.count() == changes_before + 1)
    else:
        assert response.status_code == expected_refusal(role)
        assert state() == before


PUBLISHED_ACTIONS = [
    ("revise target", "task", lambda w: {"action": f"target:{w.target.pk}", **target_data(w.target)}),
    ("revise units", "task", lambda w: {"action": "units", "units-lead": "省民政厅", "units-participating": "",
                                        "units-reason": "职责调整"}),
    ("close", "plan", lambda w: {"action": "close", "close-reason": "年度结束"}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name, page, make", PUBLISHED_ACTIONS, ids=[a[0] for a in PUBLISHED_ACTIONS])
def test_permission_matrix_published(client, world, role, name, page, make):
    from reports import services as report_services

    if name == "close":
        report_services.close_round(round=world.round, user=world.users["office"])
    url = reverse("plan-edit", args=[world.plan.pk]) if page == "plan" else reverse("task-edit", args=[world.task.pk])
    login(client, world, role)
    before = state()
    response = client.post(url, make(world))
    if role == "office":
        assert response.status_code == 302, response.content.decode()[:2000]
        change = PlanChange.objects.latest("id")
        assert change.reason and change.user == world.users["office"]
    else:
        assert response.status_code == expected_refusal(role)
        assert state() == before


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_which_page(client, world, role):
    login(client, world, role)
    plan = world.plan.pk
    edit = [reverse("plan-edit", args=[plan]), reverse("task-edit", args=[world.task.pk])]
    read = [reverse("plan-history", args=[plan]), reverse("plan-export-xlsx", args=[plan]),
            reverse("plan-export-docx", args=[plan])]
    for url in edit:
        assert client.get(url).status_code == (200 if role == "office" else expected_refusal(role)), url
    for url in read:
        expected = {"anonymous": 302, "other_office": 404}.get(role, 200)
        assert client.get(url).status_code == expected, url


def test_plan_page_offers_editing_to_the_office_only(client, world):
    url = reverse("plan-detail", args=[world.plan.pk])
    client.force_login(world.users["office"])
    assert reverse("plan-edit", args=[world.plan.pk]) in client.get(url).content.decode()
    client.force_login(world.users["leader"])
    assert reverse("plan-edit", args=[world.plan.pk]) not in client.get(url).content.decode()


# ---------------------------------------------------------------- bad input

BAD = [
    ("task", {"action": "units", "units-lead": "不存在的厅", "units-participating": ""}, "本残工委没有名为“不存在的厅”的成员单位"),
    ("task", {"action": "units", "units-lead": "省人社厅", "units-participating": "省人社厅"}, "不能同时是牵头单位和参加单位"),
    ("task", lambda d: {"action": f"target:{d[3].pk}", **target_data(d[3], value="-5")}, "目标值不能为负数"),
    ("task", lambda d: {"action": f"target:{d[3].pk}", **target_data(d[3], value="很多")}, "输入一个数字"),
    ("task", lambda d: {"action": f"target:{d[3].pk}", **target_data(d[3], measure_unit="")}, "该字段是必填项"),
    ("task", lambda d: {"action": "task", "task-ref": "1", "task-text": "重复序号", "task-section": str(d[1].pk)},
     "同一章节中已有序号为“1”的任务"),
    ("task", {"action": "task", "task-ref": "2", "task-text": "x", "task-deadline": "明年"}, "输入一个有效的日期"),
    ("plan", {"action": "plan", "plan-title": "x", "plan-kind": "key_tasks", "plan-period_start": "2023",
              "plan-period_end": "2022"}, "截止年度不能早于起始年度"),
    ("plan", {"action": "newsection", "newsection-number": "一", "newsection-title": "重复"}, "已有序号为“一”的章节"),
    ("plan", {"action": "nonsense"}, "无法识别的操作"),
    ("task", {"action": "target-delete:abc"}, ""),
]


@pytest.mark.parametrize("page, data, message", BAD)
@pytest.mark.parametrize("htmx", [False, True])
def test_bad_input_gets_a_chinese_message_and_writes_nothing(client, world, draft, page, data, message, htmx):
    plan, _section, task, _target = draft
    data = data(draft) if callable(data) else data
    url = reverse("plan-edit", args=[plan.pk]) if page == "plan" else reverse("task-edit", args=[task.pk])
    client.force_login(world.users["office"])
    before = state()
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(url, data, **headers)
    assert response.status_code in (400, 404)
    assert message in response.content.decode()
    assert state() == before


def test_publish_refused_lists_problems(client, world, draft):
    plan, _section, task, target = draft
    Assignment.objects.filter(task=task).delete()
    Target.objects.filter(pk=target.pk).update(ambiguous=True)
    client.force_login(world.users["office"])
    before = state()
    response = client.post(reverse("plan-edit", args=[plan.pk]), {"action": "publish"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "任务 2：没有牵头单位" in html and "仍为待确认" in html
    assert state() == before


def test_revision_without_reason_is_refused(client, world):
    client.force_login(world.users["office"])
    before = state()
    data = {"action": f"target:{world.target.pk}", **target_data(world.target, reason="")}
    response = client.post(reverse("task-edit", args=[world.task.pk]), data)
    assert response.status_code == 400 and "请填写调整原因" in response.content.decode()
    assert state() == before


def test_htmx_save_returns_the_page_with_a_notice(client, world, draft):
    _plan, _section, task, target = draft
    client.force_login(world.users["office"])
    response = client.post(reverse("task-edit", args=[task.pk]), {"action": f"target:{target.pk}", **target_data(target)},
                           HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and 'id="editor"' in html and "已保存目标" in html


# ---------------------------------------------------------------- query counts

def _grow(plan, section, units, n):
    for i in range(n):
        task = f.TaskFactory(plan=plan, section=section, ref=f"g{i}", order=100 + i)
        f.AssignmentFactory(task=task, unit=units[0], role=Assignment.Role.LEAD, order=1)
        f.AssignmentFactory(task=task, unit=units[1], role=Assignment.Role.PARTICIPATING, order=2)
        f.TargetFactory(task=task)


@pytest.mark.parametrize("extra", [0, 40])
def test_plan_edit_page_renders_in_constant_queries(client, world, draft, django_assert_max_num_queries, extra):
    plan, section, _task, _target = draft
    _grow(plan, section, [world.lead_unit, world.part_unit], extra)
    client.force_login(world.users["office"])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("plan-edit", args=[plan.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("extra", [0, 40])
def test_task_edit_page_renders_in_constant_queries(client, world, draft, django_assert_max_num_queries, extra):
    plan, section, task, _target = draft
    _grow(plan, section, [world.lead_unit, world.part_unit], extra)
    client.force_login(world.users["office"])
    with django_assert_max_num_queries(14):
        assert client.get(reverse("task-edit", args=[task.pk])).status_code == 200


# ---------------------------------------------------------------- typing a plan from scratch

@pytest.mark.parametrize("role", ROLES)
def test_new_plan_page_permissions(client, world, role):
    login(client, world, role)
    before = state()
    data = {"committee": world.committee.pk, "title": "2023年重点工作任务", "kind": "key_tasks", "period_start": "2023"}
    response = client.post(reverse("plan-new"), data)
    if role in ("office", "other_office"):  # another committee's office: its own committee is the only choice
        if role == "office":
            plan = WorkPlan.objects.get(title="2023年重点工作任务")
            assert response.status_code == 302 and response["Location"] == reverse("plan-edit", args=[plan.pk])
            assert plan.status == WorkPlan.Status.DRAFT and plan.period_end == 2023
        else:
            assert response.status_code == 400 and state() == before
    else:
        assert response.status_code == (302 if role == "anonymous" else 403)
        assert state() == before


@pytest.mark.parametrize("data, message", [
    ({"title": "", "kind": "key_tasks", "period_start": "2023"}, "该字段是必填项"),
    ({"title": "x", "kind": "key_tasks", "period_start": "2023", "period_end": "2022"}, "截止年度不能早于起始年度"),
    ({"title": "x", "kind": "key_tasks", "period_start": "二〇二三"}, "输入整数"),
])
def test_new_plan_bad_input(client, world, data, message):
    client.force_login(world.users["office"])
    before = state()
    response = client.post(reverse("plan-new"), {"committee": world.committee.pk, **data})
    assert response.status_code == 400 and message in response.content.decode()
    assert state() == before
