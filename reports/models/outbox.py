"""The workflow's outbox: what other parts of the system owe to a committed change.

An accepted (or reopened) report owes a roll-up. The owed event is written in the same
transaction as the change, sent right after the commit, and — if the broker is away then —
sent again by ``reports.jobs.dispatch_workflow_events`` every minute until it goes through:
a broker outage delays the roll-up, it never loses it.
"""
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .reporting import ProgressReport


class WorkflowEvent(models.Model):
    class Kind(models.TextChoices):
        REPORT_COUNTING_CHANGED = "report_counting_changed", _("报告是否计入汇总发生变化")

    kind = models.CharField(_("事件"), max_length=40, choices=Kind.choices)
    report = models.ForeignKey(ProgressReport, verbose_name=_("报告"), on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("发生时间"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("送出时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近一次错误"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("待送出事件")
        verbose_name_plural = _("待送出事件")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["created_at", "id"], condition=Q(dispatched_at__isnull=True),
                         name="workflow_event_pending"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["report_counting_changed"]), name="workflow_event_kind_valid"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.report_id}"
