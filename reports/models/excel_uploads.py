"""A unit's filled Excel template checked by a job (``reports.excel_jobs``), with its result."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import Unit

from .reporting import ReportingRound


class ExcelUpload(models.Model):
    """An uploaded template larger than ``LUOSHI_EXCEL_SYNC_MAX_BYTES``: kept until the job has checked
    (and, if every row is right, saved) it; the page polls its status and then shows the result."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        CHECKING = "checking", _("检查中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    round = models.ForeignKey(ReportingRound, verbose_name=_("填报轮次"), on_delete=models.CASCADE,
                              related_name="excel_uploads")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="excel_uploads")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.CASCADE,
                                    related_name="+")
    file = models.FileField(_("文件"), upload_to="excel-uploads/%Y/")
    source_name = models.CharField(_("原始文件名"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    saved_report_ids = models.JSONField(_("保存的报告"), default=list, blank=True)
    unchanged = models.PositiveIntegerField(_("没有变化的报告数"), default=0)
    problems = models.JSONField(_("发现的问题"), default=list, blank=True)

    class Meta:
        verbose_name = _("Excel 模板上传")
        verbose_name_plural = _("Excel 模板上传")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["round", "unit", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["queued", "checking", "done", "failed"]),
                                   name="excel_upload_status_valid"),
        ]

    def __str__(self):
        return f"{self.unit} · {self.round} · {self.source_name}"

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)
