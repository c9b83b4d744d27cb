"""督办, 领导批示 and 调度通报 through the API (mounted under /api/v1/), read-only:

* ``supervision-items/`` — the 督办事项 the caller may read, filtered by the web list's FilterSet
  (``plan``, ``unit``, ``task``, ``year``, ``reason``, ``status``, ``level``); ``{id}/`` adds the dated steps.
* ``instructions/`` — leaders' 批示 with the units' answers (each linked to its report and version).
  Read-only: a 批示 is a leader's own instruction, and API clients act for systems, never as a leader.
* ``bulletins/`` — the rounds' 调度通报: published ones for member units, leaders and read-only
  clients; the committee's office (and read-write clients of its subtree) also see drafts.

Reach is the web pages': ``rollups.supervision.selectors``.
"""
import django_filters
from django.utils.translation import gettext_lazy as T
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from core.api.base import LuoshiReadOnlyViewSet
from core.filters import IdFilter
from rollups.models import Bulletin, Instruction, InstructionAnswer, SupervisionItem, SupervisionStep
from rollups.supervision import selectors
from rollups.supervision.filtersets import SupervisionItemFilterSet

TAG = T("督办与调度通报")


class SupervisionStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupervisionStep
        fields = ["level", "name", "on", "days", "recipients", "notified"]
        read_only_fields = fields


class SupervisionItemSerializer(serializers.ModelSerializer):
    task_ref = serializers.CharField(source="task.ref", read_only=True)
    unit_name = serializers.CharField(source="unit.short_name", read_only=True)
    round_label = serializers.CharField(source="round.period_label", read_only=True, allow_null=True, default=None)
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = SupervisionItem
        fields = ["id", "committee", "plan", "year", "round", "round_label", "report", "task", "task_ref", "unit",
                  "unit_name", "reason", "level", "level_label", "status", "since", "opened_on", "resolved_on",
                  "closed_at", "close_note"]
        read_only_fields = fields


class SupervisionItemDetailSerializer(SupervisionItemSerializer):
    steps = SupervisionStepSerializer(many=True, read_only=True)

    class Meta(SupervisionItemSerializer.Meta):
        fields = SupervisionItemSerializer.Meta.fields + ["steps"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary=T("督办事项列表"), description=T("报告逾期或任务低于序时进度的督办事项，含当前级别与状态。"),
                       tags=[TAG]),
    retrieve=extend_schema(summary=T("督办事项详情"), description=T("含每一级督办的发出日期与通知对象。"),
                           responses=SupervisionItemDetailSerializer, tags=[TAG]),
)
class SupervisionItemViewSet(LuoshiReadOnlyViewSet):
    serializer_class = SupervisionItemSerializer
    filterset_class = SupervisionItemFilterSet
    ordering_fields = ["since", "level", "id"]

    def get_queryset(self):
        qs = selectors.item_list(selectors.visible_items(self.request.user))
        return qs.prefetch_related("steps") if self.action == "retrieve" else qs

    def get_serializer_class(self):
        return SupervisionItemDetailSerializer if self.action == "retrieve" else SupervisionItemSerializer


class InstructionAnswerSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.short_name", read_only=True)

    class Meta:
        model = InstructionAnswer
        fields = ["unit", "unit_name", "report", "report_version", "text", "answered_at"]
        read_only_fields = fields


class InstructionSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()
    answers = InstructionAnswerSerializer(many=True, read_only=True)

    class Meta:
        model = Instruction
        fields = ["id", "committee", "plan", "task", "unit", "text", "author_name", "created_at", "answers"]
        read_only_fields = fields

    def get_author_name(self, obj) -> str:
        return (obj.author.get_full_name() or obj.author.username) if obj.author else ""


class InstructionFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="plan_id")
    task = IdFilter(field_name="task_id")
    unit = IdFilter(field_name="unit_id")

    class Meta:
        model = Instruction
        fields = ["plan", "task", "unit"]


@extend_schema_view(
    list=extend_schema(summary=T("领导批示列表"), description=T("批示及各单位的答复（只读：批示由领导在系统中作出，接口客户端不能代领导批示）。"),
                       tags=[TAG]),
    retrieve=extend_schema(summary=T("领导批示详情"), tags=[TAG]),
)
class InstructionViewSet(LuoshiReadOnlyViewSet):
    serializer_class = InstructionSerializer
    filterset_class = InstructionFilter

    def get_queryset(self):
        return selectors.instruction_list(selectors.visible_instructions(self.request.user))


class BulletinSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="round.plan_id", read_only=True)
    round_label = serializers.CharField(source="round.period_label", read_only=True)

    class Meta:
        model = Bulletin
        fields = ["id", "round", "round_label", "plan", "title", "body", "status", "created_at", "updated_at",
                  "published_at"]
        read_only_fields = fields


class BulletinFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="round__plan_id")
    round = IdFilter(field_name="round_id")
    status = django_filters.ChoiceFilter(choices=Bulletin.Status.choices)

    class Meta:
        model = Bulletin
        fields = ["plan", "round", "status"]


@extend_schema_view(
    list=extend_schema(summary=T("调度通报列表"), description=T("成员单位只看到已发布的通报；本级办公室还能看到草稿。"), tags=[TAG]),
    retrieve=extend_schema(summary=T("调度通报详情"), tags=[TAG]),
)
class BulletinViewSet(LuoshiReadOnlyViewSet):
    serializer_class = BulletinSerializer
    filterset_class = BulletinFilter

    def get_queryset(self):
        return selectors.visible_bulletins(self.request.user).order_by("-round__period_end", "id")
