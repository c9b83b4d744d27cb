"""Quantitative targets of tasks ("城镇新增就业5600人以上") and their split among units."""
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tasks.models import Task
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
