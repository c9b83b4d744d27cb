"""Django admin: a password an administrator sets or resets must be changed by its owner at the next log-in."""
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm

from .services import mark_password_changed

User = get_user_model()


class ForcedChangePasswordForm(AdminPasswordChangeForm):
    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit and user.has_usable_password():
            mark_password_changed(user=user, by_owner=False)
        return user


class LuoshiUserAdmin(UserAdmin):
    change_password_form = ForcedChangePasswordForm

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password():
            mark_password_changed(user=obj, by_owner=False)


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, LuoshiUserAdmin)
