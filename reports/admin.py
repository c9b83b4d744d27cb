from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ProgressReport, ReportingRound, TargetValue


@admin.register(ReportingRound)
class ReportingRoundAdmin(admin.ModelAdmin):
    list_display = ["period_label", "plan", "period_kind", "opens_on", "due_on"]
    list_filter = ["period_kind", "plan"]
    search_fields = ["period_label", "plan__title"]
    autocomplete_fields = ["plan"]


class TargetValueInline(admin.TabularInline):
    model = TargetValue
    extra = 0
    autocomplete_fields = ["target"]


@admin.register(ProgressReport)
class ProgressReportAdmin(SimpleHistoryAdmin):
    list_display = ["round", "task", "unit", "status", "version", "updated_at"]
    list_filter = ["status", "round__plan", "round"]
    search_fields = ["progress", "unit__short_name", "task__text"]
    autocomplete_fields = ["round", "task", "unit"]
    readonly_fields = ["version", "created_at", "updated_at"]
    inlines = [TargetValueInline]


@admin.register(TargetValue)
class TargetValueAdmin(SimpleHistoryAdmin):
    list_display = ["report", "target", "value"]
    autocomplete_fields = ["report", "target"]
