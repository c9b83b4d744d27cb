from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Attachment,
    Notification,
    ProgressReport,
    ReminderLog,
    ReportingRound,
    ReportingSchedule,
    TargetValue,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Reports and figures change only through the workflow (``reports.services``): the admin shows them.

    No add, change or delete here, also not for superusers: a report edited in the admin would skip the
    history, the optimistic lock, the notifications and the roll-up.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyHistoryAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """The versions can be read; reverting to one (a POST on the history page) is refused."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportingRound)
class ReportingRoundAdmin(admin.ModelAdmin):
    list_display = ["period_label", "plan", "period_kind", "opens_on", "due_on"]
    list_filter = ["period_kind", "plan"]
    search_fields = ["period_label", "plan__title"]
    autocomplete_fields = ["plan"]


class TargetValueInline(ReadOnlyInline):
    model = TargetValue


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyHistoryAdmin):
    list_display = ["round", "task", "unit", "status", "version", "updated_at"]
    list_filter = ["status", "round__plan", "round"]
    search_fields = ["progress", "unit__short_name", "task__text"]
    autocomplete_fields = ["round", "task", "unit"]
    readonly_fields = ["version", "created_at", "updated_at"]
    inlines = [TargetValueInline]


@admin.register(TargetValue)
class TargetValueAdmin(ReadOnlyHistoryAdmin):
    list_display = ["report", "target", "value"]
    autocomplete_fields = ["report", "target"]


# ---------------------------------------------------------------- schedules, reminders, notifications, evidence


@admin.register(ReportingSchedule)
class ReportingScheduleAdmin(admin.ModelAdmin):
    list_display = ["plan", "frequency", "due_days", "reminder_offsets", "active"]
    list_filter = ["frequency", "active"]
    autocomplete_fields = ["plan"]


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ["sent_at", "round", "unit", "kind", "step", "missing", "emails_sent", "sent_by"]
    list_filter = ["kind", "round__plan"]
    search_fields = ["unit__short_name", "message"]
    readonly_fields = [f.name for f in ReminderLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "title", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "user__username"]
    raw_id_fields = ["user", "round", "report"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "report", "content_type", "size", "uploaded_by", "uploaded_at", "removed_at"]
    raw_id_fields = ["report", "uploaded_by", "removed_by"]
    readonly_fields = ["sha256", "size", "content_type"]
