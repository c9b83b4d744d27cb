"""Quantitative targets with their allocation to units or lower committees."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from targets.models import Allocation, Target


class AllocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Allocation
        fields = ["id", "unit", "committee", "value"]


class TargetSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="task.plan_id", read_only=True, help_text=_("所属工作计划"))
    display = serializers.CharField(source="__str__", read_only=True, help_text=_("如 城镇新增残疾人就业 不少于5600人"))
    allocations = AllocationSerializer(many=True, read_only=True, help_text=_("分解到单位或下级残工委的数值"))

    class Meta:
        model = Target
        fields = ["id", "task", "plan", "indicator", "value", "measure_unit", "comparator", "per_unit", "ambiguous",
                  "baseline", "quote", "order", "plan_indicator", "display", "allocations"]
        read_only_fields = fields


class ShareSerializer(serializers.Serializer):
    id = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text=_("成员单位或下级残工委的编号"))
    value = serializers.DecimalField(max_digits=18, decimal_places=4, help_text=_("分解值"))


class AllocationWriteSerializer(serializers.Serializer):
    units = ShareSerializer(many=True, required=False, default=list, help_text=_("分解到本级成员单位"))
    committees = ShareSerializer(many=True, required=False, default=list, help_text=_("分解到直接下级残工委"))
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300,
                                 help_text=_("分解值合计与目标值不一致时必填"))
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500,
                                   help_text=_("计划已发布时，修改已下达的分解值须填写调整原因"))
