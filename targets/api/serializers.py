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
