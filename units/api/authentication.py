"""Token authentication for API clients: ``Authorization: Token <key>`` (or ``Bearer <key>``).

Only the SHA-256 hash of a key is stored, so the lookup is by hash. The request then runs
as the client's service account, carrying the client so that ``access_for`` scopes it.
"""
import datetime

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from core.api.clients import CLIENT_ATTRIBUTE
from units.models import ApiClient, ApiToken
from units.selectors import access_for_client
from units.services import hash_api_key

from . import tokencache

KEYWORDS = (b"token", b"bearer")
# ``last_used_at`` is written at most this often per token, so reads stay read-only.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class ApiTokenAuthentication(BaseAuthentication):
    """Authenticate another system by its token; anything else is left to the session."""

    def authenticate(self, request):
        try:
            parts = get_authorization_header(request).split()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("令牌只能包含英文字母、数字和符号。")) from None
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("令牌格式错误：请求头应为“Authorization: Token <令牌>”。"))
        try:
            key = parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("令牌只能包含英文字母、数字和符号。")) from None
        key_hash = hash_api_key(key)
        cached = tokencache.lookup(key_hash)
        if cached is not None:
            token, access = cached
        else:
            version = tokencache.tree_version()
            token = ApiToken.objects.select_related("client__user").filter(key_hash=key_hash).first()
            if token is None or token.revoked_at is not None:
                raise exceptions.AuthenticationFailed(_("令牌无效或已被吊销，请向残工委办公室的系统管理员申请新令牌。"))
            access = access_for_client(token.client)
            if token.client.is_active:
                tokencache.store(token, access, version)
        client = token.client
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("令牌无效或已被吊销，请向残工委办公室的系统管理员申请新令牌。"))
        if not client.is_active:
            raise exceptions.AuthenticationFailed(_("该接口客户端已停用。"))
        self._touch(token, client)
        user = client.user
        setattr(user, CLIENT_ATTRIBUTE, client)
        user._luoshi_access = access
        return user, token

    @staticmethod
    def _touch(token, client):
        """Stamp ``last_used_at`` at most once a minute per token (``cache.add`` is atomic)."""
        if cache.add(f"luoshi:api:used:{token.pk}", 1, LAST_USED_RESOLUTION.seconds):
            now = timezone.now()
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)

    def authenticate_header(self, request):
        # Makes a missing or bad credential a 401 (with this challenge) rather than a 403.
        return 'Token realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "units.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": str(
                _("接口客户端令牌：请求头写“Authorization: Token <令牌>”（也接受 Bearer）。"
                  "令牌由系统管理员在后台“接口客户端”中签发，只显示一次。")
            ),
        }
