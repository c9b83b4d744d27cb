"""The API's filters for the stored roll-ups and the year-end summary files."""
from django_filters import rest_framework as filters

from core.filters import IdFilter, YearFilter
from rollups.models import CommitteeRollup, RollupRun, SummaryFile


class PlanRollupFilter(filters.FilterSet):
    plan = IdFilter(field_name="plan_id")
    committee = IdFilter(field_name="plan__committee_id")
    year = YearFilter()

    class Meta:
        model = RollupRun
        fields = ["plan", "committee", "year"]


class CommitteeRollupFilter(filters.FilterSet):
    committee = IdFilter(field_name="committee_id")
    year = YearFilter()
    scope = filters.ChoiceFilter(choices=CommitteeRollup.Scope.choices)

    class Meta:
        model = CommitteeRollup
        fields = ["committee", "year", "scope"]


class SummaryFilter(filters.FilterSet):
    plan = IdFilter(field_name="plan_id")
    year = YearFilter()
    kind = filters.ChoiceFilter(choices=SummaryFile.Kind.choices)

    class Meta:
        model = SummaryFile
        fields = ["plan", "year", "kind"]
