"""API views for quantitative targets: read, and change one through ``revise`` (``revisions.py``)."""
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as T
from drf_spectacular.utils import extend_schema, extend_schema_view

from core.api.base import LuoshiReadOnlyViewSet
from targets.filtersets import TargetFilterSet
from targets.models import Allocation, Target
from tasks.selectors import visible_plans

from .revisions import TargetRevisionActions
from .serializers import TargetSerializer

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
