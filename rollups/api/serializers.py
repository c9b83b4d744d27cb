"""The stored roll-ups and the year-end summary files as the API shows them.

``plan-rollups/{id}/`` adds to the plan-year's totals its lines as
``rollups.selectors.load_rollup`` reads them: a line per task (``TaskLine``) with its
targets (``TargetLine``) and their contributors, and a line per unit (``UnitRollup``).
A task or target without a stored roll-up row yet (no report so far) has null ratios and
dates and zero counts. Decimals are JSON numbers here, written as stored (no rounding).
"""
from django.utils.translation import gettext_lazy as T
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField
from rollups.models import CommitteeRollup, Light, RollupRun, SummaryFile, TargetStatus, TaskStatus
from rollups.selectors import dashboard_plans
from targets.models import Target
from tasks.models import WorkPlan


class PlanRollupSerializer(serializers.ModelSerializer):
    plan_title = serializers.CharField(source="plan.title", read_only=True)
    committee = serializers.IntegerField(source="plan.committee_id", read_only=True)

    class Meta:
        model = RollupRun
        fields = ["id", "plan", "plan_title", "committee", "year", "generation", "kind", "computed_at", "as_of",
                  "tasks_total", "tasks_not_started", "tasks_on_track", "tasks_behind", "tasks_at_risk", "tasks_done",
                  "targets_total", "targets_reached", "targets_with_data", "reports_expected", "reports_on_time",
                  "reports_accepted", "returns"]
        read_only_fields = fields


# ---------------------------------------------------------------- the lines of plan-rollups/{id}/

def _number(**kwargs):
    """A decimal as a JSON number, exactly as stored."""
    return serializers.DecimalField(max_digits=None, decimal_places=None, coerce_to_string=False, read_only=True,
                                    **kwargs)


def _stored(name, help_text):
    """A ratio of the line's stored roll-up row: null when it has none yet (``rollup`` is None)."""
    return _number(source=f"rollup.{name}", allow_null=True, help_text=help_text)


class RollupContributorSerializer(serializers.Serializer):
    """One unit's or lower committee's part of a target (``TargetRollup.contributor_list``)."""

    kind = serializers.ChoiceField(choices=[("unit", T("单位")), ("committee", T("下级残工委"))], read_only=True)
    id = serializers.IntegerField(read_only=True, help_text=T("单位或下级残工委的编号"))
    name = serializers.CharField(read_only=True)
    figure = _number(allow_null=True, help_text=T("最新已采纳的数值"))
    share = _number(allow_null=True, help_text=T("分解到该单位或下级残工委的目标值"))
    as_of = serializers.DateField(read_only=True, allow_null=True, help_text=T("数据截至"))
    counted = serializers.BooleanField(read_only=True, help_text=T("是否计入完成值"))


class RollupTargetLineSerializer(serializers.Serializer):
    """A target's line (``rollups.selectors.TargetLine``)."""

    target = serializers.IntegerField(source="target.pk", read_only=True)
    indicator = serializers.CharField(source="target.indicator", read_only=True)
    comparator = serializers.ChoiceField(source="target.comparator", choices=Target.Comparator.choices,
                                         read_only=True)
    value = _number(source="target.value", help_text=T("目标值"))
    measure_unit = serializers.CharField(source="target.measure_unit", read_only=True)
    reached = _number(help_text=T("完成值"))
    ratio = _stored("ratio", T("完成率；“不超过”类目标为已用额度占上限的比例"))
    projection = _stored("projection", T("预计年底完成率"))
    status = serializers.ChoiceField(choices=TargetStatus.choices, read_only=True)
    as_of = serializers.DateField(source="rollup.as_of", read_only=True, allow_null=True, help_text=T("数据截至"))
    contributors = RollupContributorSerializer(many=True, read_only=True, help_text=T("各单位或下级残工委的数据"))


class RollupTaskLineSerializer(serializers.Serializer):
    """A task's line (``rollups.selectors.TaskLine``): status, traffic light and targets."""

    task = serializers.IntegerField(source="task.pk", read_only=True)
    ref = serializers.CharField(source="task.ref", read_only=True)
    status = serializers.ChoiceField(choices=TaskStatus.choices, read_only=True)
    light = serializers.ChoiceField(choices=Light.choices, read_only=True)
    ratio = _stored("ratio", T("各目标中最低的完成率"))
    projection = _stored("projection", T("预计年底完成率"))
    # default: 0 when the task has no stored roll-up row yet
    targets_total = serializers.IntegerField(source="rollup.targets_total", default=0, read_only=True)
    targets_reached = serializers.IntegerField(source="rollup.targets_reached", default=0, read_only=True)
    reports_accepted = serializers.IntegerField(source="rollup.reports_accepted", default=0, read_only=True)
    as_of = serializers.DateField(source="rollup.as_of", read_only=True, allow_null=True, help_text=T("数据截至"))
    targets = RollupTargetLineSerializer(many=True, read_only=True)


class RollupUnitLineSerializer(serializers.Serializer):
    """A unit's timeliness in the plan-year (``rollups.models.UnitRollup``)."""

    unit = serializers.IntegerField(source="unit_id", read_only=True)
    name = serializers.CharField(source="unit.short_name", read_only=True)
    reports_expected = serializers.IntegerField(read_only=True, help_text=T("应报"))
    reports_submitted = serializers.IntegerField(read_only=True, help_text=T("已报送"))
    reports_on_time = serializers.IntegerField(read_only=True, help_text=T("按时报送"))
    reports_accepted = serializers.IntegerField(read_only=True, help_text=T("已采纳"))
    returns = serializers.IntegerField(read_only=True, help_text=T("退回次数"))
    on_time_rate = _number(allow_null=True, help_text=T("按时率"))
    completeness = _number(allow_null=True, help_text=T("完整率：已采纳 ÷ 应报"))


@extend_schema_field({"allOf": [{"$ref": "#/components/schemas/PlanRollupKindEnum"}]})
class _RunKindField(serializers.ChoiceField):
    """The run's ``kind`` in the detail, documented by the list's enum component: a second inline
    copy of the same choices would make drf-spectacular rename ``PlanRollupKindEnum`` to a hash."""


class PlanRollupDetailSerializer(PlanRollupSerializer):
    """A plan-year's totals with its task and unit lines.

    The instance is the ``RollupRun`` with ``lines``: ``rollups.selectors.load_rollup`` of its plan and year.
    """

    kind = _RunKindField(choices=RollupRun.Kind.choices, read_only=True,
                         label=RollupRun._meta.get_field("kind").verbose_name)
    tasks = RollupTaskLineSerializer(source="lines.tasks", many=True, read_only=True,
                                     help_text=T("各任务的状态、信号灯与目标完成情况"))
    units = RollupUnitLineSerializer(source="lines.units", many=True, read_only=True,
                                     help_text=T("各单位的报送情况"))

    class Meta(PlanRollupSerializer.Meta):
        fields = [*PlanRollupSerializer.Meta.fields, "tasks", "units"]
        read_only_fields = fields


# ---------------------------------------------------------------- committee roll-ups and summary files

class CommitteeRollupSerializer(serializers.ModelSerializer):
    committee_name = serializers.CharField(source="committee.name", read_only=True)

    class Meta:
        model = CommitteeRollup
        fields = ["id", "committee", "committee_name", "year", "scope", "generation", "computed_at", "committees",
                  "plans", "tasks_total", "tasks_not_started", "tasks_on_track", "tasks_behind", "tasks_at_risk",
                  "tasks_done", "targets_total", "targets_reached", "reports_expected", "reports_on_time",
                  "reports_accepted", "returns", "on_time_rate", "completeness"]
        read_only_fields = fields


class SummaryFileSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField(help_text=T("下载地址（文件已生成时）"))

    class Meta:
        model = SummaryFile
        fields = ["id", "plan", "year", "kind", "status", "include_lower", "filename", "size", "generation",
                  "requested_at", "generated_at", "error", "download"]
        read_only_fields = fields

    def get_download(self, obj) -> str | None:
        if not obj.is_ready:
            return None
        request = self.context.get("request")
        path = f"/api/v1/summaries/{obj.pk}/download/"
        return request.build_absolute_uri(path) if request else path


class GenerateSerializer(serializers.Serializer):
    plan = ScopedPrimaryKeyRelatedField(dashboard_plans, WorkPlan, help_text=T("工作计划编号"))
    year = serializers.IntegerField(min_value=1949, max_value=2100)
    include_lower = serializers.BooleanField(default=False, help_text=T("同时汇总下级残工委据本计划制定的计划"))
