from django.contrib import admin, messages
from django.utils.translation import gettext as _

from . import services
from .models import ApiClient, ApiToken, ApiWriteLog, Committee, Unit, UnitAlias, UnitRole


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


# ---------------------------------------------------------------- API clients, tokens and their write log

def _show_key(request, client, key):
    """The one page that ever shows a key: it is not stored anywhere, only its hash."""
    from django.template.response import TemplateResponse

    return TemplateResponse(request, "admin/units/apiclient/token_issued.html", {
        **admin.site.each_context(request), "client": client, "key": key,
        "title": _("已为“%(name)s”签发令牌") % {"name": client.name},
    })


class ApiTokenInline(admin.TabularInline):
    model = ApiToken
    extra = 0
    can_delete = False
    fields = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "committee", "access", "is_active", "last_used_at", "created_at"]
    list_filter = ["access", "is_active", "committee"]
    search_fields = ["name", "contact"]
    autocomplete_fields = ["committee"]
    fields = ["name", "committee", "access", "is_active", "throttle_rate", "contact", "created_by", "created_at",
              "last_used_at"]
    readonly_fields = ["created_by", "created_at", "last_used_at"]
    inlines = [ApiTokenInline]
    actions = ["issue_token", "revoke_tokens"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.user = services.new_service_account(obj.name)
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        _token, key = services.issue_api_token(client=obj, created_by=request.user)
        return _show_key(request, obj, key)

    @admin.action(description=_("签发新令牌（只显示一次）"))
    def issue_token(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("请只选择一个客户端签发令牌。"), level=messages.WARNING)
            return None
        client = queryset.get()
        _token, key = services.issue_api_token(client=client, created_by=request.user)
        return _show_key(request, client, key)

    @admin.action(description=_("吊销所选客户端的全部令牌"))
    def revoke_tokens(self, request, queryset):
        tokens = ApiToken.objects.filter(client__in=queryset, revoked_at__isnull=True)
        count = 0
        for token in tokens:
            services.revoke_api_token(token=token)
            count += 1
        self.message_user(request, _("已吊销 %(n)s 个令牌。") % {"n": count})


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "client", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["client"]
    search_fields = ["prefix", "client__name"]
    fields = ["client", "prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # tokens are issued from the client's page, where the key is shown once

    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            services.revoke_api_token(token=token)
        self.message_user(request, _("所选令牌已吊销，立即失效。"))


@admin.register(ApiWriteLog)
class ApiWriteLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "client_name", "method", "path", "status_code", "object_repr"]
    list_filter = ["client", "method", "status_code"]
    search_fields = ["client_name", "path", "object_repr"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
