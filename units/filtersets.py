"""FilterSets for committees and units (django-filter): the API lists and the web lists use these."""
import django_filters as df
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter, LeanFilterSet

from .models import Committee, Unit


class CommitteeFilterSet(LeanFilterSet):
    q = df.CharFilter(label=_("关键词"), method="search", help_text=_("在名称、简称、代码和行政区中查找"))
    parent = IdFilter(label=_("上级残工委"), field_name="parent_id")

    class Meta:
        model = Committee
        fields = ["level", "parent"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(short_name__icontains=value) | Q(code__icontains=value)
            | Q(region__icontains=value)
        )


class UnitFilterSet(LeanFilterSet):
    q = df.CharFilter(label=_("关键词"), method="search", help_text=_("在简称、全称、代码和别名中查找"))
    committee = IdFilter(label=_("残工委"), field_name="committee_id")

    class Meta:
        model = Unit
        fields = ["committee", "kind", "is_active"]

    def search(self, queryset, name, value):
        aliased = Unit.objects.filter(aliases__name__icontains=value).values("id")
        return queryset.filter(
            Q(short_name__icontains=value) | Q(full_name__icontains=value) | Q(code__icontains=value)
            | Q(id__in=aliased)
        )
