"""Who may call the API at all, and whether a client may write.

What a caller reaches — which committees, which units' reports — is decided by
``units.selectors.access_for`` and enforced in every queryset and service; this class
only turns away anonymous callers (401) and read-only clients that try to write (403).
"""
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .clients import client_of


class ScopedApiAccess(BasePermission):
    message = _("该接口客户端只有只读权限，不能写入。如需写入，请联系系统管理员改为读写客户端。")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        client = client_of(request)
        if client is not None and client.read_only and request.method not in SAFE_METHODS:
            return False
        return True
