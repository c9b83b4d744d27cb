"""One FilterSet for progress reports, used by the web lists and by ``/api/v1/reports/``.

It only narrows a queryset the caller has already limited to what the user may read
(``reports.selectors.visible_reports`` or ``my_open_slots``); the choices it offers are
limited the same way, so an id the user may not see is simply "not a valid choice".
"""
import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter
from core.widgets import QuickSelect
from tasks.filtersets import YearFilter
from tasks.models import Assignment, WorkPlan
from tasks.selectors import visible_plans
from units.models import Unit
from units.selectors import units_for

from .models import ProgressReport, ReportingRound
from .selectors import MISSING_STATUSES, annotate_due, visible_reports


def _user(request):
    return getattr(request, "user", None)


def _plans(request):
    user = _user(request)
    return visible_plans(user) if user is not None else WorkPlan.objects.none()


def _rounds(request):
    user = _user(request)
    if user is None:
        return ReportingRound.objects.none()
    ids = visible_reports(user).values("round_id")
    return ReportingRound.objects.filter(pk__in=ids).select_related("plan").order_by("-period_end", "plan__title")


def _units(request):
    user = _user(request)
    return units_for(user).order_by("committee", "order", "short_name") if user is not None else Unit.objects.none()


class ProgressReportFilterSet(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(label=_("工作计划"), field_name="round__plan", queryset=_plans)
    round = django_filters.ModelChoiceFilter(label=_("填报轮次"), queryset=_rounds)
    unit = django_filters.ModelChoiceFilter(label=_("单位"), queryset=_units, widget=QuickSelect)
    # Whole numbers in range: anything else is a form error, never a database error (year=-1 was a 500).
    task = IdFilter(label=_("任务编号"), field_name="task_id")
    year = YearFilter(label=_("年度"), field_name="round__period_end__year")
    status = django_filters.MultipleChoiceFilter(label=_("状态"), choices=ProgressReport.Status.choices)
    role = django_filters.ChoiceFilter(label=_("职责"), choices=Assignment.Role.choices, method="filter_role")
    due_after = django_filters.DateFilter(label=_("截止日期不早于"), method="filter_due_after")
    due_before = django_filters.DateFilter(label=_("截止日期不晚于"), method="filter_due_before")
    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")

    class Meta:
        model = ProgressReport
        fields = ["plan", "round", "unit", "task", "year", "status", "role", "due_after", "due_before", "q"]

    def filter_role(self, queryset, name, value):
        same = Assignment.objects.filter(task_id=OuterRef("task_id"), unit_id=OuterRef("unit_id"), role=value)
        return queryset.filter(Exists(same))

    def filter_due_after(self, queryset, name, value):
        return annotate_due(queryset).filter(due__gte=value)

    def filter_due_before(self, queryset, name, value):
        return annotate_due(queryset).filter(due__lte=value)

    def filter_text(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(
            Q(progress__icontains=value)
            | Q(problems__icontains=value)
            | Q(next_steps__icontains=value)
            | Q(task__text__icontains=value)
            | Q(unit__short_name__icontains=value)
        )



class WebReportFilterSet(ProgressReportFilterSet):
    """The web lists' filters: single-choice filters are a select, not a multi-select box."""

    status = django_filters.ChoiceFilter(label=_("状态"), choices=ProgressReport.Status.choices, empty_label=_("全部"))
    role = django_filters.ChoiceFilter(label=_("职责"), choices=Assignment.Role.choices, method="filter_role",
                                       empty_label=_("全部"))


class MyTasksFilterSet(WebReportFilterSet):
    """My tasks: ``state`` (待报送 / 已逾期) for the counter tiles. Works on
    ``selectors.my_open_slots`` (annotated ``is_overdue``)."""

    state = django_filters.ChoiceFilter(label=_("进度"), choices=[("due", _("待报送")), ("overdue", _("已逾期"))],
                                        method="filter_state", empty_label=_("全部"))

    class Meta(ProgressReportFilterSet.Meta):
        fields = ProgressReportFilterSet.Meta.fields + ["state"]

    def filter_state(self, queryset, name, value):
        if value == "overdue":
            return queryset.filter(is_overdue=True)
        if value == "due":
            return queryset.filter(status__in=MISSING_STATUSES, is_overdue=False)
        return queryset
