"""API views for reporting rounds and progress reports. The workflow actions call
``reports.services`` — the same functions as the web pages — so permissions, validation
and history are identical whichever way a report is filled."""
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as T
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.base import LuoshiReadOnlyViewSet, LuoshiViewSet
from core.api.errors import Conflict
from reports import selectors, services
from reports.models import ReportingRound, TargetValue
from tasks.selectors import visible_plans

from .filtersets import ApiProgressReportFilterSet, ReportingRoundFilterSet
from .serializers import (
    CommentSerializer,
    OpenSlotSerializer,
    ReasonSerializer,
    ReportSerializer,
    RoundCreateSerializer,
    RoundSerializer,
    SaveDraftSerializer,
)

TAG_ROUNDS = T("填报轮次")
TAG_REPORTS = T("进展报告")


@extend_schema_view(
    list=extend_schema(summary=T("填报轮次列表"), description=T("您可查看的工作计划的填报轮次。"), tags=[TAG_ROUNDS]),
    retrieve=extend_schema(summary=T("填报轮次详情"), tags=[TAG_ROUNDS]),
    create=extend_schema(
        summary=T("开启填报轮次"),
        description=T("为计划开启一个填报轮次，并为每个任务的每个承担单位建立待填报告。仅该计划所属残工委的办公室"
                      "（或读写客户端）可开启；专项调度（extra）会通知各单位。"),
        request=RoundCreateSerializer, responses={201: RoundSerializer}, tags=[TAG_ROUNDS],
    ),
)
class RoundViewSet(LuoshiViewSet):
    serializer_class = RoundSerializer
    filterset_class = ReportingRoundFilterSet
    ordering_fields = ["due_on", "period_end", "opens_on"]
    ordering = ["-period_end", "plan_id", "period_kind", "id"]

    def get_queryset(self):
        return ReportingRound.objects.filter(plan__in=visible_plans(self.request.user).values("id")).order_by(
            "-period_end", "plan_id", "period_kind", "id"
        )

    def create(self, request, *args, **kwargs):
        data = RoundCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        rnd = services.open_round(user=request.user, **data.validated_data)
        self.audit_object = rnd
        return Response(RoundSerializer(rnd).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=T("关闭填报轮次"), description=T("关闭后该轮次不能再填报或修改。"), request=None,
                   responses={200: RoundSerializer}, tags=[TAG_ROUNDS])
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        rnd = services.close_round(round=self.get_object(), user=request.user)
        return Response(RoundSerializer(rnd).data)


def _report_queryset(user):
    return (
        selectors.visible_reports(user)
        .prefetch_related(Prefetch("values", queryset=TargetValue.objects.order_by("target_id")))
        .order_by("-round__period_end", "round_id", "task__order", "unit__order", "id")
    )


def _workflow(summary, description, request=None):
    return extend_schema(summary=summary, description=description, request=request,
                         responses={200: ReportSerializer}, tags=[TAG_REPORTS])


@extend_schema_view(
    list=extend_schema(
        summary=T("进展报告列表"),
        description=T("您可查看的进展报告（与网页列表使用同一筛选条件）：本单位的报告、本单位牵头任务中其他单位已提交的报告；"
                      "办公室和领导可查看本级及下级残工委的报告。"),
        tags=[TAG_REPORTS],
    ),
    retrieve=extend_schema(summary=T("进展报告详情"), tags=[TAG_REPORTS]),
)
class ReportViewSet(LuoshiReadOnlyViewSet):
    serializer_class = ReportSerializer
    filterset_class = ApiProgressReportFilterSet
    ordering_fields = ["updated_at", "status", "round", "task", "unit"]
    ordering = ["-round__period_end", "round_id", "task__order", "unit__order", "id"]

    def get_queryset(self):
        return _report_queryset(self.request.user)

    def _answer(self, report):
        return Response(ReportSerializer(_report_queryset(self.request.user).get(pk=report.pk)).data)

    @extend_schema(
        summary=T("我的待办报告"),
        description=T("本人所在单位（填报人、审核人）在进行中的轮次里的报告，附截止日期（含延期）、是否逾期、是否牵头。"),
        responses={200: OpenSlotSerializer(many=True)}, tags=[TAG_REPORTS],
    )
    @action(detail=False, methods=["get"], url_path="my-open", serializer_class=OpenSlotSerializer)
    def my_open(self, request):
        slots = selectors.my_open_slots(request.user).prefetch_related(
            Prefetch("values", queryset=TargetValue.objects.order_by("target_id"))
        )
        slots = self.filter_queryset(slots)
        page = self.paginate_queryset(slots)
        return self.get_paginated_response(OpenSlotSerializer(page, many=True).data)

    @_workflow(T("保存草稿"), T("保存进展情况和各目标的累计完成值。version 须为读取时的版本号：若他人已先保存，"
                              "返回 409，您的内容另存不丢失。仅本单位填报人（或读写客户端）可保存。"), SaveDraftSerializer)
    @action(detail=True, methods=["post"], url_path="save-draft")
    def save_draft(self, request, pk=None):
        report = self.get_object()
        data = SaveDraftSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        figures = {f["target"]: (f["value"], f["note"]) for f in fields.pop("figures")}
        try:
            report = services.save_draft(report=report, user=request.user, figures=figures, **fields)
        except services.StaleVersion as exc:
            raise Conflict(str(exc)) from None
        return self._answer(report)

    @_workflow(T("提交报告"), T("本单位填报人提交：有审核人时送单位审核，否则直接报送办公室。"))
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._answer(services.submit(report=self.get_object(), user=request.user))

    @_workflow(T("单位审核通过"), T("本单位审核人签发，报告送残工委办公室。"))
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._answer(services.approve(report=self.get_object(), user=request.user))

    @_workflow(T("单位审核退回"), T("本单位审核人退回填报人修改，须写明原因。"), CommentSerializer)
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        report = self.get_object()
        data = CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(services.send_back(report=report, user=request.user, **data.validated_data))

    @_workflow(T("办公室采纳"), T("残工委办公室采纳报告，计入汇总。"))
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._answer(services.accept(report=self.get_object(), user=request.user))

    @_workflow(T("办公室退回"), T("残工委办公室将报告退回单位，须写明原因。"), CommentSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_report(self, request, pk=None):
        report = self.get_object()
        data = CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(services.return_report(report=report, user=request.user, **data.validated_data))

    @_workflow(T("更正已采纳的报告"), T("已采纳的报告重新成为草稿（新版本），原版本保留在历史中；须写明原因。"),
               ReasonSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        report = self.get_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(services.reopen(report=report, user=request.user, **data.validated_data))
