"""考核: a committee's scoring scheme (考核办法) for one year, its items, bands and the office's
bonus/deduction entries. The scores themselves are computed on demand from the reports and
the stored roll-up (``rollups.scoring``), never stored, so they always match their evidence.

Imported by ``rollups.models`` (Django finds the models there); kept in a file of its own.
"""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from targets.models import Target
from units.models import Committee, Unit

POINTS = {"max_digits": 6, "decimal_places": 2}


class ScoringScheme(models.Model):
    """The 考核办法 of one committee for one year: what is scored, how, and the bands."""

    committee = models.ForeignKey(Committee, verbose_name=_("残工委"), on_delete=models.CASCADE,
                                  related_name="scoring_schemes")
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=120, help_text=_("如 2021年度成员单位工作考核办法"))
    doc_number = models.CharField(_("文号"), max_length=60, blank=True)
    score_member_units = models.BooleanField(_("考核成员单位"), default=True,
                                             help_text=_("本残工委承担本年度任务的全部成员单位"))
    units = models.ManyToManyField(Unit, verbose_name=_("只考核以下成员单位"), blank=True, related_name="+",
                                   help_text=_("留空则考核全部承担任务的成员单位"))
    lower_committees = models.ManyToManyField(Committee, verbose_name=_("考核的下级残工委"), blank=True,
                                              related_name="+", help_text=_("按各下级残工委本级计划的汇总数据考核"))
    excellent_from = models.DecimalField(_("优秀（不低于）"), default=90, **POINTS)
    good_from = models.DecimalField(_("良好（不低于）"), default=80, **POINTS)
    fair_from = models.DecimalField(_("一般（不低于）"), default=60, **POINTS,
                                    help_text=_("低于此分为较差"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords(verbose_name=_("考核办法修改历史"), m2m_fields=[units, lower_committees])

    class Meta:
        verbose_name = _("考核办法")
        verbose_name_plural = _("考核办法")
        ordering = ["-year", "committee"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "year"], name="scoring_scheme_once_per_committee_year",
                                    violation_error_message=_("本残工委该年度已有考核办法。")),
            models.CheckConstraint(condition=Q(year__gte=1949, year__lte=2100), name="scoring_scheme_year_plausible"),
            models.CheckConstraint(
                condition=Q(excellent_from__gt=F("good_from"), good_from__gt=F("fair_from"), fair_from__gte=0),
                name="scoring_scheme_bands_ordered",
                violation_error_message=_("等次分数线须依次降低：优秀 > 良好 > 一般 ≥ 0。"),
            ),
        ]

    def __str__(self):
        return f"{self.committee} · {self.year} · {self.title}"


class ScoringItem(models.Model):
    """One item of a scheme, e.g. 按时报送 6分；缺报1次扣1分，迟报1次扣0.5分."""

    class Kind(models.TextChoices):
        TIMELINESS = "timeliness", _("按时报送")
        COMPLETENESS = "completeness", _("报送完整")
        RETURNS = "returns", _("退回")
        TARGETS = "targets", _("目标完成")
        TASKS = "tasks", _("任务完成")
        ADJUSTMENTS = "adjustments", _("加分/扣分")

    scheme = models.ForeignKey(ScoringScheme, verbose_name=_("考核办法"), on_delete=models.CASCADE,
                               related_name="items")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    label = models.CharField(_("名称"), max_length=60, blank=True, help_text=_("留空则用类型名称"))
    points = models.DecimalField(_("分值"), **POINTS,
                                 help_text=_("本项满分；加分/扣分项为加分上限（0 为不设上限）"))
    per_missing = models.DecimalField(_("缺报每次扣分"), default=0, **POINTS)
    per_late = models.DecimalField(_("迟报每次扣分"), default=0, **POINTS)
    per_return = models.DecimalField(_("退回每次扣分"), default=0, **POINTS)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    history = HistoricalRecords(verbose_name=_("考核项目修改历史"))

    class Meta:
        verbose_name = _("考核项目")
        verbose_name_plural = _("考核项目")
        ordering = ["scheme", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "kind"], name="scoring_item_once_per_scheme",
                                    violation_error_message=_("同一类型的考核项目只能有一项。")),
            models.CheckConstraint(
                condition=Q(points__gte=0, per_missing__gte=0, per_late__gte=0, per_return__gte=0),
                name="scoring_item_points_not_negative",
                violation_error_message=_("分值和扣分标准不能为负数。"),
            ),
        ]

    def __str__(self):
        return f"{self.display_label} {self.points}"

    @property
    def display_label(self):
        # the enum's label, not get_kind_display(): that rebuilds the choices' dict on every call
        return self.label or str(self.Kind(self.kind).label)


class TargetWeight(models.Model):
    """The weight of one target in a scheme's 目标完成 item (targets without a row weigh 1)."""

    scheme = models.ForeignKey(ScoringScheme, verbose_name=_("考核办法"), on_delete=models.CASCADE,
                               related_name="target_weights")
    target = models.ForeignKey(Target, verbose_name=_("目标"), on_delete=models.CASCADE, related_name="+")
    weight = models.DecimalField(_("权重"), **POINTS)

    history = HistoricalRecords(verbose_name=_("目标权重修改历史"))

    class Meta:
        verbose_name = _("目标权重")
        verbose_name_plural = _("目标权重")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "target"], name="target_weight_once_per_scheme"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="target_weight_not_negative",
                                   violation_error_message=_("权重不能为负数。")),
        ]

    def __str__(self):
        return f"{self.target_id} × {self.weight}"


class ScoreAdjustment(models.Model):
    """A bonus (加分) or deduction (扣分) the office enters for a unit or lower committee, with its reason."""

    scheme = models.ForeignKey(ScoringScheme, verbose_name=_("考核办法"), on_delete=models.CASCADE,
                               related_name="adjustments")
    unit = models.ForeignKey(Unit, verbose_name=_("成员单位"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    committee = models.ForeignKey(Committee, verbose_name=_("下级残工委"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="+")
    points = models.DecimalField(_("分数"), **POINTS, help_text=_("加分为正数，扣分为负数"))
    reason = models.CharField(_("事由"), max_length=200)
    evidence = models.TextField(_("依据"), blank=True, max_length=2000, help_text=_("文件、通报或材料名称"))
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords(verbose_name=_("加减分修改历史"))

    class Meta:
        verbose_name = _("加分/扣分")
        verbose_name_plural = _("加分/扣分")
        ordering = ["scheme", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False, committee__isnull=True) | Q(unit__isnull=True, committee__isnull=False)),
                name="score_adjustment_one_subject",
                violation_error_message=_("加分/扣分须对应一个成员单位或一个下级残工委。"),
            ),
            models.CheckConstraint(condition=~Q(points=0), name="score_adjustment_not_zero",
                                   violation_error_message=_("分数不能为0。")),
            models.CheckConstraint(condition=~Q(reason=""), name="score_adjustment_has_reason",
                                   violation_error_message=_("请填写加分或扣分的事由。")),
        ]

    def __str__(self):
        return f"{self.unit or self.committee} {self.points:+} {self.reason}"
