"""The five-year plan evaluation through the API (mounted under /api/v1/):

``fyp-evaluations/?plan=&year=`` — the evaluation of a multi-year plan at the end of ``year`` (mid-term 2023 or
final 2025 of 十四五, or any year of the period): per indicator the baseline, each year's value and its source,
the current value, ratio to target, completion, 序时进度, their ratio, the judgement and its reason; the counts,
the sentence in the national form and the weighted index. Read-only; who reads is decided in
``targets.selectors.indicator_plans_for`` (office, leaders and clients of the plan's committee or above).
"""
from django.http import Http404
from django.utils.translation import gettext_lazy as T
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from core.api.base import AuditMixin
from rollups.evaluation import rules, selectors
from targets.models import PlanIndicator

TAG = T("五年规划指标")
RATIO = {"max_digits": 12, "decimal_places": 4, "allow_null": True}


class YearValueSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=22, decimal_places=4)
    source = serializers.CharField(help_text=T("录入的数据来源，或“年度计划目标汇总”"))


class OutcomeSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(source="terms.key")
    number = serializers.IntegerField(source="indicator.number")
    name = serializers.CharField(source="terms.name")
    measure_unit = serializers.CharField(source="terms.measure_unit")
    kind = serializers.ChoiceField(source="terms.kind", choices=PlanIndicator.Kind.choices)
    direction = serializers.CharField(source="terms.direction")
    cumulative = serializers.BooleanField(source="terms.cumulative")
    baseline = serializers.DecimalField(source="terms.baseline", max_digits=22, decimal_places=4, allow_null=True)
    target = serializers.DecimalField(source="terms.target", max_digits=22, decimal_places=4)
    weight = serializers.DecimalField(source="terms.weight", max_digits=8, decimal_places=2, allow_null=True)
    values = serializers.SerializerMethodField()
    current = serializers.DecimalField(max_digits=22, decimal_places=4, allow_null=True)
    ratio_to_target = serializers.DecimalField(**RATIO)
    completion = serializers.DecimalField(**RATIO, help_text=T("完成进度：已实现的变化占规划目标变化的比例"))
    elapsed = serializers.DecimalField(**RATIO, help_text=T("序时进度"))
    ratio_to_elapsed = serializers.DecimalField(**RATIO)
    judgement = serializers.ChoiceField(choices=list(rules.JUDGEMENT_LABELS.items()))
    judgement_label = serializers.CharField()
    reason = serializers.CharField()

    @extend_schema_field(YearValueSerializer(many=True))
    def get_values(self, outcome):
        return YearValueSerializer([{"year": y, "value": v[0], "source": v[1]} for y, v in outcome.values.items()],
                                   many=True).data


class EvaluationSerializer(serializers.Serializer):
    plan = serializers.IntegerField(source="plan.pk")
    plan_title = serializers.CharField(source="plan.title")
    year = serializers.IntegerField(source="ev.year")
    label = serializers.CharField(source="ev.label", help_text=T("中期评估或总结评估"))
    sentence = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()
    index = serializers.DecimalField(source="ev.index", max_digits=8, decimal_places=2, allow_null=True,
                                     help_text=T("加权综合指数（有权重时）"))
    indicators = OutcomeSerializer(source="ev.outcomes", many=True)

    def get_sentence(self, obj) -> str:
        return obj["ev"].sentence()

    def get_counts(self, obj) -> dict:
        return obj["ev"].counts()


class EvaluationViewSet(AuditMixin, viewsets.GenericViewSet):
    serializer_class = EvaluationSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return None

    @extend_schema(summary=T("五年规划主要指标评估"),
                   parameters=[OpenApiParameter("plan", int, required=True, description=T("多年规划编号")),
                               OpenApiParameter("year", int, required=True, description=T("评估年度（如2023中期、2025总结）"))],
                   responses=EvaluationSerializer, tags=[TAG])
    def list(self, request):
        errors, values = {}, {}
        for name in ("plan", "year"):
            raw = request.query_params.get(name, "")
            if not raw.isdigit() or not 0 < int(raw) < 2**31:
                errors[name] = [str(T("请提供有效的整数。"))]
            else:
                values[name] = int(raw)
        if errors:
            raise ValidationError(errors)
        try:
            plan = selectors.get_plan(request.user, values["plan"])
        except Http404:
            raise NotFound(str(T("五年规划不存在或无权查看。"))) from None
        if not plan.period_start <= values["year"] <= plan.period_end:
            raise ValidationError({"year": [str(T("评估年度须在规划期内。"))]})
        ev = selectors.evaluate_plan(plan, values["year"])
        return Response(EvaluationSerializer({"plan": plan, "ev": ev}).data)
