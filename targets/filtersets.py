"""FilterSet for quantitative targets (the API list; web lists of targets use the same)."""
import django_filters as df
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter
from tasks.filtersets import UnitRoleFilterMixin, YearFilter
from tasks.models import WorkPlan

from .models import Target


class TargetFilterSet(UnitRoleFilterMixin):
    plan = IdFilter(label=_("工作计划"), field_name="task__plan_id")
    task = IdFilter(label=_("任务"), field_name="task_id")
    committee = IdFilter(label=_("残工委"), field_name="task__plan__committee_id")
    year = YearFilter(label=_("年度"), method="filter_year", help_text=_("所属计划期间包含该年度"))
    plan_status = df.ChoiceFilter(label=_("计划状态"), field_name="task__plan__status", choices=WorkPlan.Status.choices)
    due_before = df.DateFilter(label=_("任务完成时限不晚于"), field_name="task__deadline", lookup_expr="lte")
    due_after = df.DateFilter(label=_("任务完成时限不早于"), field_name="task__deadline", lookup_expr="gte")
    q = df.CharFilter(label=_("关键词"), method="search", help_text=_("在指标名称和原文中查找"))
    task_field = "task_id"

    class Meta:
        model = Target
        fields = ["plan", "task", "committee", "year", "plan_status", "unit", "role", "ambiguous", "per_unit",
                  "due_before", "due_after", "q"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(task__plan__period_start__lte=value, task__plan__period_end__gte=value)

    def search(self, queryset, name, value):
        return queryset.filter(Q(indicator__icontains=value) | Q(quote__icontains=value))
