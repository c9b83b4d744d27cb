"""factory_boy factories for every model; later tests build on these."""
import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from reports.models import DeadlineExtension, ProgressReport, RefusedEdit, ReportingRound, TargetValue
from targets.models import Allocation, IndicatorValue, PlanIndicator, Target
from tasks.models import Assignment, Section, Task, WorkPlan
from units.models import Committee, Unit, UnitAlias, UnitRole


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.invalid")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"c{n}")
    name = factory.Sequence(lambda n: f"第{n}残疾人工作委员会")
    level = Committee.Level.PROVINCE


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    committee = factory.SubFactory(CommitteeFactory)
    code = factory.Sequence(lambda n: f"u{n}")
    short_name = factory.Sequence(lambda n: f"省单位{n}厅")
    full_name = factory.LazyAttribute(lambda o: f"全称{o.short_name}")
    order = factory.Sequence(lambda n: n)


class UnitAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitAlias

    unit = factory.SubFactory(UnitFactory)
    committee = factory.SelfAttribute("unit.committee")
    name = factory.Sequence(lambda n: f"别名{n}")


class UnitRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitRole

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = UnitRole.Role.REPORTER


class WorkPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkPlan

    committee = factory.SubFactory(CommitteeFactory)
    title = factory.Sequence(lambda n: f"2021年重点工作任务{n}")
    period_start = 2021
    period_end = 2021
    status = WorkPlan.Status.PUBLISHED


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    plan = factory.SubFactory(WorkPlanFactory)
    number = factory.Sequence(lambda n: f"节{n}")
    path = factory.SelfAttribute("number")
    title = factory.Sequence(lambda n: f"章节{n}")
    order = factory.Sequence(lambda n: n)


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    plan = factory.SubFactory(WorkPlanFactory)
    section = factory.SubFactory(SectionFactory, plan=factory.SelfAttribute("..plan"))
    ref = factory.Sequence(lambda n: str(n + 1))
    text = factory.Sequence(lambda n: f"完成第{n}项重点工作，确保取得实效。")
    order = factory.Sequence(lambda n: n)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    task = factory.SubFactory(TaskFactory)
    unit = factory.SubFactory(UnitFactory, committee=factory.SelfAttribute("..task.plan.committee"))
    role = Assignment.Role.LEAD


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    task = factory.SubFactory(TaskFactory)
    indicator = "城镇新增残疾人就业"
    value = Decimal("5600")
    measure_unit = "人"
    quote = "城镇新增就业5600人以上"


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    target = factory.SubFactory(TargetFactory)
    unit = factory.SubFactory(UnitFactory, committee=factory.SelfAttribute("..target.task.plan.committee"))
    value = Decimal("100")


class ReportingRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingRound

    plan = factory.SubFactory(WorkPlanFactory)
    period_kind = ReportingRound.PeriodKind.QUARTER
    period_label = factory.Sequence(lambda n: f"2021年第{n}期")
    period_start = datetime.date(2021, 4, 1)
    period_end = datetime.date(2021, 6, 30)
    opens_on = datetime.date(2021, 6, 20)
    due_on = datetime.date(2021, 7, 10)


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    round = factory.SubFactory(ReportingRoundFactory)
    task = factory.SubFactory(TaskFactory, plan=factory.SelfAttribute("..round.plan"))
    unit = factory.SubFactory(UnitFactory, committee=factory.SelfAttribute("..round.plan.committee"))


class TargetValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TargetValue

    report = factory.SubFactory(ProgressReportFactory)
    target = factory.SubFactory(TargetFactory, task=factory.SelfAttribute("..report.task"))
    value = Decimal("10")


class DeadlineExtensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeadlineExtension

    round = factory.SubFactory(ReportingRoundFactory)
    unit = factory.SubFactory(UnitFactory, committee=factory.SelfAttribute("..round.plan.committee"))
    due_on = datetime.date(2021, 7, 20)


class RefusedEditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RefusedEdit

    report = factory.SubFactory(ProgressReportFactory)
    based_on_version = 1
    payload = factory.LazyFunction(lambda: {"progress": "x"})


class ScoringSchemeFactory(factory.django.DjangoModelFactory):
    """A 考核办法 with the demo's six items (see ``scoring_items``)."""

    class Meta:
        model = "rollups.ScoringScheme"
        skip_postgeneration_save = True

    committee = factory.SubFactory(CommitteeFactory)
    year = 2021
    title = "2021年度成员单位工作考核办法"

    @factory.post_generation
    def items(self, create, extracted, **kwargs):
        if not create:
            return
        from rollups.models import ScoringItem

        for order, row in enumerate(extracted if extracted is not None else scoring_items()):
            ScoringItem.objects.create(scheme=self, order=order, **row)


def scoring_items():
    from decimal import Decimal as D

    return [
        {"kind": "timeliness", "label": "按时报送", "points": D(6), "per_missing": D(1), "per_late": D("0.5")},
        {"kind": "completeness", "label": "报送完整", "points": D(14)},
        {"kind": "returns", "label": "报告质量", "points": D(10), "per_return": D(2)},
        {"kind": "targets", "label": "目标完成", "points": D(40)},
        {"kind": "tasks", "label": "任务完成", "points": D(30)},
        {"kind": "adjustments", "label": "加分/扣分", "points": D(5)},
    ]


class ScoreAdjustmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "rollups.ScoreAdjustment"

    scheme = factory.SubFactory(ScoringSchemeFactory)
    points = 1
    reason = "获省政府表彰"


class FiveYearPlanFactory(WorkPlanFactory):
    title = factory.Sequence(lambda n: f"“十四五”残疾人保障和发展规划{n}")
    kind = WorkPlan.Kind.FIVE_YEAR
    period_start = 2021
    period_end = 2025


class PlanIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanIndicator

    plan = factory.SubFactory(FiveYearPlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"城乡残疾人基本康复服务覆盖率{n}")
    measure_unit = "%"
    baseline = Decimal("80")
    target_value = Decimal("85")
    kind = PlanIndicator.Kind.BINDING


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(PlanIndicatorFactory)
    year = 2021
    value = Decimal("82")
    source = "2021年残疾人事业发展统计公报"
