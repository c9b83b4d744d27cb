"""Reporting rounds, units' progress reports and the figures they report.

Nothing submitted is ever lost: reports and figures keep every saved version in
their history tables (django-simple-history), and ``version`` guards against two
people overwriting each other (optimistic locking).
"""
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from targets.models import FIGURE, Target
from tasks.models import Task, WorkPlan
from units.models import Unit


class ReportingRound(models.Model):
    """One reporting period of a plan (2021年第一季度) with its opening and due dates."""

    class PeriodKind(models.TextChoices):
        MONTH = "month", _("月报")
        QUARTER = "quarter", _("季报")
        HALF_YEAR = "half_year", _("半年报")
        YEAR = "year", _("年报")
        EXTRA = "extra", _("专项调度")

    # PROTECT: a plan that has reporting rounds (and so reports, history, refused edits) cannot be
    # deleted, not even by a superuser in the admin; close it instead.
    plan = models.ForeignKey(WorkPlan, verbose_name=_("工作计划"), on_delete=models.PROTECT, related_name="rounds")
    period_kind = models.CharField(_("周期"), max_length=10, choices=PeriodKind.choices)
    period_label = models.CharField(_("期次"), max_length=40, help_text=_("如 2021年第一季度"))
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    opens_on = models.DateField(_("开始填报"))
    due_on = models.DateField(_("截止日期"))
    closed = models.BooleanField(_("已关闭"), default=False, help_text=_("关闭后不能再填报或修改"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("填报轮次")
        verbose_name_plural = _("填报轮次")
        ordering = ["plan", "period_end", "period_kind"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "period_kind", "period_label"], name="round_unique_per_period"),
            models.CheckConstraint(condition=Q(due_on__gte=F("opens_on")), name="round_due_after_opening"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="round_period_ordered"),
        ]
        indexes = [models.Index(fields=["due_on"])]

    def __str__(self):
        return f"{self.plan.title} · {self.period_label}"

    def clean(self):
        if self.plan_id:
            from security.dates import check_plan_dates

            check_plan_dates(self.plan, period_start=(self.period_start, _("期间开始")),
                             period_end=(self.period_end, _("期间结束")), opens_on=(self.opens_on, _("开始填报")),
                             due_on=(self.due_on, _("截止日期")))


class ProgressReport(models.Model):
    """A unit's report on one task for one round: narrative plus target figures."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待单位审核")
        APPROVED = "approved", _("待办公室审阅")
        RETURNED = "returned", _("已退回")
        ACCEPTED = "accepted", _("已采纳")

    round = models.ForeignKey(ReportingRound, verbose_name=_("填报轮次"), on_delete=models.CASCADE, related_name="reports")
    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="reports")
    progress = models.TextField(_("进展情况"), blank=True, max_length=5000, validators=[MaxLengthValidator(5000)])
    problems = models.TextField(_("存在问题"), blank=True, max_length=3000, validators=[MaxLengthValidator(3000)])
    next_steps = models.TextField(_("下步打算"), blank=True, max_length=3000, validators=[MaxLengthValidator(3000)])
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("最后修改人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审阅时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审阅人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    empty_reasons = models.JSONField(
        _("未填目标值的原因"), default=dict, blank=True,
        help_text=_("参加单位可不填某项目标的完成值，但须说明原因：{目标id: 原因}"),
    )
    review_comment = models.TextField(_("审阅意见"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)])
    comment_reply = models.TextField(
        _("对退回意见的答复"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)],
        help_text=_("填报人对最近一次退回意见的答复；再次退回时清空"),
    )

    history = HistoricalRecords(verbose_name=_("填报历史"))

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["round", "task__order", "unit__order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "task", "unit"], name="report_once_per_round_task_unit"),
            models.CheckConstraint(condition=Q(version__gte=1), name="report_version_positive"),
        ]
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["task", "status"])]

    def __str__(self):
        return f"{self.round.period_label} · {self.task.ref} · {self.unit}"

    def get_status_display(self):
        """The status's label (Django's generated method hashes every choice's lazy label on each call:
        a third of the reporter's home page at province scale)."""
        try:
            return self.Status(self.status).label
        except ValueError:
            return self.status

    @property
    def return_pending(self) -> bool:
        """Returned with a comment and not resubmitted yet: the comment stays in view, highlighted."""
        return bool(self.review_comment) and self.status in (self.Status.DRAFT, self.Status.RETURNED)


class TargetValue(models.Model):
    """The cumulative figure a unit reports for one target in one report."""

    report = models.ForeignKey(ProgressReport, verbose_name=_("进展报告"), on_delete=models.CASCADE, related_name="values")
    target = models.ForeignKey(Target, verbose_name=_("目标"), on_delete=models.CASCADE, related_name="values")
    value = models.DecimalField(_("累计完成"), **FIGURE)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    below_last = models.BooleanField(
        _("低于上期采纳值"), default=False,
        help_text=_("填报人确认累计数低于本单位上期采纳的累计数（原因写在说明中）；办公室审阅时会看到提示"),
    )

    history = HistoricalRecords(verbose_name=_("数值历史"))

    class Meta:
        verbose_name = _("目标完成值")
        verbose_name_plural = _("目标完成值")
        constraints = [
            models.UniqueConstraint(fields=["report", "target"], name="value_once_per_report_target"),
            models.CheckConstraint(condition=Q(value__gte=0), name="value_not_negative"),
        ]

    def __str__(self):
        return f"{self.target.indicator}: {self.value}"


class DeadlineExtension(models.Model):
    """A later due date granted to one unit for one round."""

    round = models.ForeignKey(ReportingRound, verbose_name=_("填报轮次"), on_delete=models.CASCADE, related_name="extensions")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="extensions")
    due_on = models.DateField(_("延期至"))
    reason = models.CharField(_("原因"), max_length=300, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("批准人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(_("批准时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("延期")
        verbose_name_plural = _("延期")
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="extension_once_per_round_unit")]

    def __str__(self):
        return f"{self.round.period_label} · {self.unit} → {self.due_on}"


class RefusedEdit(models.Model):
    """An edit refused because someone else saved first: kept so that nothing typed is lost."""

    report = models.ForeignKey(ProgressReport, verbose_name=_("进展报告"), on_delete=models.CASCADE, related_name="refused_edits")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, on_delete=models.SET_NULL, related_name="+")
    based_on_version = models.PositiveIntegerField(_("所基于的版本"))
    payload = models.JSONField(_("提交内容"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("未保存的冲突修改")
        verbose_name_plural = _("未保存的冲突修改")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.report} · v{self.based_on_version} · {self.user}"
