"""Admin for 考核: the schemes with their items, target weights and entries, each with its history."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ScoreAdjustment, ScoringItem, ScoringScheme, TargetWeight


class ScoringItemInline(admin.TabularInline):
    model = ScoringItem
    extra = 0


class TargetWeightInline(admin.TabularInline):
    model = TargetWeight
    extra = 0
    raw_id_fields = ["target"]


@admin.register(ScoringScheme)
class ScoringSchemeAdmin(SimpleHistoryAdmin):
    list_display = ["title", "committee", "year", "excellent_from", "good_from", "fair_from", "updated_at"]
    list_filter = ["year"]
    search_fields = ["title", "committee__name"]
    filter_horizontal = ["units", "lower_committees"]
    inlines = [ScoringItemInline, TargetWeightInline]


@admin.register(ScoreAdjustment)
class ScoreAdjustmentAdmin(SimpleHistoryAdmin):
    list_display = ["scheme", "unit", "committee", "points", "reason", "created_by", "created_at"]
    list_filter = ["scheme__year"]
    search_fields = ["reason", "evidence"]
    raw_id_fields = ["unit", "committee"]
