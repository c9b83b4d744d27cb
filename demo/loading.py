"""Demo data: the 吉林省 committee, its 2021 key-task plan, people and two quarters of reports.

Loaded by ``manage.py load_demo`` (and ``make run``). Reports go through the same
services as the web UI, so the demo also exercises the real workflow. Running it
again changes nothing.
"""
import datetime
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from reports import services
from reports.models import ProgressReport, ReportingRound, ReportingSchedule
from rollups.engine import recompute_plan
from rollups.models import ScoringScheme
from rollups.scoring.services import add_adjustment, save_scheme
from tasks.models import WorkPlan
from tasks.services import create_plan_from_structure
from units.models import Committee, Unit, UnitRole
from units.services import add_alias, create_unit, grant_role, rename_unit

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
RETURN_COMMENT = "请补充分市（州）完成情况和资金使用情况，并附相关证明材料。"
PACE = {0: Decimal("0.46"), 1: Decimal("0.79")}  # share of each target reached by the end of Q2, Q3


def demo_logins():
    return [(username, name) for username, name, _, _ in DEMO_PEOPLE] + [("admin", "系统管理员")]


def load_demo(stdout=None) -> bool:
    """Load everything; returns False when the demo was already there."""
    if WorkPlan.objects.filter(committee__code="jilin", doc_number="吉政残工委发〔2021〕2号").exists():
        _load_scoring()  # a demo loaded before 考核 existed gets its scheme too (once)
        _load_five_year_plan()  # and one loaded before the 十四五 indicators its five-year plan
        _load_supervision()  # and one loaded before 督办 its escalated items and a 批示
        return False
    with transaction.atomic():
        committee = _load_committee()
        people = _load_people(committee)
        plan = _load_plan(committee, people["office"])
    _load_reports(plan, people)
    _date_the_workflow(plan)
    _publish_bulletin(plan, people["office"])
    _load_scoring()
    _load_five_year_plan()
    _load_supervision()
    return True


def _publish_bulletin(plan, office):
    """The second quarter is closed and its 调度通报 published to the member units."""
    from rollups import services as rollup_services

    rnd = plan.rounds.get(period_label=ROUNDS[0][0])
    services.close_round(round=rnd, user=office)
    bulletin = rollup_services.draft_bulletin(round=rnd, user=office)
    rollup_services.publish_bulletin(bulletin=bulletin, user=office, link=f"/reports/rounds/{rnd.pk}/bulletin/")


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
    from rollups.models import Instruction, InstructionAnswer, SupervisionItem
    from rollups.supervision import services as supervision

    plan = WorkPlan.objects.filter(committee__code="jilin", doc_number="吉政残工委发〔2021〕2号").first()
    User = get_user_model()
    leader, reporter = User.objects.filter(username="leader").first(), User.objects.filter(username="cl_reporter").first()
    if plan is None or leader is None or reporter is None or SupervisionItem.objects.filter(plan=plan).exists():
        return
    for day in SUPERVISION_DAYS:
        supervision.run_escalation(today=day)
    draft = (ProgressReport.objects.filter(round__plan=plan, round__period_label=ROUNDS[2][0], unit__code="cl",
                                           status=ProgressReport.Status.DRAFT)
             .select_related("task", "unit").order_by("task__order").first())
    if draft is None or Instruction.objects.filter(plan=plan).exists():
        return
    text, written = INSTRUCTION
    instruction = supervision.write_instruction(plan=plan, user=leader, text=text, task=draft.task, unit=draft.unit)
    answer = supervision.answer_instruction(instruction=instruction, report=draft, user=reporter,
                                            text=INSTRUCTION_ANSWER[0])

    def at(day):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))

    Instruction.objects.filter(pk=instruction.pk).update(created_at=at(written))
    InstructionAnswer.objects.filter(pk=answer.pk).update(answered_at=at(INSTRUCTION_ANSWER[1]))


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
    with transaction.atomic():
        scheme = save_scheme(
            user=office, committee=committee, year=2021, title="2021年度省政府残工委成员单位工作考核办法",
            doc_number="吉政残工委办发〔2021〕5号", excellent_from=Decimal(90), good_from=Decimal(80),
            fair_from=Decimal(60), items=[{**row, "order": i} for i, row in enumerate(SCORING_ITEMS)])
        unit = Unit.objects.filter(committee=committee, short_name="省民政厅").first()
        if unit is not None:
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


def _load_reports(plan, people):
    rounds = [
        services.create_round(plan=plan, period_kind=ReportingRound.PeriodKind.QUARTER, period_label=label,
                              period_start=start, period_end=end, opens_on=opens, due_on=due)
        for label, start, end, opens, due in ROUNDS
    ]
    ReportingSchedule.objects.get_or_create(plan=plan, frequency=ReportingSchedule.Frequency.QUARTER,
                                            defaults={"due_days": 10, "reminder_offsets": "-3,1,7"})
    for index, rnd in enumerate(rounds[:2]):
        for code in ("cl", "rs", "mz"):
            for report in ProgressReport.objects.filter(round=rnd, unit__code=code).select_related("task", "unit"):
                if index == 1 and code == "rs" and not ProgressReport.objects.filter(round=rnd, status="returned").exists():
                    # One report sent back by the office, so the returned state and its comment show.
                    report = _fill(report, people, code, index, finish=False)
                    services.return_report(report=report, user=people["office"], comment=RETURN_COMMENT)
                    continue
                _fill(report, people, code, index)
    # Q4 is under way: the federation has started its drafts.
    for report in ProgressReport.objects.filter(round=rounds[2], unit__code="cl").select_related("task")[:5]:
        services.save_draft(report=report, user=people["cl_reporter"], version=report.version,
                            progress=f"{report.task.short_text}：第四季度工作正在推进，年底前完成全年任务。")


def _date_the_workflow(plan):
    """The demo's 2021 reports went through the workflow just now; give them 2021 dates.

    Without this every report would count as submitted years late. Most units submit two
    days before the due date; 省民政厅 is three days late in the third quarter, so the
    timeliness table shows both. The roll-up is then recomputed from these dates.
    """
    def at(day, hour):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    for rnd in plan.rounds.all():
        for unit_code, shift in (("cl", -2), ("rs", -2), ("mz", 3 if rnd.period_label == ROUNDS[1][0] else -2)):
            submitted = rnd.due_on + datetime.timedelta(days=shift)
            reports = ProgressReport.objects.filter(round=rnd, unit__code=unit_code, submitted_at__isnull=False)
            reports.update(submitted_at=at(submitted, 10), approved_at=at(submitted, 16))
            reports.filter(reviewed_at__isnull=False).update(reviewed_at=at(submitted + datetime.timedelta(days=3), 11))
    recompute_plan(plan.pk, plan.period_start)


def _fill(report, people, code, quarter_index, finish=True):
    reporter, approver, office = people[f"{code}_reporter"], people[f"{code}_approver"], people["office"]
    task, is_lead = report.task, report.task.assignments.filter(unit=report.unit, role="lead").exists()
    quarter = "第二季度" if quarter_index == 0 else "第三季度"
    figures = {}
    if is_lead:
        for target in task.targets.all():
            if target.measure_unit == "%":
                figures[target.pk] = (target.value - Decimal(3 - quarter_index * 2)).max(Decimal(0))
            else:
                figures[target.pk] = (target.value * PACE[quarter_index]).quantize(Decimal(1), ROUND_HALF_UP)
    else:  # a participating unit leaves the figures to the lead unit, and says so
        for target in task.targets.all():
            figures[target.pk] = ("", "该指标由牵头单位统一统计报送。")
    progress = (
        f"{quarter}，{report.unit.short_name}按照任务分工，围绕“{task.short_text}”制定了工作方案，"
        f"{'牵头' if is_lead else '配合'}推进各项措施落实，阶段性任务按计划完成。"
    )
    report = services.save_draft(
        report=report, user=reporter, version=report.version, progress=progress,
        problems="基层工作力量不足，部分市县进度不均衡。" if quarter_index else
        ("上半年部分资金尚未下达，项目集中在下半年实施。" if figures else ""),
        next_steps="加强督导调度，确保年底前全面完成任务。", figures=figures,
    )
    report = services.submit(report=report, user=reporter)
    report = services.approve(report=report, user=approver)
    if not finish or (code == "mz" and quarter_index == 1):
        return report  # awaiting the office's review, so the queue is not empty
    return services.accept(report=report, user=office)


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
    with transaction.atomic():
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
        for number, values in FYP_VALUES.items():
            for year, value in zip(range(2021, 2026), values, strict=True):
                if value is not None:
                    indicator_services.set_value(user=office, indicator=by_number[number], year=year,
                                                 value=Decimal(value),
                                                 source=f"{year}年吉林省残疾人事业发展统计公报")
