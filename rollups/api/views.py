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
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from core.api.base import LuoshiReadOnlyViewSet
from core.api.fields import ScopedPrimaryKeyRelatedField
from rollups.downloads import summary_response
from rollups.models import CommitteeRollup, RollupRun, SummaryFile
from rollups.selectors import dashboard_plans, load_rollup, open_summary_file
from rollups.services import request_summary
from tasks.models import WorkPlan
from units.selectors import access_for

TAG = T("汇总与年度总结")


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


def _plan_detail(run):
    data = load_rollup([run.plan], run.year)
    tasks = []
    for line in data.tasks:
        r = line.rollup
        tasks.append({
            "task": line.task.pk, "ref": line.task.ref, "status": line.status, "light": line.light,
            "ratio": r.ratio if r else None, "projection": r.projection if r else None,
            "targets_total": r.targets_total if r else 0, "targets_reached": r.targets_reached if r else 0,
            "reports_accepted": r.reports_accepted if r else 0, "as_of": r.as_of if r else None,
            "targets": [{
                "target": t.target.pk, "indicator": t.target.indicator, "comparator": t.target.comparator,
                "value": t.target.value, "measure_unit": t.target.measure_unit, "reached": t.reached,
                "ratio": t.rollup.ratio if t.rollup else None,
                "projection": t.rollup.projection if t.rollup else None, "status": t.status,
                "as_of": t.rollup.as_of if t.rollup else None,
                "contributors": t.contributors,
            } for t in line.targets],
        })
    units = [{
        "unit": u.unit_id, "name": u.unit.short_name, "reports_expected": u.reports_expected,
        "reports_submitted": u.reports_submitted, "reports_on_time": u.reports_on_time,
        "reports_accepted": u.reports_accepted, "returns": u.returns, "on_time_rate": u.on_time_rate,
        "completeness": u.completeness,
    } for u in data.units]
    return {"tasks": tasks, "units": units}


class PlanRollupFilter(filters.FilterSet):
    plan = filters.NumberFilter(field_name="plan_id")
    committee = filters.NumberFilter(field_name="plan__committee_id")
    year = filters.NumberFilter()

    class Meta:
        model = RollupRun
        fields = ["plan", "committee", "year"]


@extend_schema_view(
    list=extend_schema(summary=T("计划年度汇总列表"), description=T("各计划各年度的任务、目标与报送汇总（已存储，不实时重算）。"),
                       tags=[TAG]),
    retrieve=extend_schema(summary=T("计划年度汇总详情"), description=T("含各任务状态与信号灯、各目标完成值与各单位数据、各单位报送情况。"),
                           tags=[TAG]),
)
class PlanRollupViewSet(LuoshiReadOnlyViewSet):
    serializer_class = PlanRollupSerializer
    filterset_class = PlanRollupFilter
    ordering_fields = ["year", "computed_at"]

    def get_queryset(self):
        return (RollupRun.objects.filter(plan__in=dashboard_plans(self.request.user).values("pk"),
                                         computed_at__isnull=False)
                .select_related("plan").order_by("-year", "plan_id"))

    def retrieve(self, request, *args, **kwargs):
        run = self.get_object()
        return Response({**self.get_serializer(run).data, **_plan_detail(run)})


class CommitteeRollupFilter(filters.FilterSet):
    committee = filters.NumberFilter(field_name="committee_id")
    year = filters.NumberFilter()
    scope = filters.ChoiceFilter(choices=CommitteeRollup.Scope.choices)

    class Meta:
        model = CommitteeRollup
        fields = ["committee", "year", "scope"]


@extend_schema_view(
    list=extend_schema(summary=T("残工委年度汇总列表"), description=T("本级（own）或含下级（tree）的汇总：县→市→省。"), tags=[TAG]),
    retrieve=extend_schema(summary=T("残工委年度汇总详情"), tags=[TAG]),
)
class CommitteeRollupViewSet(LuoshiReadOnlyViewSet):
    serializer_class = CommitteeRollupSerializer
    filterset_class = CommitteeRollupFilter

    def get_queryset(self):
        access = access_for(self.request.user)
        qs = CommitteeRollup.objects.filter(computed_at__isnull=False).select_related("committee")
        if not access.is_superuser:
            qs = qs.filter(committee_id__in=access.wide_committee_ids)
        return qs.order_by("-year", "committee_id", "scope")


class SummaryFilter(filters.FilterSet):
    plan = filters.NumberFilter(field_name="plan_id")
    year = filters.NumberFilter()
    kind = filters.ChoiceFilter(choices=SummaryFile.Kind.choices)

    class Meta:
        model = SummaryFile
        fields = ["plan", "year", "kind"]


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
