"""The API's filters for reports and rounds.

Reports use the web's ``reports.filtersets.ProgressReportFilterSet``; the API only makes
two of its numeric filters strict (a whole number in range, so bad input is a 400 and never
a database error). Rounds get their own small FilterSet here.
"""
import django_filters as df
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter
from reports.filtersets import ProgressReportFilterSet
from reports.models import ReportingRound
from tasks.filtersets import YearFilter


class ApiProgressReportFilterSet(ProgressReportFilterSet):
    task = IdFilter(label=_("任务编号"), field_name="task_id")
    year = YearFilter(label=_("年度"), field_name="round__period_end__year")

    class Meta(ProgressReportFilterSet.Meta):
        pass


class ReportingRoundFilterSet(df.FilterSet):
    plan = IdFilter(label=_("工作计划"), field_name="plan_id")
    committee = IdFilter(label=_("残工委"), field_name="plan__committee_id")
    year = YearFilter(label=_("年度"), field_name="period_end__year")
    period_kind = df.ChoiceFilter(label=_("周期"), choices=ReportingRound.PeriodKind.choices)
    closed = df.BooleanFilter(label=_("已关闭"))
    due_before = df.DateFilter(label=_("截止日期不晚于"), field_name="due_on", lookup_expr="lte")
    due_after = df.DateFilter(label=_("截止日期不早于"), field_name="due_on", lookup_expr="gte")
    q = df.CharFilter(label=_("关键词"), field_name="period_label", lookup_expr="icontains")

    class Meta:
        model = ReportingRound
        fields = ["plan", "committee", "year", "period_kind", "closed", "due_before", "due_after", "q"]
