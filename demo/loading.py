"""Demo data: the 吉林省 committee, its 2021 key-task plan, people and two quarters of reports.

Loaded by ``manage.py load_demo`` (and ``make run``). Reports go through the same
services as the web UI, so the demo also exercises the real workflow. Running it
again changes nothing.
"""
import datetime
import json
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from reports import reminders, services
from reports.models import ProgressReport, ReportingRound, ReportingSchedule
from rollups.engine import recompute_plan
from rollups.models import ScoringScheme
from rollups.scoring.services import add_adjustment, save_scheme
from tasks.models import WorkPlan
from tasks.services import create_plan_from_structure
from units.models import Committee, Unit, UnitRole
from units.services import add_alias, create_unit, grant_role, rename_unit

from .clock import DEMO_TODAY, at, simulated

DATA = Path(__file__).with_name("data")
DEMO_PASSWORD = "luoshi-demo-2021"

# username, display name, unit code, roles
DEMO_PEOPLE = [
    ("office", "办公室 王敏", "cl", [UnitRole.Role.OFFICE]),
    ("leader", "委员会领导 李强", "cl", [UnitRole.Role.LEADER]),
    ("cl_reporter", "省残联 张丽（填报）", "cl", [UnitRole.Role.REPORTER]),
    ("cl_approver", "省残联 赵军（审核）", "cl", [UnitRole.Role.APPROVER]),
    ("rs_reporter", "省人社厅 刘洋（填报）", "rs", [UnitRole.Role.REPORTER]),
    ("rs_approver", "省人社厅 陈静（审核）", "rs", [UnitRole.Role.APPROVER]),
    ("mz_reporter", "省民政厅 孙浩（填报）", "mz", [UnitRole.Role.REPORTER]),
    ("mz_approver", "省民政厅 周红（审核）", "mz", [UnitRole.Role.APPROVER]),
]

ROUNDS = [
    ("2021年第二季度", datetime.date(2021, 4, 1), datetime.date(2021, 6, 30), datetime.date(2021, 6, 20), datetime.date(2021, 7, 10)),
    ("2021年第三季度", datetime.date(2021, 7, 1), datetime.date(2021, 9, 30), datetime.date(2021, 9, 20), datetime.date(2021, 10, 10)),
    ("2021年第四季度", datetime.date(2021, 10, 1), datetime.date(2021, 12, 31), datetime.date(2021, 12, 15), datetime.date(2022, 1, 10)),
]
PLAN_ENTERED_ON = datetime.date(2021, 5, 10)  # two days after the plan was issued (2021-05-08)
SCHEME_ENTERED_ON = datetime.date(2021, 5, 20)
BONUS_ENTERED_ON = datetime.date(2021, 12, 28)
UNIT_CODES = ("cl", "rs", "mz")
CHASE_AGAIN = "第四季度进展报告已逾期一周，请于1月20日前报送，并说明逾期原因。"
RETURN_COMMENT = "请补充分市（州）完成情况和资金使用情况，并附相关证明材料。"
PACE = {0: Decimal("0.46"), 1: Decimal("0.79")}  # share of each target reached by the end of Q2, Q3


def demo_logins():
    return [(username, name) for username, name, _, _ in DEMO_PEOPLE] + [("admin", "系统管理员")]


def demo_loaded() -> bool:
    return WorkPlan.objects.filter(committee__code="jilin", doc_number="吉政残工委发〔2021〕2号").exists()


def demo_login_table():
    """(role, name, log-in, password) of every demo account, for the 演示说明 page and ``manage.py serve``."""
    rows = [("、".join(str(UnitRole.Role(r).label) for r in roles), name, username, DEMO_PASSWORD)
            for username, name, _, roles in DEMO_PEOPLE]
    return rows + [("系统管理员（超级用户）", "系统管理员", "admin", DEMO_PASSWORD)]


def load_demo(stdout=None) -> bool:
    """Load everything; returns False when the demo was already there.

    Every step runs on the demo's clock (``demo.clock``) at the date of the event it stands for,
    in the order the events happened, so history versions, notifications, reminders and review
    times carry 2021's dates (and January 2022's for the overdue fourth quarter), never the day of loading.
    """
    if demo_loaded():
        _load_scoring()  # a demo loaded before 考核 existed gets its scheme too (once)
        _load_five_year_plan()  # and one loaded before the 十四五 indicators its five-year plan
        _load_supervision()  # and one loaded before 督办 its escalated items and a 批示
        return False
    with _no_mail(), simulated(at(PLAN_ENTERED_ON, 9)), transaction.atomic():
        committee = _load_committee()
        people = _load_people(committee)
        plan = _load_plan(committee, people["office"])
        rounds = _create_rounds(plan)
    _load_scoring()
    with _no_mail():
        _run_round(rounds[0], 0, people)
        _publish_bulletin(rounds[0], people["office"])
        _run_round(rounds[1], 1, people)
        _load_five_year_plan()
        _run_fourth_quarter(rounds[2], people)
    with simulated(at(DEMO_TODAY, 8)):
        recompute_plan(plan.pk, plan.period_start)
    _load_supervision()
    return True


@contextmanager
def _no_mail():
    """The demo's reminders and 催办 go to example.invalid addresses: they are logged, never printed or sent."""
    backend = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    try:
        yield
    finally:
        settings.EMAIL_BACKEND = backend


def _create_rounds(plan):
    """The office sets up the year's quarterly rounds when the plan is entered."""
    ReportingSchedule.objects.get_or_create(plan=plan, frequency=ReportingSchedule.Frequency.QUARTER,
                                            defaults={"due_days": 10, "reminder_offsets": "-3,1,7"})
    return [
        services.create_round(plan=plan, period_kind=ReportingRound.PeriodKind.QUARTER, period_label=label,
                              period_start=start, period_end=end, opens_on=opens, due_on=due)
        for label, start, end, opens, due in ROUNDS
    ]


def _reminders(rnd, day):
    """The daily reminder job, run on ``day`` (only the steps that day reaches send anything)."""
    with simulated(at(day, 9)):
        reminders.send_round_reminders(round_id=rnd.pk, today=day)


def _run_round(rnd, index, people):
    """One quarter as it happened: the round opens; drafts six days before the due date; the reminder
    job three days before; most units submit and sign off two days before, 省民政厅 three days late
    in the third quarter; the office reviews the day after the due date (returning one report of
    省人社厅 in the third quarter and leaving 省民政厅's waiting); the reminder job one and seven days after."""
    due = rnd.due_on
    day = datetime.timedelta(days=1)
    with simulated(at(rnd.opens_on, 9)):
        reminders.notify_round_opened(rnd)
    reports = {code: list(ProgressReport.objects.filter(round=rnd, unit__code=code).select_related("task", "unit")
                          .order_by("task__order", "task_id")) for code in UNIT_CODES}
    with simulated(at(due - 6 * day, 10)):
        for code in UNIT_CODES:
            reports[code] = [_draft(report, people, code, index) for report in reports[code]]
    _reminders(rnd, due - 3 * day)
    late = "mz" if index == 1 else None
    for code in UNIT_CODES:
        if code != late:
            reports[code] = _sign_off(reports[code], people, code, due - 2 * day)
    _reminders(rnd, due + day)
    with simulated(at(due + day, 11)):
        for code in UNIT_CODES:
            for i, report in enumerate(reports[code]):
                if code == late:
                    continue
                if index == 1 and code == "rs" and i == 0:
                    # One report sent back by the office, so the returned state and its comment show.
                    services.return_report(report=report, user=people["office"], comment=RETURN_COMMENT)
                else:
                    services.accept(report=report, user=people["office"])
    if late:  # awaiting the office's review, so the queue is not empty
        _sign_off(reports[late], people, late, due + 3 * day)
    _reminders(rnd, due + 7 * day)


def _sign_off(reports, people, code, day):
    with simulated(at(day, 10)):
        reports = [services.submit(report=report, user=people[f"{code}_reporter"]) for report in reports]
    with simulated(at(day, 16)):
        return [services.approve(report=report, user=people[f"{code}_approver"]) for report in reports]


def _publish_bulletin(rnd, office):
    """The second quarter is closed and its 调度通报 published to the member units."""
    from rollups import services as rollup_services

    with simulated(at(rnd.due_on + datetime.timedelta(days=10), 10)):
        services.close_round(round=rnd, user=office)
    with simulated(at(rnd.due_on + datetime.timedelta(days=12), 15)):
        bulletin = rollup_services.draft_bulletin(round=rnd, user=office)
        rollup_services.publish_bulletin(bulletin=bulletin, user=office, link=f"/reports/rounds/{rnd.pk}/bulletin/")


def _run_fourth_quarter(rnd, people):
    """The fourth quarter: open, the federation's first drafts, then nobody submits by 2022-01-10 —
    the reminder job's steps go out and the office chases the late units (省人社厅 twice)."""
    day = datetime.timedelta(days=1)
    with simulated(at(rnd.opens_on, 9)):
        reminders.notify_round_opened(rnd)
    with simulated(at(rnd.opens_on + 5 * day, 10)):
        for report in ProgressReport.objects.filter(round=rnd, unit__code="cl").select_related("task")[:5]:
            services.save_draft(report=report, user=people["cl_reporter"], version=report.version,
                                progress=f"{report.task.short_text}：第四季度工作正在推进，年底前完成全年任务。")
    _reminders(rnd, rnd.due_on - 3 * day)
    _reminders(rnd, rnd.due_on + day)
    with simulated(at(rnd.due_on + 2 * day, 10)):
        reminders.chase_late_units(rnd=rnd, user=people["office"], today=rnd.due_on + 2 * day)
    _reminders(rnd, rnd.due_on + 7 * day)
    with simulated(at(rnd.due_on + 7 * day, 15)):
        reminders.chase_unit(rnd=rnd, unit=Unit.objects.get(committee=rnd.plan.committee, code="rs"),
                             user=people["office"], message=CHASE_AGAIN)


# 督办: the daily job as it ran in October 2021 (the third quarter was due 10 October). 省人社厅's returned
# report is never resubmitted: 提示单 on the 11th, 督办单（黄） on the 18th, 督办单（红） on the 26th. Tasks lagging
# 序时进度 get their 提示单 on the 11th and their 督办单（黄） on the 26th (15 days ≥ 14).
SUPERVISION_DAYS = [datetime.date(2021, 10, 11), datetime.date(2021, 10, 18), datetime.date(2021, 10, 26)]
INSTRUCTION = ("请省残联对照年度目标查找差距，第四季度集中攻坚，确保按期完成；在下一期报告中报告落实情况。",
               datetime.date(2021, 11, 5))
INSTRUCTION_ANSWER = ("已召开专题推进会，逐市（州）分解第四季度任务，建立周调度机制，确保年底前全面完成。",
                      datetime.date(2021, 12, 20))


def _load_supervision():
    """The October 2021 escalation runs, and the leader's 批示 to 省残联 answered in its Q4 draft. Once."""
    from rollups.models import Instruction, SupervisionItem
    from rollups.supervision import services as supervision

    plan = WorkPlan.objects.filter(committee__code="jilin", doc_number="吉政残工委发〔2021〕2号").first()
    User = get_user_model()
    leader, reporter = User.objects.filter(username="leader").first(), User.objects.filter(username="cl_reporter").first()
    if plan is None or leader is None or reporter is None or SupervisionItem.objects.filter(plan=plan).exists():
        return
    for day in SUPERVISION_DAYS:  # on the demo's clock: every step and notification dated that morning
        with simulated(at(day, 8)):
            supervision.run_escalation(today=day)
    draft = (ProgressReport.objects.filter(round__plan=plan, round__period_label=ROUNDS[2][0], unit__code="cl",
                                           status=ProgressReport.Status.DRAFT)
             .select_related("task", "unit").order_by("task__order").first())
    if draft is None or Instruction.objects.filter(plan=plan).exists():
        return
    text, written = INSTRUCTION
    with simulated(at(written, 10)):
        instruction = supervision.write_instruction(plan=plan, user=leader, text=text, task=draft.task,
                                                    unit=draft.unit)
    with simulated(at(INSTRUCTION_ANSWER[1], 10)):
        supervision.answer_instruction(instruction=instruction, report=draft, user=reporter,
                                       text=INSTRUCTION_ANSWER[0])


SCORING_ITEMS = [  # the demo's 考核办法: "按时报送 6分；缺报1次扣1分，迟报1次扣0.5分" and the rest
    {"kind": "timeliness", "label": "按时报送", "points": Decimal(6), "per_missing": Decimal(1),
     "per_late": Decimal("0.5")},
    {"kind": "completeness", "label": "报送完整", "points": Decimal(14)},
    {"kind": "returns", "label": "报告质量", "points": Decimal(10), "per_return": Decimal(2)},
    {"kind": "targets", "label": "目标完成", "points": Decimal(40)},
    {"kind": "tasks", "label": "任务完成", "points": Decimal(30)},
    {"kind": "adjustments", "label": "加分/扣分", "points": Decimal(5)},
]


def _load_scoring():
    """The 2021 考核办法 of the 吉林省 committee, with one bonus entered by the office."""
    committee = Committee.objects.filter(code="jilin").first()
    office = get_user_model().objects.filter(username="office").first()
    if committee is None or office is None or ScoringScheme.objects.filter(committee=committee, year=2021).exists():
        return
    with simulated(at(SCHEME_ENTERED_ON)), transaction.atomic():
        scheme = save_scheme(
            user=office, committee=committee, year=2021, title="2021年度省政府残工委成员单位工作考核办法",
            doc_number="吉政残工委办发〔2021〕5号", excellent_from=Decimal(90), good_from=Decimal(80),
            fair_from=Decimal(60), items=[{**row, "order": i} for i, row in enumerate(SCORING_ITEMS)])
    unit = Unit.objects.filter(committee=committee, short_name="省民政厅").first()
    if unit is not None:
        with simulated(at(BONUS_ENTERED_ON)):
            add_adjustment(user=office, scheme=scheme, unit=unit, points=Decimal(2), reason="获评全省残疾人工作先进集体",
                           evidence="吉政残工委发〔2021〕9号通报")


def _load_committee():
    spec = json.loads((DATA / "jilin-units.json").read_text(encoding="utf-8"))
    committee = Committee.objects.create(**spec["committee"])
    units = {}
    for order, item in enumerate(spec["units"], start=1):
        units[item["code"]] = create_unit(
            committee=committee, code=item["code"], short_name=item["short_name"], full_name=item["full_name"],
            kind=item["kind"], order=order, aliases=item.get("aliases", []),
        )
    for order, item in enumerate(spec["renamed"], start=len(units) + 1):
        old = create_unit(committee=committee, code=item["code"], short_name=item["short_name"],
                          full_name=item["full_name"], order=order)
        rename_unit(unit=old, successor=units[item["successor"]],
                    renamed_on=datetime.date.fromisoformat(item["renamed_on"]))
    committee.office_unit = units[spec["office_unit"]]
    committee.save(update_fields=["office_unit"])
    add_alias(unit=units["cl"], name="省残疾人联合会")
    return committee


def _load_people(committee):
    User = get_user_model()
    people = {}
    for username, name, unit_code, roles in DEMO_PEOPLE:
        user = User.objects.create_user(username=username, password=DEMO_PASSWORD, first_name=name,
                                        email=f"{username}@example.invalid")
        unit = Unit.objects.get(committee=committee, code=unit_code)
        for role in roles:
            grant_role(user=user, unit=unit, role=role)
        people[username] = user
    User.objects.create_superuser(username="admin", password=DEMO_PASSWORD, email="admin@example.invalid",
                                  first_name="系统管理员")
    return people


def _load_plan(committee, office):
    structure = json.loads((DATA / "jilin-2021-key-tasks.json").read_text(encoding="utf-8"))
    return create_plan_from_structure(committee=committee, structure=structure, status=WorkPlan.Status.PUBLISHED,
                                      created_by=office, source_name="jilin-2021-key-tasks.txt")


def _draft(report, people, code, quarter_index):
    """The unit's reporter drafts the quarter's narrative and figures (a participating unit leaves the
    figures to the lead unit, and says so)."""
    task, is_lead = report.task, report.task.assignments.filter(unit=report.unit, role="lead").exists()
    quarter = "第二季度" if quarter_index == 0 else "第三季度"
    figures = {}
    if is_lead:
        for target in task.targets.all():
            if target.measure_unit == "%":
                figures[target.pk] = (target.value - Decimal(3 - quarter_index * 2)).max(Decimal(0))
            else:
                figures[target.pk] = (target.value * PACE[quarter_index]).quantize(Decimal(1), ROUND_HALF_UP)
    else:
        for target in task.targets.all():
            figures[target.pk] = ("", "该指标由牵头单位统一统计报送。")
    progress = (
        f"{quarter}，{report.unit.short_name}按照任务分工，围绕“{task.short_text}”制定了工作方案，"
        f"{'牵头' if is_lead else '配合'}推进各项措施落实，阶段性任务按计划完成。"
    )
    return services.save_draft(
        report=report, user=people[f"{code}_reporter"], version=report.version, progress=progress,
        problems="基层工作力量不足，部分市县进度不均衡。" if quarter_index else
        ("上半年部分资金尚未下达，项目集中在下半年实施。" if figures else ""),
        next_steps="加强督导调度，确保年底前全面完成任务。", figures=figures,
    )


# ---------------------------------------------------------------- 十四五 plan, indicators, yearly values

FYP_TITLE = "吉林省“十四五”残疾人保障和发展规划"
# Values entered by the office for 2021–2025 with their source; None: the year comes from the roll-up of the
# annual plan's targets linked to the indicator (the 2021 key-task plan's targets).
FYP_VALUES = {
    1: ["95.5", "96", "96.2", "96.5", "97"],
    2: ["88.5", "89", "89.3", "89.8", "90.2"],
    3: ["95.2", "95.5", "96", "96.1", "96.3"],
    4: [None, "21000", "20500", "21000", "22000"],
    5: [None, "5200", "5300", "5400", "5500"],
    6: ["95.5", "96", "96.3", "96.8", "97.2"],
    7: ["81", "82", "82.5", "83.8", "84.6"],
    8: ["81.5", "83", "84", "85", "85.5"],
    9: [None, "2000", "2100", "2200", "2300"],
    10: ["29", "28", "27.5", "26", "24.8"],
}
FYP_ENTERED_ON = datetime.date(2021, 10, 20)  # three weeks after the plan was issued (2021-09-30)


def fyp_values_entered_on(year: int) -> datetime.date:
    """A year's indicator values are entered when its 统计公报 is published, in the spring after."""
    return datetime.date(year + 1, 4, 30)


FYP_LINKS = {"城镇新增残疾人就业": 5, "培训残疾人": 4, "困难残疾人家庭无障碍改造": 9}


def _load_five_year_plan():
    """The province's 十四五 plan with its ten main indicators (imported from the plan's indicator table),
    the 2021 plan's targets linked to them and five years of values, so the mid-term (2023) and final (2025)
    evaluations have something to say. Once."""
    from targets import services as indicator_services
    from targets.models import Target

    committee = Committee.objects.filter(code="jilin").first()
    office = get_user_model().objects.filter(username="office").first()
    if committee is None or office is None or WorkPlan.objects.filter(committee=committee, title=FYP_TITLE).exists():
        return
    with simulated(at(FYP_ENTERED_ON)), transaction.atomic():
        plan = WorkPlan.objects.create(committee=committee, title=FYP_TITLE, kind=WorkPlan.Kind.FIVE_YEAR,
                                       issuer="吉林省人民政府", doc_number="吉政发〔2021〕20号",
                                       issued_on=datetime.date(2021, 9, 30), period_start=2021, period_end=2025,
                                       status=WorkPlan.Status.PUBLISHED, created_by=office)
        preview = indicator_services.preview_table(
            user=office, plan=plan, content=(DATA / "jilin-14th-fyp-indicators.txt").read_bytes())
        choices = {name: (str(sugg[0][1]) if sugg and sugg[0][2] >= 85 else "ignore")
                   for name, sugg in preview["unknown_units"].items()}
        indicator_services.confirm_table(user=office, plan=plan, preview=preview, unit_choices=choices)
        by_number = {i.number: i for i in plan.indicators.all()}
        annual = WorkPlan.objects.filter(committee=committee, doc_number="吉政残工委发〔2021〕2号").first()
        if annual is not None:
            links = {t.pk: by_number[FYP_LINKS[t.indicator]].pk
                     for t in Target.objects.filter(task__plan=annual, indicator__in=FYP_LINKS)}
            indicator_services.link_targets(user=office, plan=annual, links=links)
    for year in range(2021, 2026):  # each year's values entered when that year's 统计公报 came out
        with simulated(at(fyp_values_entered_on(year))), transaction.atomic():
            for number, values in FYP_VALUES.items():
                value = values[year - 2021]
                if value is not None:
                    indicator_services.set_value(user=office, indicator=by_number[number], year=year,
                                                 value=Decimal(value),
                                                 source=f"{year}年吉林省残疾人事业发展统计公报")
