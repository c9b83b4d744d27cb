"""API views for quantitative targets: read, and change one through ``revise`` (``revisions.py``)."""
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as T
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.base import LuoshiReadOnlyViewSet
from targets import services
from targets.filtersets import TargetFilterSet
from targets.models import Allocation, Target
from tasks.selectors import visible_plans

from .revisions import TargetRevisionActions
from .serializers import AllocationWriteSerializer, TargetSerializer

TAG = T("量化目标")


@extend_schema_view(
    list=extend_schema(summary=T("量化目标列表"), description=T("每个目标附其分解到单位或下级残工委的数值。"), tags=[TAG]),
    retrieve=extend_schema(summary=T("量化目标详情"), tags=[TAG]),
)
class TargetViewSet(TargetRevisionActions, LuoshiReadOnlyViewSet):
    serializer_class = TargetSerializer
    filterset_class = TargetFilterSet
    ordering_fields = ["order", "indicator", "value", "task"]
    ordering = ["task_id", "order", "id"]

    def get_queryset(self):
        return (
            Target.objects.filter(task__plan__in=visible_plans(self.request.user).values("id"))
            .select_related("task")
            .prefetch_related(Prefetch("allocations", queryset=Allocation.objects.order_by("id")))
            .order_by("task_id", "order", "id")
        )

    @extend_schema(
        summary=T("分解目标"),
        description=T("以给出的分解值替换该目标的全部分解（分解到本级成员单位、直接下级残工委）。合计与目标值不一致时须填写"
                      " note；计划已发布时修改已下达的分解值须填写 reason。仅该残工委办公室（或读写客户端）。"),
        request=AllocationWriteSerializer, responses={200: TargetSerializer}, tags=[TAG],
    )
    @action(detail=True, methods=["post"], url_path="allocations")
    def allocate(self, request, pk=None):
        target = self.get_object()
        data = AllocationWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        services.set_allocations(
            target=target, user=request.user, note=d["note"], reason=d["reason"],
            units=[(row["id"], row["value"]) for row in d["units"]],
            committees=[(row["id"], row["value"]) for row in d["committees"]],
        )
        return Response(TargetSerializer(self.get_queryset().get(pk=target.pk)).data)
