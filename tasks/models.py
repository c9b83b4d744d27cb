"""Work plans, their section tree, numbered tasks and the units assigned to them."""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.models import Committee, Unit


class WorkPlanQuerySet(models.QuerySet):
    def for_year(self, year):
        return self.filter(period_start__lte=year, period_end__gte=year)


class WorkPlan(models.Model):
    """A committee's plan for a year (or five years): 重点工作任务, 工作要点, 规划, 分工表."""

    class Kind(models.TextChoices):
        KEY_TASKS = "key_tasks", _("重点工作任务")
        WORK_POINTS = "work_points", _("工作要点")
        FIVE_YEAR = "five_year", _("五年规划")
        DIVISION_TABLE = "division_table", _("任务分工表")
        SUPERVISION = "supervision", _("督办事项")  # 会议纪要的议定事项、领导批示

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        CLOSED = "closed", _("已结束")
        ARCHIVED = "archived", _("已归档")

    committee = models.ForeignKey(Committee, verbose_name=_("残工委"), on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(_("标题"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.KEY_TASKS)
    issuer = models.CharField(_("发文机关"), max_length=120, blank=True)
    doc_number = models.CharField(_("文号"), max_length=60, blank=True, help_text=_("如 吉政残工委发〔2021〕2号"))
    issued_on = models.DateField(_("印发日期"), null=True, blank=True)
    period_start = models.PositiveSmallIntegerField(_("起始年度"))
    period_end = models.PositiveSmallIntegerField(_("截止年度"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级计划"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="derived_plans",
        help_text=_("本计划据以制定的上级残工委计划"),
    )
    pace_tolerance = models.DecimalField(
        _("序时进度容差"), max_digits=5, decimal_places=4, default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("目标完成率低于序时进度超过此值（如 0.05 即 5 个百分点）才算进度滞后"),
    )
    source_file = models.FileField(_("原始文件"), upload_to="plans/%Y/", blank=True)
    source_name = models.CharField(_("原始文件名"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = WorkPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("工作计划")
        verbose_name_plural = _("工作计划")
        ordering = ["-period_start", "committee", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="plan_period_ordered",
                violation_error_message=_("截止年度不能早于起始年度。"),
            ),
            models.CheckConstraint(
                condition=Q(period_start__gte=1949, period_end__lte=2100), name="plan_period_plausible"
            ),
            models.UniqueConstraint(
                fields=["committee", "doc_number"],
                condition=~Q(doc_number=""),
                name="plan_doc_number_unique",
                violation_error_message=_("本残工委已有同一文号的工作计划，请勿重复导入。"),
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="plan_not_own_parent"),
        ]
        indexes = [models.Index(fields=["committee", "period_start", "period_end"])]

    def __str__(self):
        return self.title

    def clean(self):
        from security.dates import check_date

        try:
            check_date(self.issued_on, label=_("印发日期"))
        except ValidationError as exc:
            raise ValidationError({"issued_on": exc.messages}) from None

    @property
    def period_label(self):
        if self.period_start == self.period_end:
            return str(self.period_start)
        return f"{self.period_start}—{self.period_end}"

    def current_year(self, today=None) -> int:
        """The year a dashboard or roll-up means by default: this year, kept within the plan's period."""
        year = (today or timezone.localdate()).year
        return min(max(year, self.period_start), self.period_end)


class Section(models.Model):
    """A heading of the plan (一、… / （一）…); ``path`` joins the numbers from the top: 三/（一）."""

    plan = models.ForeignKey(WorkPlan, verbose_name=_("工作计划"), on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self", verbose_name=_("上级标题"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    number = models.CharField(_("序号"), max_length=20)
    path = models.CharField(_("路径"), max_length=80)
    title = models.CharField(_("标题"), max_length=300)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("章节")
        verbose_name_plural = _("章节")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "path"], name="section_path_unique_in_plan")]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def depth(self):
        return self.path.count("/")


class TaskQuerySet(models.QuerySet):
    def with_units(self):
        return self.prefetch_related(
            models.Prefetch("assignments", queryset=Assignment.objects.select_related("unit__successor"))
        )

    def assigned_to(self, unit_ids):
        return self.filter(assignments__unit_id__in=unit_ids).distinct()


class Task(models.Model):
    """A numbered task of a plan, with the units responsible for it."""

    plan = models.ForeignKey(WorkPlan, verbose_name=_("工作计划"), on_delete=models.CASCADE, related_name="tasks")
    section = models.ForeignKey(
        Section, verbose_name=_("章节"), null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    ref = models.CharField(_("序号"), max_length=20, help_text=_("文件中印出的任务编号，如 5 或 （三）"))
    text = models.TextField(_("任务内容"))
    order = models.PositiveIntegerField(_("排序"), default=0)
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    all_member_units = models.BooleanField(
        _("各成员单位参加"), default=False, help_text=_("文件写明“各成员单位”参加，不逐一列出")
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("上级任务"), null=True, blank=True, on_delete=models.CASCADE, related_name="subtasks"
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "section", "ref"], condition=Q(section__isnull=False), name="task_ref_unique_in_section"
            ),
            models.UniqueConstraint(
                fields=["plan", "ref"], condition=Q(section__isnull=True), name="task_ref_unique_without_section"
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="task_not_own_parent"),
        ]

    def __str__(self):
        return f"{self.ref}. {self.short_text}"

    def clean(self):
        if self.deadline is not None and self.plan_id:
            from security.dates import check_plan_dates

            check_plan_dates(self.plan, deadline=(self.deadline, _("完成时限")))

    @property
    def short_text(self):
        head = self.text.split("。", 1)[0]
        return head if len(head) <= 60 else head[:58] + "…"

    def units_in_role(self, role):
        return [a.unit for a in self.assignments.all() if a.role == role]

    @property
    def lead_units(self):
        return self.units_in_role(Assignment.Role.LEAD)

    @property
    def participating_units(self):
        return self.units_in_role(Assignment.Role.PARTICIPATING)


class Assignment(models.Model):
    """A unit's responsibility for a task: lead (牵头) or participating (参加)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("牵头单位")
        PARTICIPATING = "participating", _("参加单位")

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("职责"), max_length=15, choices=Role.choices)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("任务分工")
        verbose_name_plural = _("任务分工")
        ordering = ["task", "role", "order"]
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="assignment_unit_once_per_task")]
        indexes = [models.Index(fields=["unit", "role"])]

    def __str__(self):
        return f"{self.task.ref} · {self.unit} · {self.get_role_display()}"


class PlanImport(models.Model):
    """An uploaded plan document read by the importer, waiting for the office to check and confirm it.

    The structure read out of the file is kept as JSON (the SCHEMA.md format) so the
    preview can be edited and confirmed later; confirming creates the ``WorkPlan``.
    """

    class Status(models.TextChoices):
        READING = "reading", _("识别中")  # a scan being read by OCR in a job
        FAILED = "failed", _("识别失败")
        PREVIEW = "preview", _("待确认")
        CONFIRMED = "confirmed", _("已导入")
        DISCARDED = "discarded", _("已放弃")

    committee = models.ForeignKey(Committee, verbose_name=_("残工委"), on_delete=models.CASCADE, related_name="plan_imports")
    source_file = models.FileField(_("原始文件"), upload_to="imports/%Y/")
    source_name = models.CharField(_("原始文件名"), max_length=200)
    structure = models.JSONField(_("识别结果"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PREVIEW)
    plan = models.OneToOneField(
        WorkPlan, verbose_name=_("导入的计划"), null=True, blank=True, on_delete=models.SET_NULL, related_name="import_record"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    # scans: OCR progress, the message if it failed, and each page's text (page number, text, low-confidence words)
    pages_done = models.PositiveIntegerField(_("已识别页数"), default=0)
    pages_total = models.PositiveIntegerField(_("总页数"), default=0)
    error = models.TextField(_("错误信息"), blank=True)
    ocr_pages = models.JSONField(_("逐页识别文字"), default=list, blank=True)

    class Meta:
        verbose_name = _("计划导入")
        verbose_name_plural = _("计划导入")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="confirmed", plan__isnull=False) | ~Q(status="confirmed"),
                name="confirmed_import_has_plan",
            )
        ]

    def __str__(self):
        return f"{self.source_name} · {self.get_status_display()}"


class PlanChange(models.Model):
    """One change to a plan or one of its parts, kept for good: who, when, why, before and after.

    Changes made while the plan is published are *revisions* (调整): they need a reason.
    The rows keep the label of what they changed, so they outlive a deleted task or target.
    """

    class Kind(models.TextChoices):
        PLAN = "plan", _("计划")
        SECTION = "section", _("章节")
        TASK = "task", _("任务")
        ASSIGNMENT = "assignment", _("责任单位")
        TARGET = "target", _("量化目标")

    plan = models.ForeignKey(WorkPlan, verbose_name=_("工作计划"), on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(_("操作"), max_length=40)
    object_kind = models.CharField(_("对象类型"), max_length=12, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("对象编号"), null=True, blank=True)
    object_label = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("修改内容"), default=list, blank=True, help_text=_("每项：字段、修改前、修改后"))
    reason = models.TextField(_("调整原因"), blank=True)
    is_revision = models.BooleanField(_("发布后调整"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("计划修改记录")
        verbose_name_plural = _("计划修改记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["plan", "object_kind", "object_id"])]
        constraints = [
            models.CheckConstraint(condition=Q(is_revision=False) | ~Q(reason=""), name="plan_revision_has_reason"),
        ]

    def __str__(self):
        return f"{self.plan} · {self.action} · {self.object_label}"
