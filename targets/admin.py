from django.contrib import admin

from .models import Allocation, Target


class AllocationInline(admin.TabularInline):
    model = Allocation
    extra = 0
    autocomplete_fields = ["unit", "committee"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["indicator", "comparator", "value", "measure_unit", "per_unit", "ambiguous", "task"]
    list_filter = ["task__plan", "measure_unit", "per_unit", "ambiguous"]
    search_fields = ["indicator", "quote"]
    autocomplete_fields = ["task"]
    inlines = [AllocationInline]


@admin.register(Allocation)
class AllocationAdmin(admin.ModelAdmin):
    list_display = ["target", "unit", "committee", "value"]
    autocomplete_fields = ["target", "unit", "committee"]
