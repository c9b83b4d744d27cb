"""API for changing a target: ``POST /targets/{id}/revise/`` (on a published plan a revision, 调整, with
a reason). Mixed into ``TargetViewSet``; the change is ``tasks.services.update_target``."""
from django.utils.translation import gettext_lazy as T
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from targets.models import FIGURE, Target
from tasks import services


class TargetChangeSerializer(serializers.Serializer):
    indicator = serializers.CharField(required=False, max_length=200, help_text=T("指标"))
    value = serializers.DecimalField(required=False, min_value=0, **FIGURE, help_text=T("目标值"))
    measure_unit = serializers.CharField(required=False, max_length=20, help_text=T("计量单位"))
    comparator = serializers.ChoiceField(required=False, choices=Target.Comparator.choices, help_text=T("比较方式"))
    per_unit = serializers.BooleanField(required=False, help_text=T("各地分别达到"))
    ambiguous = serializers.BooleanField(required=False, help_text=T("待确认"))
    baseline = serializers.DecimalField(required=False, allow_null=True, min_value=0, **FIGURE, help_text=T("基数"))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="",
                                   help_text=T("调整原因：计划已发布时必填"))


class TargetRevisionActions:
    @extend_schema(summary=T("修改或调整量化目标"),
                   description=T("草稿计划直接修改；已发布计划为调整，须填写 reason，记入修改记录（谁、何时、为何、修改前后）。"
                                 "仅该残工委办公室或读写客户端可用。"),
                   request=TargetChangeSerializer, tags=[T("量化目标")])
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def revise(self, request, pk=None):
        target = self.get_object()
        data = TargetChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        reason = fields.pop("reason")
        target = services.update_target(target=target, user=request.user, reason=reason, **fields)
        self.audit_object = target
        return Response(self.get_serializer(self.get_queryset().get(pk=target.pk)).data)
