"""A plan's reporting schedule: how often units report, when reports are due, when to remind.

Celery beat (``reports.jobs.open_scheduled_rounds``) opens a round on the first day of
each period and creates its report slots; ``reports.jobs.send_due_reminders`` reminds the
units whose reports are missing on each reminder step (days relative to the due date).
"""
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tasks.models import WorkPlan

OFFSETS_PATTERN = re.compile(r"^\s*[+-]?\d{1,3}(\s*[,，]\s*[+-]?\d{1,3})*\s*$")


def parse_offsets(text) -> list[int]:
    """"-3, 1, 7" → [-3, 1, 7] (sorted, without duplicates); raises a Chinese message when malformed."""
    text = (text or "").strip()
    if not text:
        return []
    if not OFFSETS_PATTERN.match(text):
        raise ValidationError(
            _("提醒时间请填写相对截止日期的天数，用逗号分隔，负数表示截止前、正数表示逾期后，如“-3,1,7”。"),
            code="bad_offsets",
        )
    values = sorted({int(part) for part in re.split(r"[,，]", text)})
    if any(abs(v) > 90 for v in values):
        raise ValidationError(_("提醒时间应在截止日期前后90天以内。"), code="bad_offsets")
    return values


def default_offsets_text() -> str:
    return ",".join(str(v) for v in getattr(settings, "LUOSHI_REMINDER_OFFSETS", [-3, 1, 7]))


class ReportingSchedule(models.Model):
    """How often the units of a plan report (one row per frequency: a plan may have quarterly and year-end)."""

    class Frequency(models.TextChoices):
        MONTH = "month", _("月报")
        QUARTER = "quarter", _("季报")
        HALF_YEAR = "half_year", _("半年报")
        YEAR = "year", _("年报")

    plan = models.ForeignKey(WorkPlan, verbose_name=_("工作计划"), on_delete=models.CASCADE, related_name="schedules")
    frequency = models.CharField(_("填报周期"), max_length=10, choices=Frequency.choices)
    due_days = models.PositiveSmallIntegerField(
        _("截止天数"), default=10, help_text=_("期末之后第几天截止，如 10 表示季度结束后10天内报送")
    )
    reminder_offsets = models.CharField(
        _("提醒时间"),
        max_length=60,
        default=default_offsets_text,
        blank=True,
        help_text=_("相对截止日期的天数，逗号分隔：负数为截止前提醒，正数为逾期后催报，如“-3,1,7”"),
    )
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("填报安排")
        verbose_name_plural = _("填报安排")
        ordering = ["plan", "frequency"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "frequency"], name="schedule_once_per_plan_frequency"),
            models.CheckConstraint(condition=Q(due_days__lte=120), name="schedule_due_days_plausible"),
        ]
        indexes = [models.Index(fields=["active", "frequency"])]

    def __str__(self):
        return f"{self.plan.title} · {self.get_frequency_display()}"

    def clean(self):
        try:
            parse_offsets(self.reminder_offsets)
        except ValidationError as exc:
            raise ValidationError({"reminder_offsets": exc.messages}) from None

    @property
    def offsets(self) -> list[int]:
        try:
            return parse_offsets(self.reminder_offsets)
        except ValidationError:
            return []
