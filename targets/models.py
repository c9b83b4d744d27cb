"""Quantitative targets of tasks ("城镇新增就业5600人以上") and their split among units."""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tasks.models import Task, WorkPlan
from units.models import Committee, Unit

FIGURE = {"max_digits": 18, "decimal_places": 4}


class Target(models.Model):
    class Comparator(models.TextChoices):
        AT_LEAST = ">=", _("不少于")
        AT_MOST = "<=", _("不超过")
        EXACTLY = "==", _("等于")

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="targets")
    indicator = models.CharField(_("指标"), max_length=200)
    value = models.DecimalField(_("目标值"), **FIGURE)
    measure_unit = models.CharField(_("计量单位"), max_length=20, help_text=_("人、人次、户、个、处、%、元……"))
    comparator = models.CharField(_("比较方式"), max_length=2, choices=Comparator.choices, default=Comparator.AT_LEAST)
    per_unit = models.BooleanField(_("各地分别达到"), default=False, help_text=_("如“各市（州）至少新建2处”"))
    ambiguous = models.BooleanField(_("待确认"), default=False, help_text=_("导入时无法确定是否为目标，需人工确认"))
    baseline = models.DecimalField(_("基数"), null=True, blank=True, **FIGURE)
    quote = models.CharField(_("原文"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    allocation_note = models.CharField(
        _("分解说明"), max_length=300, blank=True,
        help_text=_("分解值合计与目标值不一致时须说明原因，如“各区市至少新建2处，另由省级统筹1处”"),
    )
    plan_indicator = models.ForeignKey(
        "PlanIndicator", verbose_name=_("服务的规划主要指标"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="targets", help_text=_("本目标服务的五年规划主要指标（年度计划目标 → 规划指标）"),
    )
    pace_weights = models.JSONField(
        _("序时进度权重"), default=list, blank=True,
        help_text=_("各期权重，如 [1, 1, 1, 3] 表示四季度集中完成；留空为按时间均匀推进"),
    )

    class Meta:
        verbose_name = _("量化目标")
        verbose_name_plural = _("量化目标")
        ordering = ["task", "order"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="target_value_not_negative"),
            models.CheckConstraint(condition=Q(baseline__isnull=True) | Q(baseline__gte=0), name="target_baseline_not_negative"),
            models.CheckConstraint(condition=Q(comparator__in=[">=", "<=", "=="]), name="target_comparator_valid"),
        ]

    def __str__(self):
        return f"{self.indicator} {self.get_comparator_display()}{self.display_value}{self.measure_unit}"

    @property
    def display_value(self):
        value = self.value.normalize() if isinstance(self.value, Decimal) else self.value
        return f"{value:f}" if isinstance(value, Decimal) else str(value)


class Allocation(models.Model):
    """A target's share for one member unit or for one lower committee."""

    target = models.ForeignKey(Target, verbose_name=_("目标"), on_delete=models.CASCADE, related_name="allocations")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="allocations")
    committee = models.ForeignKey(
        Committee, verbose_name=_("下级残工委"), null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    value = models.DecimalField(_("分解值"), **FIGURE)

    class Meta:
        verbose_name = _("目标分解")
        verbose_name_plural = _("目标分解")
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="allocation_value_not_negative"),
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(committee__isnull=True)) | (Q(unit__isnull=True) & Q(committee__isnull=False)),
                name="allocation_to_unit_xor_committee",
            ),
            models.UniqueConstraint(fields=["target", "unit"], condition=Q(unit__isnull=False), name="allocation_unit_once"),
            models.UniqueConstraint(
                fields=["target", "committee"], condition=Q(committee__isnull=False), name="allocation_committee_once"
            ),
        ]

    def __str__(self):
        return f"{self.target.indicator} → {self.unit or self.committee}: {self.value}"


class PlanIndicator(models.Model):
    """One main indicator (主要指标) of a five-year plan: 城乡残疾人基本康复服务覆盖率 2020年80% → 2025年85%."""

    class Kind(models.TextChoices):
        BINDING = "binding", _("约束性")
        EXPECTED = "expected", _("预期性")

    class Direction(models.TextChoices):
        AT_LEAST = ">=", _("不低于")
        AT_MOST = "<=", _("不高于")

    plan = models.ForeignKey(WorkPlan, verbose_name=_("五年规划"), on_delete=models.CASCADE, related_name="indicators")
    number = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("指标"), max_length=200)
    measure_unit = models.CharField(_("单位"), max_length=20, blank=True, help_text=_("%、万人、人次……"))
    baseline = models.DecimalField(_("基期值"), null=True, blank=True, **FIGURE, help_text=_("规划基期（如2020年）的值"))
    target_value = models.DecimalField(_("目标值"), **FIGURE, help_text=_("规划期末（如2025年）的值"))
    kind = models.CharField(_("属性"), max_length=8, choices=Kind.choices, default=Kind.EXPECTED)
    direction = models.CharField(_("方向"), max_length=2, choices=Direction.choices, default=Direction.AT_LEAST)
    cumulative = models.BooleanField(_("规划期累计"), default=False,
                                     help_text=_("目标为五年累计数（如“累计新增就业50万人”）；否则为期末水平（如覆盖率）"))
    responsible_unit = models.ForeignKey(Unit, verbose_name=_("责任单位"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="plan_indicators")
    weight = models.DecimalField(_("权重"), null=True, blank=True, max_digits=6, decimal_places=2)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("规划指标修改历史"))

    class Meta:
        verbose_name = _("规划主要指标")
        verbose_name_plural = _("规划主要指标")
        ordering = ["plan", "number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_indicator_number_once",
                                    violation_error_message=_("同一规划中指标序号不能重复。")),
            models.UniqueConstraint(fields=["plan", "name"], name="plan_indicator_name_once",
                                    violation_error_message=_("同一规划中指标名称不能重复。")),
            models.CheckConstraint(condition=Q(kind__in=["binding", "expected"]), name="plan_indicator_kind_valid"),
            models.CheckConstraint(condition=Q(direction__in=[">=", "<="]), name="plan_indicator_direction_valid"),
            models.CheckConstraint(condition=Q(weight__isnull=True) | Q(weight__gte=0), name="plan_indicator_weight_not_negative",
                                   violation_error_message=_("权重不能为负数。")),
            models.CheckConstraint(condition=~Q(name=""), name="plan_indicator_has_name"),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"


class IndicatorValue(models.Model):
    """A value of an indicator for one year, entered by the office with its source (统计公报、年报……).

    When a year has no entered value, the evaluation takes the roll-up of the annual targets linked to
    the indicator. Every change is kept (history)."""

    indicator = models.ForeignKey(PlanIndicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(_("年度"))
    value = models.DecimalField(_("数值"), **FIGURE)
    source = models.CharField(_("数据来源"), max_length=200)
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords(verbose_name=_("指标数值修改历史"))

    class Meta:
        verbose_name = _("指标年度数值")
        verbose_name_plural = _("指标年度数值")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="indicator_value_once_per_year",
                                    violation_error_message=_("该指标该年度已有数值。")),
            models.CheckConstraint(condition=Q(year__gte=1949, year__lte=2100), name="indicator_value_year_plausible"),
            models.CheckConstraint(condition=~Q(source=""), name="indicator_value_has_source",
                                   violation_error_message=_("请填写数据来源。")),
        ]

    def __str__(self):
        return f"{self.indicator.name} · {self.year}: {self.value}"
