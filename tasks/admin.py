from django.contrib import admin

from .models import Assignment, PlanChange, Section, Task, WorkPlan


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ["path", "number", "title", "order"]


@admin.register(WorkPlan)
class WorkPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "committee", "kind", "period_start", "period_end", "status"]
    list_filter = ["committee", "kind", "status", "period_start"]
    search_fields = ["title", "doc_number"]
    autocomplete_fields = ["committee", "parent"]
    readonly_fields = ["created_at", "created_by"]
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["path", "title", "plan"]
    list_filter = ["plan"]
    search_fields = ["title"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["ref", "short_text", "plan", "section", "deadline"]
    list_filter = ["plan"]
    search_fields = ["text", "ref"]
    autocomplete_fields = ["plan", "section", "parent"]
    inlines = [AssignmentInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["task", "unit", "role", "order"]
    list_filter = ["role", "task__plan"]
    autocomplete_fields = ["task", "unit"]


@admin.register(PlanChange)
class PlanChangeAdmin(admin.ModelAdmin):
    """The plan history is written by ``tasks.services`` only: read here, never changed."""

    list_display = ["created_at", "plan", "action", "object_label", "is_revision", "reason", "user"]
    list_filter = ["is_revision", "object_kind"]
    search_fields = ["object_label", "reason", "plan__title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
