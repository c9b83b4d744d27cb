"""Five-year plan indicators through the API (mounted under /api/v1/):

* ``plan-indicators/`` — list (``?plan=``), detail; ``POST`` creates and ``PATCH`` changes one (office or a
  read-write client of the plan's committee); ``POST plan-indicators/link-targets/`` links an annual plan's
  targets to indicators (``{"plan": id, "links": {"target id": indicator id or null}}``);
* ``indicator-values/`` — the entered yearly values (``?indicator=&plan=&year=``); ``POST`` enters or changes
  one (``indicator, year, value, source``), the old value kept in history.

Who reads: the office, leaders and clients of the plan's committee or a committee above it. Writes go through
``targets.services`` (permission inside; refused → 403, bad data → 400 with the common error body).
"""
from django.utils.translation import gettext_lazy as T
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.api.base import LuoshiViewSet
from core.filters import IdFilter, YearFilter
from targets import services
from targets.models import IndicatorValue, PlanIndicator
from targets.selectors import indicator_plans_for, indicator_values_for, indicators_for
from tasks.models import WorkPlan
from tasks.selectors import visible_plans

TAG = T("五年规划指标")


class PlanIndicatorSerializer(serializers.ModelSerializer):
    plan = serializers.PrimaryKeyRelatedField(queryset=WorkPlan.objects.none(),
                                              help_text=T("多年规划（如“十四五”规划）"))
    responsible_unit_name = serializers.CharField(source="responsible_unit.short_name", read_only=True, default="")
    linked_targets = serializers.SerializerMethodField(help_text=T("关联到本指标的年度目标编号"))

    class Meta:
        model = PlanIndicator
        fields = ["id", "plan", "number", "name", "measure_unit", "baseline", "target_value", "kind", "direction",
                  "cumulative", "responsible_unit", "responsible_unit_name", "weight", "linked_targets", "updated_at"]
        read_only_fields = ["id", "updated_at"]
        validators = []  # the service checks uniqueness with a Chinese message

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["plan"].queryset = indicator_plans_for(request.user)
            from units.selectors import units_for

            self.fields["responsible_unit"].queryset = units_for(request.user)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["plan"].read_only = True

    def get_linked_targets(self, obj) -> list[int]:
        return sorted(t.pk for t in obj.targets.all())


class IndicatorValueSerializer(serializers.ModelSerializer):
    indicator = serializers.PrimaryKeyRelatedField(queryset=PlanIndicator.objects.none())
    entered_by = serializers.CharField(source="entered_by.username", read_only=True, default="")

    class Meta:
        model = IndicatorValue
        fields = ["id", "indicator", "year", "value", "source", "entered_at", "entered_by"]
        read_only_fields = ["id", "entered_at", "entered_by"]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["indicator"].queryset = indicators_for(request.user)


class LinkSerializer(serializers.Serializer):
    plan = serializers.IntegerField(help_text=T("年度工作计划"))
    links = serializers.DictField(child=serializers.IntegerField(allow_null=True, min_value=1),
                                  help_text=T("目标编号 → 指标编号（null 取消关联）"), allow_empty=False)


class LinkResultSerializer(serializers.Serializer):
    changed = serializers.IntegerField()


class IndicatorFilter(filters.FilterSet):
    plan = IdFilter(field_name="plan_id")

    class Meta:
        model = PlanIndicator
        fields = ["plan"]


class ValueFilter(filters.FilterSet):
    indicator = IdFilter(field_name="indicator_id")
    plan = IdFilter(field_name="indicator__plan_id")
    year = YearFilter()

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "plan", "year"]


def _fields(data):
    return {k: data.get(k) for k in services.FIELDS}


@extend_schema_view(
    list=extend_schema(summary=T("规划主要指标列表"), tags=[TAG]),
    retrieve=extend_schema(summary=T("规划主要指标详情"), tags=[TAG]),
    create=extend_schema(summary=T("新增规划主要指标"), tags=[TAG]),
    partial_update=extend_schema(summary=T("修改规划主要指标"), tags=[TAG]),
)
class PlanIndicatorViewSet(mixins.UpdateModelMixin, LuoshiViewSet):
    serializer_class = PlanIndicatorSerializer
    filterset_class = IndicatorFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return indicators_for(self.request.user).prefetch_related("targets").order_by("plan_id", "number", "id")

    def perform_create(self, serializer):
        d = serializer.validated_data
        self.audit_object = services.save_indicator(user=self.request.user, plan=d["plan"], **_fields(
            {**{"kind": "expected", "direction": ">=", "cumulative": False}, **d}))
        serializer.instance = self.audit_object

    def perform_update(self, serializer):
        ind = serializer.instance
        current = {k: getattr(ind, k) for k in services.FIELDS}
        self.audit_object = services.save_indicator(user=self.request.user, plan=ind.plan, indicator=ind,
                                                    **{**current, **_fields({**current, **serializer.validated_data})})
        serializer.instance = self.audit_object

    @extend_schema(summary=T("关联年度目标与规划指标"), request=LinkSerializer, responses=LinkResultSerializer,
                   tags=[TAG])
    @action(detail=False, methods=["post"], url_path="link-targets")
    def link_targets(self, request):
        s = LinkSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        plan = visible_plans(request.user).filter(pk=s.validated_data["plan"]).first()
        if plan is None:
            raise ValidationError({"plan": [str(T("工作计划不存在或无权查看。"))]})
        try:
            links = {int(k): v for k, v in s.validated_data["links"].items()}
        except ValueError:
            raise ValidationError({"links": [str(T("目标编号须为整数。"))]}) from None
        changed = services.link_targets(user=request.user, plan=plan, links=links)
        return Response({"changed": changed})


@extend_schema_view(
    list=extend_schema(summary=T("指标年度数值列表"), description=T("办公室录入并注明来源的数值（含修改历史之外的当前值）。"),
                       tags=[TAG]),
    retrieve=extend_schema(summary=T("指标年度数值详情"), tags=[TAG]),
    create=extend_schema(summary=T("录入或修改指标年度数值"), tags=[TAG]),
)
class IndicatorValueViewSet(LuoshiViewSet):
    serializer_class = IndicatorValueSerializer
    filterset_class = ValueFilter

    def get_queryset(self):
        return indicator_values_for(self.request.user).order_by("indicator_id", "year")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        row = services.set_value(user=request.user, indicator=d["indicator"], year=d["year"], value=d["value"],
                                 source=d["source"])
        self.audit_object = row
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)
