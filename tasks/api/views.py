"""API views for plans, sections and tasks. Thin: selectors read, services write."""
from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.base import LuoshiReadOnlyViewSet, LuoshiViewSet
from core.api.renderers import CsvRenderer, XlsxRenderer, file_renderers
from security import audit
from tasks import selectors, services
from tasks.filtersets import SectionFilterSet, TaskFilterSet, WorkPlanFilterSet

from . import exports
from .lifecycle import PlanLifecycleActions
from .rows import TaskRows
from .serializers import PlanCreateSerializer, SectionSerializer, TaskSerializer, WorkPlanSerializer

T = gettext_lazy
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TAG_PLANS = T("工作计划与任务")


def attachment(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@extend_schema_view(
    list=extend_schema(summary=T("工作计划列表"), description=T("与网页“工作计划”列表使用同一筛选条件（WorkPlanFilterSet）。"),
                       tags=[TAG_PLANS]),
    retrieve=extend_schema(summary=T("工作计划详情"), tags=[TAG_PLANS]),
    create=extend_schema(
        summary=T("新建工作计划（含章节、任务、分工和目标）"),
        description=T("一次提交整份计划，内容与导入文件读出的结构相同。单位名称可用简称、全称或别名；"
                      "有无法识别的单位名称时不保存任何内容并返回 400。仅该残工委的办公室（或读写客户端）可新建。"),
        request=PlanCreateSerializer, responses={201: WorkPlanSerializer}, tags=[TAG_PLANS],
    ),
)
class WorkPlanViewSet(PlanLifecycleActions, LuoshiViewSet):
    serializer_class = WorkPlanSerializer
    filterset_class = WorkPlanFilterSet
    ordering_fields = ["period_start", "title", "issued_on", "created_at"]
    ordering = ["-period_start", "title", "id"]

    def get_queryset(self):
        return selectors.plan_list(self.request.user).order_by("-period_start", "title", "id")

    def create(self, request, *args, **kwargs):
        data = PlanCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        committee = data.validated_data["committee"]
        if not selectors.can_create_plans(request.user, committee):
            raise PermissionDenied(_("只有该残工委的办公室可以新建工作计划。"))
        plan = services.create_plan_from_structure(
            committee=committee, structure=data.structure(), kind=data.validated_data.get("kind"),
            status=data.validated_data["status"], created_by=request.user, parent=data.validated_data["parent"],
            source_name="API",
        )
        self.audit_object = plan
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(self.get_serializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=T("导出计划的任务与目标（Excel）"), tags=[TAG_PLANS], filters=False,
                   responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description=T("xlsx 文件"))})
    @action(detail=True, methods=["get"], url_path="export/xlsx", filter_backends=[], pagination_class=None,
            renderer_classes=file_renderers(XlsxRenderer))
    def export_xlsx(self, request, pk=None):
        plan = self.get_object()
        audit.record(audit.Kind.DOWNLOAD, request=request, obj=plan, what="plan_xlsx")
        return attachment(exports.plan_xlsx(plan), XLSX, f"{plan.title}.xlsx")

    @extend_schema(summary=T("导出计划的任务与目标（CSV）"), tags=[TAG_PLANS], filters=False,
                   responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description=T("UTF-8 CSV 文件"))})
    @action(detail=True, methods=["get"], url_path="export/csv", filter_backends=[], pagination_class=None,
            renderer_classes=file_renderers(CsvRenderer))
    def export_csv(self, request, pk=None):
        plan = self.get_object()
        audit.record(audit.Kind.DOWNLOAD, request=request, obj=plan, what="plan_csv")
        return attachment(exports.plan_csv(plan), "text/csv; charset=utf-8", f"{plan.title}.csv")


@extend_schema_view(
    list=extend_schema(summary=T("章节列表"), tags=[TAG_PLANS]),
    retrieve=extend_schema(summary=T("章节详情"), tags=[TAG_PLANS]),
)
class SectionViewSet(LuoshiReadOnlyViewSet):
    serializer_class = SectionSerializer
    filterset_class = SectionFilterSet
    ordering_fields = ["order", "path"]
    ordering = ["plan_id", "order", "id"]

    def get_queryset(self):
        return selectors.visible_sections(self.request.user).order_by("plan_id", "order", "id")


@extend_schema_view(
    list=extend_schema(
        summary=T("任务列表"),
        description=T("每个任务附牵头/参加单位和量化目标。可按计划、年度、残工委、单位及其职责（牵头/参加）、"
                      "完成时限和关键词筛选。"),
        responses=TaskSerializer, tags=[TAG_PLANS],
    ),
    retrieve=extend_schema(summary=T("任务详情"), description=T("与任务列表中的一项相同：附牵头/参加单位和量化目标。"),
                           responses=TaskSerializer, tags=[TAG_PLANS]),
)
class TaskViewSet(LuoshiReadOnlyViewSet):
    """List and detail are rows of ``TaskRows`` — one statement per page or task; ``TaskSerializer``
    documents them (schema only) and builds nothing."""

    filterset_class = TaskFilterSet
    ordering_fields = ["order", "ref", "deadline", "plan"]
    ordering = ["plan_id", "order", "id"]

    def get_queryset(self):
        return selectors.visible_tasks(self.request.user).order_by("plan_id", "order", "id")

    def list(self, request, *args, **kwargs):
        # The hot path: each page is one query (plus a COUNT only when the first page is full).
        page = self.paginate_queryset(TaskRows(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(page)

    def retrieve(self, request, *args, **kwargs):
        # Filtered like the list, as DRF's get_object() filters a detail.
        rows = TaskRows(self.filter_queryset(self.get_queryset()))
        return Response(rows.get(kwargs[self.lookup_url_kwarg or self.lookup_field]))
