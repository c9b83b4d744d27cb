"""督办: escalation steps a committee's office configures, the supervised items (督办事项) with the dated
record of each step, and leaders' 批示 with the units' answers.

The rules (which step is due, what counts as overdue or lagging) are pure functions in
``rollups.supervision.rules``; the daily job ``rollups.jobs.escalate_supervision`` applies them.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reports.models import ProgressReport, ReportingRound
from tasks.models import Task, WorkPlan
from units.models import Committee, Unit

NOTE_MAX, INSTRUCTION_MAX, ANSWER_MAX, STEP_NAME_MAX, DAYS_MAX = 1000, 2000, 2000, 20, 365


class Level(models.IntegerChoices):
    NONE = 0, _("未督办")
    NOTICE = 1, _("提示单")
    YELLOW = 2, _("督办单（黄）")
    RED = 3, _("督办单（红）")


class EscalationStep(models.Model):
    """One step of a committee's escalation ladder (提示单 → 督办单（黄） → 督办单（红）)."""

    committee = models.ForeignKey(Committee, verbose_name=_("残工委"), on_delete=models.CASCADE,
                                  related_name="escalation_steps")
    level = models.PositiveSmallIntegerField(_("级别"), choices=Level.choices)
    name = models.CharField(_("名称"), max_length=STEP_NAME_MAX)
    enabled = models.BooleanField(_("启用"), default=True)
    overdue_days = models.PositiveSmallIntegerField(_("报告逾期天数"), help_text=_("报告逾期达到此天数时发出"))
    lagging_days = models.PositiveSmallIntegerField(_("滞后持续天数"),
                                                    help_text=_("任务低于序时进度持续达到此天数时发出"))
    notify_reporters = models.BooleanField(_("通知单位填报人"), default=True)
    notify_approvers = models.BooleanField(_("通知单位审核人"), default=False)
    notify_office = models.BooleanField(_("通知残工委办公室"), default=False)
    notify_leaders = models.BooleanField(_("通知委员会领导"), default=False)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("督办步骤")
        verbose_name_plural = _("督办步骤")
        ordering = ["committee", "level"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "level"], name="escalation_step_once_per_level"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3), name="escalation_step_level_valid"),
            models.CheckConstraint(condition=Q(overdue_days__lte=DAYS_MAX, lagging_days__lte=DAYS_MAX),
                                   name="escalation_step_days_plausible"),
        ]

    def __str__(self):
        return f"{self.committee} · {self.name}"


class SupervisionItem(models.Model):
    """A 督办事项: one unit's overdue report on a task in a round, or a task lagging 序时进度 in a plan-year."""

    class Reason(models.TextChoices):
        OVERDUE = "overdue", _("报告逾期")
        LAGGING = "lagging", _("进度滞后")

    class Status(models.TextChoices):
        OPEN = "open", _("督办中")
        RESOLVED = "resolved", _("已消除")
        CLOSED = "closed", _("已办结")

    committee = models.ForeignKey(Committee, verbose_name=_("残工委"), on_delete=models.CASCADE,
                                  related_name="supervision_items")
    plan = models.ForeignKey(WorkPlan, verbose_name=_("工作计划"), on_delete=models.CASCADE,
                             related_name="supervision_items")
    year = models.PositiveSmallIntegerField(_("年度"))
    round = models.ForeignKey(ReportingRound, verbose_name=_("填报轮次"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="supervision_items")
    report = models.ForeignKey(ProgressReport, verbose_name=_("进展报告"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="supervision_items")
    unit = models.ForeignKey(Unit, verbose_name=_("责任单位"), on_delete=models.CASCADE,
                             related_name="supervision_items")
    reason = models.CharField(_("督办原因"), max_length=10, choices=Reason.choices)
    level = models.PositiveSmallIntegerField(_("当前级别"), choices=Level.choices, default=Level.NONE)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    since = models.DateField(_("起算日期"), help_text=_("逾期：截止日期；滞后：首次发现滞后之日"))
    opened_on = models.DateField(_("发现日期"))
    resolved_on = models.DateField(_("消除日期"), null=True, blank=True,
                                   help_text=_("报告已报送或滞后已赶上，系统自动标记"))
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("办结人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    close_note = models.TextField(_("办结说明"), max_length=NOTE_MAX, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("督办历史"))

    class Meta:
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        ordering = ["-level", "since", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "task", "unit"], condition=Q(reason="overdue"),
                                    name="supervision_overdue_once_per_round_task_unit"),
            models.UniqueConstraint(fields=["plan", "year", "task", "unit"], condition=Q(reason="lagging"),
                                    name="supervision_lagging_once_per_year_task_unit"),
            models.CheckConstraint(condition=Q(level__gte=0, level__lte=3), name="supervision_level_valid"),
            models.CheckConstraint(condition=Q(reason__in=["overdue", "lagging"]), name="supervision_reason_valid"),
            models.CheckConstraint(condition=~Q(reason="overdue") | Q(round__isnull=False),
                                   name="supervision_overdue_has_round"),
            models.CheckConstraint(condition=~Q(status="closed") | Q(closed_at__isnull=False),
                                   name="supervision_closed_has_time"),
        ]
        indexes = [models.Index(fields=["committee", "status"]), models.Index(fields=["unit", "status"]),
                   models.Index(fields=["status", "reason"])]

    def __str__(self):
        return f"{self.task.ref} · {self.unit} · {self.get_reason_display()}"

    @property
    def is_open(self):
        return self.status == self.Status.OPEN


class SupervisionStep(models.Model):
    """The dated record of one escalation step of an item, with who was notified."""

    item = models.ForeignKey(SupervisionItem, verbose_name=_("督办事项"), on_delete=models.CASCADE,
                             related_name="steps")
    level = models.PositiveSmallIntegerField(_("级别"), choices=Level.choices)
    name = models.CharField(_("名称"), max_length=STEP_NAME_MAX)
    on = models.DateField(_("发出日期"))
    days = models.PositiveSmallIntegerField(_("逾期或滞后天数"))
    recipients = models.TextField(_("通知对象"), blank=True)
    notified = models.PositiveIntegerField(_("通知人数"), default=0)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        ordering = ["item", "level"]
        constraints = [
            models.UniqueConstraint(fields=["item", "level"], name="supervision_step_once_per_level"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3), name="supervision_step_level_valid"),
        ]

    def __str__(self):
        return f"{self.item} · {self.name} · {self.on}"


class Instruction(models.Model):
    """A leader's 批示 on a task, a unit, or a unit's part in a task; the units concerned answer it."""

    committee = models.ForeignKey(Committee, verbose_name=_("残工委"), on_delete=models.CASCADE,
                                  related_name="instructions")
    plan = models.ForeignKey(WorkPlan, verbose_name=_("工作计划"), on_delete=models.CASCADE,
                             related_name="instructions")
    task = models.ForeignKey(Task, verbose_name=_("任务"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="instructions")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="instructions")
    text = models.TextField(_("批示内容"), max_length=INSTRUCTION_MAX)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("批示人"), null=True,
                               on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("批示时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("领导批示")
        verbose_name_plural = _("领导批示")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(task__isnull=False) | Q(unit__isnull=False),
                                              name="instruction_names_task_or_unit")]
        indexes = [models.Index(fields=["plan", "created_at"])]

    def __str__(self):
        return self.text[:30]


class InstructionAnswer(models.Model):
    """A unit's answer to a 批示, given in one of its reports (linked to that report and its version)."""

    instruction = models.ForeignKey(Instruction, verbose_name=_("领导批示"), on_delete=models.CASCADE,
                                    related_name="answers")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(ProgressReport, verbose_name=_("进展报告"), on_delete=models.CASCADE,
                               related_name="instruction_answers")
    report_version = models.PositiveIntegerField(_("报告版本"))
    text = models.TextField(_("答复内容"), max_length=ANSWER_MAX)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("答复人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(_("答复时间"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("答复历史"))

    class Meta:
        verbose_name = _("批示答复")
        verbose_name_plural = _("批示答复")
        ordering = ["instruction", "unit"]
        constraints = [models.UniqueConstraint(fields=["instruction", "unit"], name="instruction_answer_once_per_unit")]

    def __str__(self):
        return f"{self.unit} · {self.text[:30]}"
