"""Reporting rounds, progress reports and their figures, and the workflow inputs."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField
from reports.models import ProgressReport, ReportingRound, TargetValue
from tasks.models import WorkPlan
from tasks.selectors import visible_plans


class RoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportingRound
        fields = ["id", "plan", "period_kind", "period_label", "period_start", "period_end", "opens_on", "due_on",
                  "closed", "created_at"]
        read_only_fields = fields


class RoundCreateSerializer(serializers.Serializer):
    plan = ScopedPrimaryKeyRelatedField(visible_plans, WorkPlan, help_text=_("工作计划编号"))
    period_kind = serializers.ChoiceField(choices=ReportingRound.PeriodKind.choices)
    period_label = serializers.CharField(max_length=40, help_text=_("如 2021年第一季度"))
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    opens_on = serializers.DateField(help_text=_("开始填报日期"))
    due_on = serializers.DateField(help_text=_("截止日期"))

    def validate(self, attrs):
        errors = {}
        if attrs["period_end"] < attrs["period_start"]:
            errors["period_end"] = [_("期间结束不能早于期间开始。")]
        if attrs["due_on"] < attrs["opens_on"]:
            errors["due_on"] = [_("截止日期不能早于开始填报日期。")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class FigureSerializer(serializers.ModelSerializer):
    class Meta:
        model = TargetValue
        fields = ["target", "value", "note"]


class ReportSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.short_name", read_only=True)
    task_ref = serializers.CharField(source="task.ref", read_only=True, help_text=_("任务序号"))
    period_label = serializers.CharField(source="round.period_label", read_only=True)
    figures = FigureSerializer(source="values", many=True, read_only=True, help_text=_("各目标的累计完成值"))

    class Meta:
        model = ProgressReport
        fields = [
            "id", "round", "period_label", "task", "task_ref", "unit", "unit_name", "status", "version",
            "progress", "problems", "next_steps", "figures", "review_comment",
            "created_at", "updated_at", "submitted_at", "approved_at", "reviewed_at",
        ]
        read_only_fields = fields


class OpenSlotSerializer(ReportSerializer):
    due = serializers.DateField(read_only=True, help_text=_("截止日期（含延期）"))
    is_overdue = serializers.BooleanField(read_only=True, help_text=_("已过截止日期仍未报送办公室"))
    is_lead = serializers.BooleanField(read_only=True, help_text=_("本单位是该任务的牵头单位"))

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "due", "is_overdue", "is_lead"]
        read_only_fields = fields


class FigureInputSerializer(serializers.Serializer):
    target = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text=_("目标编号（该任务的目标）"))
    value = serializers.CharField(max_length=40, allow_blank=True,
                                  help_text=_("累计完成值，数字；可带千分位逗号；留空表示不填"))
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class SaveDraftSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text=_("您读取时报告的版本号；他人已先保存时返回 409"))
    progress = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="",
                                     help_text=_("进展情况"))
    problems = serializers.CharField(max_length=3000, required=False, allow_blank=True, default="",
                                     help_text=_("存在问题"))
    next_steps = serializers.CharField(max_length=3000, required=False, allow_blank=True, default="",
                                       help_text=_("下步打算"))
    figures = FigureInputSerializer(many=True, required=False, default=list, max_length=100)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                   help_text=_("修改说明，记入历史"))


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, help_text=_("退回原因，便于单位修改"))


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text=_("更正原因"))
