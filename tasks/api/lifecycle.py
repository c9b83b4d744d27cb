"""API for a plan's lifecycle: publish, close, archive, and its change history (修改记录).

Mixed into ``WorkPlanViewSet``; every write is a ``tasks.services`` call, so the API refuses exactly
what the web pages refuse (only the committee's office or a read-write client; Chinese messages).
"""
from django.utils.translation import gettext_lazy as T
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from tasks import selectors, services
from tasks.models import PlanChange

TAG = T("工作计划与任务")


class PlanCloseSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="",
                                   help_text=T("原因（结束计划时可填）"))


class PlanChangeSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", allow_null=True, read_only=True, help_text=T("操作人"))
    changes = serializers.ListField(child=serializers.DictField(), read_only=True,
                                    help_text=T("每项：field、label、before、after"))

    class Meta:
        model = PlanChange
        fields = ["id", "created_at", "user", "action", "object_kind", "object_id", "object_label", "changes",
                  "reason", "is_revision"]
        read_only_fields = fields


class PlanLifecycleActions:
    """``POST /plans/{id}/publish/``, ``/close/``, ``/archive/`` and ``GET /plans/{id}/changes/``."""

    def _plan_answer(self, plan):
        self.audit_object = plan
        return Response(self.get_serializer(self.get_queryset().get(pk=plan.pk)).data)

    @extend_schema(summary=T("发布工作计划"),
                   description=T("草稿检查通过（每项任务有牵头单位、目标有效且无待确认）后发布，之后可开始填报；"
                                 "未通过时返回 400，errors 列出每个问题。"),
                   request=None, tags=[TAG])
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def publish(self, request, pk=None):
        return self._plan_answer(services.publish_plan(plan=self.get_object(), user=request.user))

    @extend_schema(summary=T("结束工作计划"), description=T("各填报轮次关闭后结束已发布的计划。"),
                   request=PlanCloseSerializer, tags=[TAG])
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def close(self, request, pk=None):
        plan = self.get_object()
        data = PlanCloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._plan_answer(services.close_plan(plan=plan, user=request.user, reason=data.validated_data["reason"]))

    @extend_schema(summary=T("归档工作计划"), description=T("已结束的计划归档后只能查看。"), request=None, tags=[TAG])
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def archive(self, request, pk=None):
        return self._plan_answer(services.archive_plan(plan=self.get_object(), user=request.user))

    @extend_schema(summary=T("计划修改记录"),
                   description=T("发布前的编辑和发布后的调整（含原因、修改前后）；最新的在前。"),
                   responses={200: PlanChangeSerializer(many=True)}, tags=[TAG])
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def changes(self, request, pk=None):
        plan = self.get_object()
        return Response(PlanChangeSerializer(selectors.plan_changes(plan), many=True).data)
