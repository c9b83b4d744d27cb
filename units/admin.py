from django.contrib import admin

from .models import Committee, Unit, UnitAlias, UnitRole


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name", "region"]
    autocomplete_fields = ["parent", "office_unit"]


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 0
    fields = ["name", "committee"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["short_name", "full_name", "committee", "kind", "is_active", "successor"]
    list_filter = ["committee", "kind", "is_active"]
    search_fields = ["short_name", "full_name", "code", "aliases__name"]
    autocomplete_fields = ["committee", "successor"]
    inlines = [UnitAliasInline]


@admin.register(UnitAlias)
class UnitAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "committee", "created_at"]
    list_filter = ["committee"]
    search_fields = ["name", "unit__short_name"]
    autocomplete_fields = ["unit", "committee"]


@admin.register(UnitRole)
class UnitRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role", "unit__committee"]
    search_fields = ["user__username", "unit__short_name"]
    autocomplete_fields = ["user", "unit"]
