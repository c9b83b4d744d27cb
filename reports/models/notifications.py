"""In-app notifications and the log of every reminder and 催办."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.models import Unit

from .reporting import ProgressReport, ReportingRound


class Notification(models.Model):
    """A message shown to one person in the web UI (and, for reminders, also sent by e-mail)."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("截止提醒")
        OVERDUE = "overdue", _("逾期催报")
        CHASE = "chase", _("催办")
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("待审阅")
        RETURNED = "returned", _("已退回")
        ACCEPTED = "accepted", _("已采纳")
        ROUND_OPENED = "round_opened", _("填报开始")
        BULLETIN = "bulletin", _("调度通报")
        SUPERVISION = "supervision", _("督办")
        INSTRUCTION = "instruction", _("领导批示")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="luoshi_notifications"
    )
    kind = models.CharField(_("类型"), max_length=15, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True, max_length=4000)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    round = models.ForeignKey(
        ReportingRound, verbose_name=_("填报轮次"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    report = models.ForeignKey(
        ProgressReport, verbose_name=_("进展报告"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("单位"), null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text=_("提醒与催办所针对的单位"),
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(
        _("办结时间"), null=True, blank=True,
        help_text=_("所指的事项已处理（报告已审核、已审阅、已重新提交，或单位已报齐）；与是否已读无关"),
    )

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"]), models.Index(fields=["user", "-created_at"]),
                   models.Index(fields=["user", "resolved_at"])]

    def __str__(self):
        return f"{self.user} · {self.title}"

    #: Kinds that ask for nothing: they never count as "needs action".
    INFO_KINDS = ("accepted", "round_opened")

    @property
    def needs_action(self) -> bool:
        return self.resolved_at is None and self.kind not in self.INFO_KINDS


class ReminderLog(models.Model):
    """One reminder or 催办 sent to one unit for one round: who sent it, when, to whom, what it said.

    Scheduled reminders are unique per (round, unit, step): a step is sent at most once,
    however often the job runs. 催办 by the office may be sent any number of times.
    """

    class Kind(models.TextChoices):
        BEFORE_DUE = "before_due", _("截止前提醒")
        OVERDUE = "overdue", _("逾期催报")
        CHASE = "chase", _("办公室催办")

    round = models.ForeignKey(ReportingRound, verbose_name=_("填报轮次"), on_delete=models.CASCADE, related_name="reminders")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    step = models.SmallIntegerField(_("提醒节点"), null=True, blank=True, help_text=_("相对截止日期的天数；催办为空"))
    due_on = models.DateField(_("截止日期"), help_text=_("发送时该单位适用的截止日期（含延期）"))
    missing = models.PositiveIntegerField(_("未报送数"), default=0)
    message = models.TextField(_("内容"), max_length=2000)
    recipients = models.TextField(_("接收人"), blank=True, help_text=_("用户名和电子邮箱"))
    emails_sent = models.PositiveIntegerField(_("发送邮件数"), default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发送人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("为空表示系统按计划自动发送"),
    )
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("提醒记录")
        verbose_name_plural = _("提醒记录")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit", "step"], condition=~Q(kind="chase"), name="reminder_once_per_round_unit_step"
            ),
            models.CheckConstraint(
                condition=Q(kind="chase", step__isnull=True) | (~Q(kind="chase") & Q(step__isnull=False)),
                name="reminder_step_only_when_scheduled",
            ),
        ]
        indexes = [models.Index(fields=["round", "unit"])]

    def __str__(self):
        return f"{self.round.period_label} · {self.unit} · {self.get_kind_display()}"
