"""API of the stored roll-ups and the year-end summary files (mounted under /api/v1/).

* ``plan-rollups/`` — one row per plan and year with its totals; ``plan-rollups/{id}/``
  adds the tasks, targets (with each unit's figure) and units.
* ``committee-rollups/`` — per committee and year, ``own`` or ``tree`` (with the committees below).
* ``summaries/`` — the generated workbook and Word draft; ``summaries/{id}/download/``
  returns the file; ``summaries/generate/`` (office, or a read-write client) queues a new one.

Reads come from the stored roll-up (never recomputed here); reach is the dashboard's:
the committee-wide roles of the plan's committee and above, and API clients of that subtree.
"""
from django.http import Http404
from django.utils.translation import gettext_lazy as T
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from core.api.base import LuoshiReadOnlyViewSet
from rollups.downloads import summary_response
from rollups.models import CommitteeRollup, RollupRun, SummaryFile
from rollups.selectors import dashboard_plans, load_rollup, open_summary_file
from rollups.services import request_summary
from units.selectors import wide_committees

from .filtersets import CommitteeRollupFilter, PlanRollupFilter, SummaryFilter
from .serializers import (
    CommitteeRollupSerializer,
    GenerateSerializer,
    PlanRollupDetailSerializer,
    PlanRollupSerializer,
    SummaryFileSerializer,
)

TAG = T("汇总与年度总结")


@extend_schema_view(
    list=extend_schema(summary=T("计划年度汇总列表"), description=T("各计划各年度的任务、目标与报送汇总（已存储，不实时重算）。"),
                       tags=[TAG]),
    retrieve=extend_schema(summary=T("计划年度汇总详情"), description=T("含各任务状态与信号灯、各目标完成值与各单位数据、各单位报送情况。"),
                           responses=PlanRollupDetailSerializer, tags=[TAG]),
)
class PlanRollupViewSet(LuoshiReadOnlyViewSet):
    serializer_class = PlanRollupSerializer
    filterset_class = PlanRollupFilter
    ordering_fields = ["year", "computed_at"]

    def get_queryset(self):
        return (RollupRun.objects.filter(plan__in=dashboard_plans(self.request.user).values("pk"),
                                         computed_at__isnull=False)
                .select_related("plan").order_by("-year", "plan_id"))

    def get_serializer_class(self):
        return PlanRollupDetailSerializer if self.action == "retrieve" else PlanRollupSerializer

    def retrieve(self, request, *args, **kwargs):
        run = self.get_object()
        run.lines = load_rollup([run.plan], run.year)  # what PlanRollupDetailSerializer writes of tasks and units
        return Response(self.get_serializer(run).data)


@extend_schema_view(
    list=extend_schema(summary=T("残工委年度汇总列表"), description=T("本级（own）或含下级（tree）的汇总：县→市→省。"), tags=[TAG]),
    retrieve=extend_schema(summary=T("残工委年度汇总详情"), tags=[TAG]),
)
class CommitteeRollupViewSet(LuoshiReadOnlyViewSet):
    serializer_class = CommitteeRollupSerializer
    filterset_class = CommitteeRollupFilter

    def get_queryset(self):
        return (CommitteeRollup.objects.filter(committee__in=wide_committees(self.request.user),
                                               computed_at__isnull=False)
                .select_related("committee").order_by("-year", "committee_id", "scope"))


@extend_schema_view(
    list=extend_schema(summary=T("年度总结文件列表"), tags=[TAG]),
    retrieve=extend_schema(summary=T("年度总结文件详情"), tags=[TAG]),
)
class SummaryFileViewSet(LuoshiReadOnlyViewSet):
    serializer_class = SummaryFileSerializer
    filterset_class = SummaryFilter

    def get_queryset(self):
        return (SummaryFile.objects.filter(plan__in=dashboard_plans(self.request.user).values("pk"))
                .order_by("-year", "plan_id", "kind"))

    @extend_schema(summary=T("下载年度总结文件"), responses={(200, "application/octet-stream"): bytes}, tags=[TAG])
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        sf = self.get_object()
        try:
            return summary_response(sf, open_summary_file(sf))
        except Http404 as exc:
            raise NotFound(str(exc)) from None

    @extend_schema(summary=T("生成年度总结"), description=T("为计划的某一年度生成 Excel 汇总表和 Word 总结稿（异步）；"
                                                       "仅本级残工委办公室或读写客户端可调用。重新生成会替换原文件。"),
                   request=GenerateSerializer, responses={202: SummaryFileSerializer(many=True)}, tags=[TAG])
    @action(detail=False, methods=["post"])
    def generate(self, request):
        data = GenerateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        files = request_summary(plan=data.validated_data["plan"], year=data.validated_data["year"],
                                user=request.user, include_lower=data.validated_data["include_lower"])
        for sf in files:
            sf.refresh_from_db()
        return Response(SummaryFileSerializer(files, many=True, context=self.get_serializer_context()).data,
                        status=status.HTTP_202_ACCEPTED)
