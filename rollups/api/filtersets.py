"""The API's filters for the stored roll-ups and the year-end summary files."""
from django_filters import rest_framework as filters

from rollups.models import CommitteeRollup, RollupRun, SummaryFile


class PlanRollupFilter(filters.FilterSet):
    plan = filters.NumberFilter(field_name="plan_id")
    committee = filters.NumberFilter(field_name="plan__committee_id")
    year = filters.NumberFilter()

    class Meta:
        model = RollupRun
        fields = ["plan", "committee", "year"]


class CommitteeRollupFilter(filters.FilterSet):
    committee = filters.NumberFilter(field_name="committee_id")
    year = filters.NumberFilter()
    scope = filters.ChoiceFilter(choices=CommitteeRollup.Scope.choices)

    class Meta:
        model = CommitteeRollup
        fields = ["committee", "year", "scope"]


class SummaryFilter(filters.FilterSet):
    plan = filters.NumberFilter(field_name="plan_id")
    year = filters.NumberFilter()
    kind = filters.ChoiceFilter(choices=SummaryFile.Kind.choices)

    class Meta:
        model = SummaryFile
        fields = ["plan", "year", "kind"]
