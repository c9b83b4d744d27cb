"""API views for committees and member units. Thin: selectors read, services write."""
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.api.base import LuoshiReadOnlyViewSet, LuoshiViewSet
from units import services
from units.filtersets import CommitteeFilterSet, UnitFilterSet
from units.models import UnitAlias
from units.selectors import access_for, committees_for, units_for

from .serializers import (
    AliasCreateSerializer,
    AliasSerializer,
    CommitteeSerializer,
    UnitCreateSerializer,
    UnitSerializer,
)

T = gettext_lazy


@extend_schema_view(
    list=extend_schema(summary=T("残工委列表"), description=T("您可访问的残工委：本级及下级。"), tags=[T("残工委与成员单位")]),
    retrieve=extend_schema(summary=T("残工委详情"), tags=[T("残工委与成员单位")]),
)
class CommitteeViewSet(LuoshiReadOnlyViewSet):
    serializer_class = CommitteeSerializer
    filterset_class = CommitteeFilterSet
    ordering_fields = ["code", "name", "level"]
    ordering = ["code", "id"]

    def get_queryset(self):
        return committees_for(self.request.user).order_by("code", "id")


@extend_schema_view(
    list=extend_schema(summary=T("成员单位列表"), description=T("含别名与更名（机构改革）后的继任单位。"),
                       tags=[T("残工委与成员单位")]),
    retrieve=extend_schema(summary=T("成员单位详情"), tags=[T("残工委与成员单位")]),
    create=extend_schema(summary=T("新增成员单位"), description=T("仅该残工委的办公室（或读写客户端）可新增。"),
                         request=UnitCreateSerializer, responses={201: UnitSerializer}, tags=[T("残工委与成员单位")]),
)
class UnitViewSet(LuoshiViewSet):
    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet
    ordering_fields = ["short_name", "code", "order", "committee"]
    ordering = ["committee_id", "order", "short_name", "id"]

    def get_queryset(self):
        return units_for(self.request.user).prefetch_related(
            Prefetch("aliases", queryset=UnitAlias.objects.order_by("name"))
        ).order_by("committee_id", "order", "short_name", "id")

    def create(self, request, *args, **kwargs):
        data = UnitCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        committee = data.validated_data["committee"]
        if not access_for(request.user).is_office_of(committee.pk):
            raise PermissionDenied(_("只有该残工委的办公室可以新增成员单位。"))
        unit = services.create_unit(**data.validated_data)
        self.audit_object = unit
        unit = self.get_queryset().get(pk=unit.pk)
        return Response(UnitSerializer(unit, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=T("为单位添加别名"), request=AliasCreateSerializer, responses={201: AliasSerializer},
                   tags=[T("残工委与成员单位")])
    @action(detail=True, methods=["post"], url_path="aliases")
    def add_alias(self, request, pk=None):
        unit = self.get_object()
        if not access_for(request.user).is_office_of(unit.committee_id):
            raise PermissionDenied(_("只有该残工委的办公室可以为单位添加别名。"))
        data = AliasCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        name = data.validated_data["name"]
        taken = UnitAlias.objects.filter(committee_id=unit.committee_id, name=name).exclude(unit=unit).first()
        if taken is not None:
            raise ValidationError({"name": [_("“%(name)s”已是%(unit)s的别名。") % {"name": name, "unit": taken.unit}]})
        alias = services.add_alias(unit=unit, name=name)
        return Response(AliasSerializer(alias).data, status=status.HTTP_201_CREATED)
