"""Stored roll-ups (汇总) of a plan's year and the generated year-end summary files.

The roll-up is computed by ``rollups.engine`` (Celery jobs in ``rollups.jobs``) and read
by the dashboard, the year-end summary and the API, which never recompute it.

Every write of a plan-year happens in one transaction that holds the lock on the
plan-year's ``RollupRun`` row: a worker killed mid-run leaves the previous roll-up in
place (the transaction rolls back), and ``generation`` tells which run wrote a row.
"""
import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from targets.models import FIGURE, Target
from tasks.models import Task, WorkPlan
from units.models import Committee, Unit

RATIO = {"max_digits": 14, "decimal_places": 4}


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未启动")
    ON_TRACK = "on_track", _("进展顺利")
    BEHIND = "behind", _("进度滞后")
    AT_RISK = "at_risk", _("存在风险")
    DONE = "done", _("已完成")


class TargetStatus(models.TextChoices):
    NO_DATA = "no_data", _("暂无数据")
    ON_TRACK = "on_track", _("进度正常")
    BEHIND = "behind", _("进度滞后")
    AT_RISK = "at_risk", _("存在风险")
    REACHED = "reached", _("已达成")


class Light(models.TextChoices):
    """Traffic light of a task; always shown with its text, never by colour alone."""

    GREEN = "green", _("绿灯")
    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")
    GREY = "grey", _("灰灯")


LIGHT_OF_STATUS = {
    TaskStatus.NOT_STARTED: Light.GREY,
    TaskStatus.ON_TRACK: Light.GREEN,
    TaskStatus.DONE: Light.GREEN,
    TaskStatus.BEHIND: Light.YELLOW,
    TaskStatus.AT_RISK: Light.RED,
}


class RollupRun(models.Model):
    """The roll-up of one plan for one year: its stamp (lock row, generation) and plan-wide totals."""

    class Kind(models.TextChoices):
        FULL = "full", _("全量")
        INCREMENTAL = "incremental", _("增量")

    plan = models.ForeignKey(WorkPlan, verbose_name=_("工作计划"), on_delete=models.CASCADE, related_name="rollup_runs")
    year = models.PositiveSmallIntegerField(_("年度"))
    generation = models.PositiveIntegerField(_("批次号"), default=0, help_text=_("每完成一次汇总加一"))
    kind = models.CharField(_("方式"), max_length=12, choices=Kind.choices, default=Kind.FULL)
    computed_at = models.DateTimeField(_("汇总时间"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"), default=0)
    as_of = models.DateField(_("数据截至"), null=True, blank=True, help_text=_("已采纳数据所属的最晚期间"))
    tasks_total = models.PositiveIntegerField(_("任务数"), default=0)
    tasks_not_started = models.PositiveIntegerField(_("未启动"), default=0)
    tasks_on_track = models.PositiveIntegerField(_("进展顺利"), default=0)
    tasks_behind = models.PositiveIntegerField(_("进度滞后"), default=0)
    tasks_at_risk = models.PositiveIntegerField(_("存在风险"), default=0)
    tasks_done = models.PositiveIntegerField(_("已完成"), default=0)
    targets_total = models.PositiveIntegerField(_("目标数"), default=0)
    targets_reached = models.PositiveIntegerField(_("已达成目标"), default=0)
    targets_with_data = models.PositiveIntegerField(_("有数据的目标"), default=0)
    reports_expected = models.PositiveIntegerField(_("应报"), default=0)
    reports_on_time = models.PositiveIntegerField(_("按时报送"), default=0)
    reports_accepted = models.PositiveIntegerField(_("已采纳"), default=0)
    returns = models.PositiveIntegerField(_("退回次数"), default=0)

    class Meta:
        db_table = "reports_rolluprun"  # created by the reports app, before rollups had its own
        verbose_name = _("汇总批次")
        verbose_name_plural = _("汇总批次")
        ordering = ["plan", "year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], name="rollup_run_once_per_plan_year"),
            models.CheckConstraint(condition=Q(year__gte=1949, year__lte=2100), name="rollup_run_year_plausible"),
        ]
        indexes = [models.Index(fields=["year"])]

    def __str__(self):
        return f"{self.plan} · {self.year} · #{self.generation}"

    @property
    def is_computed(self):
        return self.computed_at is not None


class _RollupRow(models.Model):
    # A full run rewrites thousands of these rows in one transaction, so they carry no
    # database-level foreign keys (PostgreSQL would check each one again at commit) and no
    # single-column index where a composite index or unique constraint below starts with
    # the column. They are derived data: deleting a plan, target, task or unit deletes them
    # through Django's cascade, and the next run rebuilds them from the reports.
    plan = models.ForeignKey(WorkPlan, verbose_name=_("工作计划"), on_delete=models.CASCADE, related_name="+",
                             db_index=False, db_constraint=False)
    year = models.PositiveSmallIntegerField(_("年度"))
    generation = models.PositiveIntegerField(_("批次号"), help_text=_("最后改变本行数值的汇总批次"))
    computed_at = models.DateTimeField(_("汇总时间"))
    checksum = models.BigIntegerField(_("校验值"), default=0,
                                      help_text=_("本行数值的摘要：数值未变时，全量汇总不改写该行"))

    class Meta:
        abstract = True


class TargetRollup(_RollupRow):
    """A target's figure reached, its attainment ratio and status, with every contributor's figure."""

    target = models.ForeignKey(Target, verbose_name=_("目标"), on_delete=models.CASCADE, related_name="rollups",
                               db_index=False, db_constraint=False)
    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="+", db_index=False,
                             db_constraint=False)
    reached = models.DecimalField(_("完成值"), default=0, **FIGURE)
    ratio = models.DecimalField(_("完成率"), null=True, blank=True, **RATIO,
                                help_text=_("“不超过”类目标为已用额度占上限的比例"))
    projection = models.DecimalField(_("预计年底完成率"), null=True, blank=True, **RATIO)
    status = models.CharField(_("状态"), max_length=12, choices=TargetStatus.choices, default=TargetStatus.NO_DATA)
    as_of = models.DateField(_("数据截至"), null=True, blank=True)
    expected = models.DecimalField(_("序时进度"), null=True, blank=True, **RATIO,
                                   help_text=_("数据截至之日按进度曲线应完成的比例"))
    contributors = models.JSONField(
        _("各单位完成情况"), default=list, blank=True,
        help_text=_("[[类型 u/c, 单位或下级残工委id, 最新已采纳数, 分解值, 数据截至, 是否计入], …]"),
    )

    class Meta:
        db_table = "reports_targetrollup"  # created by the reports app, before rollups had its own
        verbose_name = _("目标汇总")
        verbose_name_plural = _("目标汇总")
        ordering = ["plan", "task", "target"]
        constraints = [
            models.UniqueConstraint(fields=["target", "year"], name="target_rollup_once_per_year"),
            models.CheckConstraint(condition=Q(reached__gte=0), name="target_rollup_reached_not_negative"),
        ]
        indexes = [models.Index(fields=["plan", "year"])]

    def __str__(self):
        return f"{self.target.indicator} · {self.year}: {self.reached}"

    def contributor_list(self, unit_names=None, committee_names=None):
        """The contributors as dicts (``kind`` unit/committee, ``id``, ``name``, ``figure``, ``share``,
        ``as_of``, ``counted``); names come from the given maps (id → name)."""
        unit_names, committee_names = unit_names or {}, committee_names or {}
        rows = []
        for kind, ident, figure, share, as_of, counted in self.contributors:
            is_unit = kind == "u"
            rows.append({
                "kind": "unit" if is_unit else "committee", "id": ident,
                "name": (unit_names if is_unit else committee_names).get(ident, ""),
                "figure": None if figure is None else Decimal(figure),
                "share": None if share is None else Decimal(share),
                "as_of": datetime.date.fromisoformat(as_of) if as_of else None, "counted": counted,
            })
        return rows


class TaskRollup(_RollupRow):
    """A task's status and traffic light, with the projection of year-end attainment."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="rollups",
                             db_index=False, db_constraint=False)
    status = models.CharField(_("状态"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED)
    ratio = models.DecimalField(_("完成率"), null=True, blank=True, **RATIO, help_text=_("各目标中最低的完成率"))
    projection = models.DecimalField(_("预计年底完成率"), null=True, blank=True, **RATIO)
    targets_total = models.PositiveIntegerField(_("目标数"), default=0)
    targets_reached = models.PositiveIntegerField(_("已达成目标"), default=0)
    targets_with_data = models.PositiveIntegerField(_("有数据的目标"), default=0)
    units_assigned = models.PositiveIntegerField(_("责任单位数"), default=0)
    units_reported = models.PositiveIntegerField(_("已有采纳报告的单位"), default=0)
    reports_accepted = models.PositiveIntegerField(_("已采纳报告"), default=0)
    as_of = models.DateField(_("数据截至"), null=True, blank=True)

    class Meta:
        db_table = "reports_taskrollup"  # created by the reports app, before rollups had its own
        verbose_name = _("任务汇总")
        verbose_name_plural = _("任务汇总")
        ordering = ["plan", "task"]
        constraints = [models.UniqueConstraint(fields=["task", "year"], name="task_rollup_once_per_year")]
        indexes = [models.Index(fields=["plan", "year"])]

    def __str__(self):
        return f"{self.task.ref} · {self.year}: {self.get_status_display()}"

    @property
    def light(self):
        return LIGHT_OF_STATUS[self.status]

    def get_light_display(self):
        return Light(self.light).label


class UnitRollup(_RollupRow):
    """A unit's timeliness in one plan and year; a renamed unit's reports count for its successor."""

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="rollups",
                             db_index=False, db_constraint=False)
    reports_expected = models.PositiveIntegerField(_("应报"), default=0, help_text=_("截止日期已过或已报送的报告"))
    reports_submitted = models.PositiveIntegerField(_("已报送"), default=0)
    reports_on_time = models.PositiveIntegerField(_("按时报送"), default=0)
    reports_accepted = models.PositiveIntegerField(_("已采纳"), default=0)
    returns = models.PositiveIntegerField(_("退回次数"), default=0)
    on_time_rate = models.DecimalField(_("按时率"), null=True, blank=True, **RATIO)
    completeness = models.DecimalField(_("完整率"), null=True, blank=True, **RATIO, help_text=_("已采纳 ÷ 应报"))

    class Meta:
        db_table = "reports_unitrollup"  # created by the reports app, before rollups had its own
        verbose_name = _("单位汇总")
        verbose_name_plural = _("单位汇总")
        ordering = ["plan", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year", "unit"], name="unit_rollup_once_per_plan_year"),
            models.CheckConstraint(condition=Q(reports_on_time__lte=models.F("reports_expected")),
                                   name="unit_rollup_on_time_within_expected"),
        ]

    def __str__(self):
        return f"{self.unit} · {self.year}"

    @property
    def reports_late(self):
        return self.reports_expected - self.reports_on_time


class CommitteeRollup(models.Model):
    """A committee's year: its own plans (scope ``own``) or with every committee below it (``tree``)."""

    class Scope(models.TextChoices):
        OWN = "own", _("本级")
        TREE = "tree", _("含下级")

    committee = models.ForeignKey(Committee, verbose_name=_("残工委"), on_delete=models.CASCADE, related_name="rollups")
    year = models.PositiveSmallIntegerField(_("年度"))
    scope = models.CharField(_("范围"), max_length=4, choices=Scope.choices)
    generation = models.PositiveIntegerField(_("批次号"), default=0)
    computed_at = models.DateTimeField(_("汇总时间"), null=True, blank=True)
    committees = models.PositiveIntegerField(_("残工委数"), default=0)
    plans = models.PositiveIntegerField(_("计划数"), default=0)
    tasks_total = models.PositiveIntegerField(_("任务数"), default=0)
    tasks_not_started = models.PositiveIntegerField(_("未启动"), default=0)
    tasks_on_track = models.PositiveIntegerField(_("进展顺利"), default=0)
    tasks_behind = models.PositiveIntegerField(_("进度滞后"), default=0)
    tasks_at_risk = models.PositiveIntegerField(_("存在风险"), default=0)
    tasks_done = models.PositiveIntegerField(_("已完成"), default=0)
    targets_total = models.PositiveIntegerField(_("目标数"), default=0)
    targets_reached = models.PositiveIntegerField(_("已达成目标"), default=0)
    reports_expected = models.PositiveIntegerField(_("应报"), default=0)
    reports_on_time = models.PositiveIntegerField(_("按时报送"), default=0)
    reports_accepted = models.PositiveIntegerField(_("已采纳"), default=0)
    returns = models.PositiveIntegerField(_("退回次数"), default=0)
    on_time_rate = models.DecimalField(_("按时率"), null=True, blank=True, **RATIO)
    completeness = models.DecimalField(_("完整率"), null=True, blank=True, **RATIO)

    class Meta:
        db_table = "reports_committeerollup"  # created by the reports app, before rollups had its own
        verbose_name = _("残工委汇总")
        verbose_name_plural = _("残工委汇总")
        ordering = ["committee", "year", "scope"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "year", "scope"], name="committee_rollup_once"),
            models.CheckConstraint(condition=Q(scope__in=["own", "tree"]), name="committee_rollup_scope_valid"),
        ]
        indexes = [models.Index(fields=["year", "scope"])]

    def __str__(self):
        return f"{self.committee} · {self.year} · {self.get_scope_display()}"


def summary_upload_to(instance, filename):
    return f"summaries/{instance.year}/{filename}"


class SummaryFile(models.Model):
    """The generated year-end summary (年度工作总结) of a plan: an Excel workbook or a Word draft.

    Regenerating writes a new file first and then points this row at it in one
    transaction; the old file is deleted only after that commit.
    """

    class Kind(models.TextChoices):
        WORKBOOK = "xlsx", _("Excel 汇总表")
        DRAFT = "docx", _("Word 总结稿")

    class Status(models.TextChoices):
        PENDING = "pending", _("正在生成")
        READY = "ready", _("已生成")
        FAILED = "failed", _("生成失败")

    plan = models.ForeignKey(WorkPlan, verbose_name=_("工作计划"), on_delete=models.CASCADE, related_name="summary_files")
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("文件类型"), max_length=4, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PENDING)
    include_lower = models.BooleanField(_("含下级残工委"), default=False)
    file = models.FileField(_("文件"), upload_to=summary_upload_to, blank=True, max_length=255)
    filename = models.CharField(_("下载文件名"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    generation = models.PositiveIntegerField(_("版本"), default=0)
    requested_at = models.DateTimeField(_("申请时间"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    error = models.CharField(_("错误信息"), max_length=500, blank=True)

    class Meta:
        db_table = "reports_summaryfile"  # created by the reports app, before rollups had its own
        verbose_name = _("年度总结文件")
        verbose_name_plural = _("年度总结文件")
        ordering = ["plan", "year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year", "kind"], name="summary_file_once_per_plan_year_kind"),
            models.CheckConstraint(condition=Q(kind__in=["xlsx", "docx"]), name="summary_file_kind_valid"),
        ]

    def __str__(self):
        return f"{self.plan} · {self.year} · {self.get_kind_display()}"

    @property
    def is_ready(self):
        return bool(self.file) and self.generated_at is not None


from .models_bulletin import Bulletin  # noqa: E402,F401  调度通报
from .models_scoring import ScoreAdjustment, ScoringItem, ScoringScheme, TargetWeight  # noqa: E402,F401  考核
from .models_supervision import (  # noqa: E402,F401  督办与领导批示
    EscalationStep,
    Instruction,
    InstructionAnswer,
    SupervisionItem,
    SupervisionStep,
)
