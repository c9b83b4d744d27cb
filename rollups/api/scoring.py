"""考核 through the API (mounted under /api/v1/):

* ``scoring-schemes/`` — the schemes the caller may read (filters ``committee``, ``year``), each with its
  items and bands;
* ``scoring-schemes/{id}/results/`` and ``scoring-results/?committee=&year=`` — the scored, ranked
  cards with every item and every line (deduction or addition, with the address it came from).

Who reads which card is decided in ``rollups.scoring.selectors`` (``access_for``): the committee's
office, leaders and clients of its subtree read every card; a member unit only its own.
"""
from django.http import Http404
from django.utils.translation import gettext_lazy as T
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from core.api.base import AuditMixin, LuoshiReadOnlyViewSet
from core.filters import IdFilter, YearFilter
from rollups.models import ScoringItem, ScoringScheme
from rollups.scoring import selectors

TAG = T("考核")


class ScoringItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScoringItem
        fields = ["kind", "label", "points", "per_missing", "per_late", "per_return", "order"]
        read_only_fields = fields


class ScoringSchemeSerializer(serializers.ModelSerializer):
    committee_name = serializers.CharField(source="committee.name", read_only=True)
    items = ScoringItemSerializer(many=True, read_only=True)

    class Meta:
        model = ScoringScheme
        fields = ["id", "committee", "committee_name", "year", "title", "doc_number", "score_member_units",
                  "excellent_from", "good_from", "fair_from", "items", "updated_at"]
        read_only_fields = fields


class LineSerializer(serializers.Serializer):
    text = serializers.CharField(help_text=T("加分或扣分的依据"))
    points = serializers.DecimalField(max_digits=8, decimal_places=2, help_text=T("加分为正，扣分为负"))
    link = serializers.CharField(help_text=T("依据所在页面（报告、报告历史、任务、看板或录入）"))


class ItemScoreSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ScoringItem.Kind.choices)
    label = serializers.CharField()
    max_points = serializers.DecimalField(max_digits=8, decimal_places=2)
    points = serializers.DecimalField(max_digits=8, decimal_places=2)
    summary = serializers.CharField()
    lines = LineSerializer(many=True)


class CardSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=T("unit：成员单位；committee：下级残工委"))
    id = serializers.SerializerMethodField()
    name = serializers.CharField()
    rank = serializers.IntegerField(help_text=T("同分同名次，其后名次顺延"))
    total = serializers.DecimalField(max_digits=8, decimal_places=2)
    band = serializers.ChoiceField(choices=list(selectors.BAND_LABELS.items()))
    band_label = serializers.SerializerMethodField()
    items = ItemScoreSerializer(many=True)

    def get_id(self, card) -> int:
        return int(card.key[1:])

    def get_band_label(self, card) -> str:
        return selectors.BAND_LABELS.get(card.band, "")


class ResultsSerializer(serializers.Serializer):
    scheme = ScoringSchemeSerializer()
    max_total = serializers.DecimalField(max_digits=8, decimal_places=2)
    results = CardSerializer(many=True)


def _results(request, scheme):
    try:
        cards, top = selectors.results(request.user, scheme)
    except Http404 as exc:
        raise NotFound(str(exc)) from None
    return Response(ResultsSerializer({"scheme": scheme, "max_total": top, "results": cards}).data)


class SchemeFilter(filters.FilterSet):
    committee = IdFilter(field_name="committee_id")
    year = YearFilter()

    class Meta:
        model = ScoringScheme
        fields = ["committee", "year"]


@extend_schema_view(
    list=extend_schema(summary=T("考核办法列表"), tags=[TAG]),
    retrieve=extend_schema(summary=T("考核办法详情"), tags=[TAG]),
)
class ScoringSchemeViewSet(LuoshiReadOnlyViewSet):
    serializer_class = ScoringSchemeSerializer
    filterset_class = SchemeFilter

    def get_queryset(self):
        return selectors.schemes_for(self.request.user).prefetch_related("items").order_by("-year", "committee_id")

    @extend_schema(summary=T("考核结果"), description=T("各单位得分、排名、等次及每一项加减分的依据。成员单位只能看到本单位。"),
                   responses=ResultsSerializer, tags=[TAG])
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        return _results(request, self.get_object())


class ScoringResultViewSet(AuditMixin, viewsets.GenericViewSet):
    """``scoring-results/?committee=&year=``: the results of one committee's scheme of one year."""

    serializer_class = ResultsSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return selectors.schemes_for(self.request.user).prefetch_related("items")

    @extend_schema(summary=T("某残工委某年度的考核结果"),
                   parameters=[OpenApiParameter("committee", int, required=True, description=T("残工委编号")),
                               OpenApiParameter("year", int, required=True, description=T("年度"))],
                   responses=ResultsSerializer, tags=[TAG])
    def list(self, request):
        errors = {}
        values = {}
        for name in ("committee", "year"):
            raw = request.query_params.get(name, "")
            if not raw.isdigit() or not 0 < int(raw) < 2**31:
                errors[name] = [str(T("请提供有效的整数。"))]
            else:
                values[name] = int(raw)
        if errors:
            raise ValidationError(errors)
        scheme = self.get_queryset().filter(committee_id=values["committee"], year=values["year"]).first()
        if scheme is None:
            raise NotFound(str(T("该残工委该年度没有考核办法，或无权查看。")))
        return _results(request, scheme)
