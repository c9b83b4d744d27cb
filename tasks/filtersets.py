"""FilterSets for plans, sections and tasks. One FilterSet serves the web list and the API list:
the plan list on the home page and ``/api/v1/plans/`` both use ``WorkPlanFilterSet``."""
import django_filters as df
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter, LeanFilterSet, YearFilter
from units.models import Committee
from units.selectors import access_for, committees_for

from .models import Assignment, Section, Task, WorkPlan


def _visible_committees(request):
    if request is None:
        return Committee.objects.none()
    return committees_for(request.user).order_by("code")


class WorkPlanFilterSet(LeanFilterSet):
    q = df.CharFilter(label=_("关键词"), method="search", help_text=_("在标题、文号和发文机关中查找"))
    committee = df.ModelChoiceFilter(label=_("残工委"), queryset=_visible_committees, empty_label=_("全部"))
    year = YearFilter(label=_("年度"), method="filter_year", help_text=_("计划期间包含该年度"))
    status = df.ChoiceFilter(label=_("状态"), choices=WorkPlan.Status.choices, empty_label=_("全部"))
    kind = df.ChoiceFilter(label=_("类型"), choices=WorkPlan.Kind.choices, empty_label=_("全部"))

    class Meta:
        model = WorkPlan
        fields = ["q", "committee", "year", "status", "kind"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(doc_number__icontains=value) | Q(issuer__icontains=value))

    def filter_year(self, queryset, name, value):
        return queryset.for_year(value)


class SectionFilterSet(LeanFilterSet):
    plan = IdFilter(label=_("工作计划"), field_name="plan_id")
    q = df.CharFilter(label=_("关键词"), field_name="title", lookup_expr="icontains")

    class Meta:
        model = Section
        fields = ["plan", "q"]


class UnitRoleFilterMixin(LeanFilterSet):
    """``unit`` and ``role`` (lead/participating) act together on the task's assignments.

    ``role`` alone means "where one of my units holds this role" for people with units.
    ``task_field`` is the path from the filtered model to the task (``""`` for tasks).
    """

    unit = IdFilter(label=_("单位"), method="filter_unit_role", help_text=_("任务分配给该单位（含牵头和参加）"))
    role = df.ChoiceFilter(label=_("职责"), choices=Assignment.Role.choices, method="filter_unit_role",
                           help_text=_("与 unit 合用：该单位牵头或参加；单独使用：本人所在单位牵头或参加"))
    task_field = "id"

    def filter_unit_role(self, queryset, name, value):
        return queryset  # applied once for both in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        unit, role = self.form.cleaned_data.get("unit"), self.form.cleaned_data.get("role")
        if not unit and not role:
            return queryset
        assignments = Assignment.objects.all()
        if unit:
            assignments = assignments.filter(unit_id=unit)
        elif self.request is not None:
            assignments = assignments.filter(unit_id__in=access_for(self.request.user).all_unit_ids)
        else:
            return queryset.none()
        if role:
            assignments = assignments.filter(role=role)
        return queryset.filter(**{f"{self.task_field}__in": assignments.values("task_id")})


class TaskFilterSet(UnitRoleFilterMixin):
    plan = IdFilter(label=_("工作计划"), field_name="plan_id")
    section = IdFilter(label=_("章节"), field_name="section_id")
    committee = IdFilter(label=_("残工委"), field_name="plan__committee_id")
    year = YearFilter(label=_("年度"), method="filter_year", help_text=_("所属计划期间包含该年度"))
    plan_status = df.ChoiceFilter(label=_("计划状态"), field_name="plan__status", choices=WorkPlan.Status.choices)
    due_before = df.DateFilter(label=_("完成时限不晚于"), field_name="deadline", lookup_expr="lte")
    due_after = df.DateFilter(label=_("完成时限不早于"), field_name="deadline", lookup_expr="gte")
    q = df.CharFilter(label=_("关键词"), method="search", help_text=_("在任务内容和序号中查找"))

    class Meta:
        model = Task
        fields = ["plan", "section", "committee", "year", "plan_status", "unit", "role", "due_before", "due_after", "q"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(plan__period_start__lte=value, plan__period_end__gte=value)

    def search(self, queryset, name, value):
        return queryset.filter(Q(text__icontains=value) | Q(ref=value))
