"""OpenAPI conventions of the Luoshi API (drf-spectacular): every operation documents the
common error body for the statuses it can answer with, in Chinese."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

ERROR_STATUSES = {
    "400": _("请求有误：字段错误见 errors，按提示修改后重试"),
    "401": _("未登录或令牌无效"),
    "403": _("无权执行该操作（如只读客户端写入、非本单位人员操作）"),
    "404": _("对象不存在，或不在您可访问的范围内"),
    "429": _("请求过于频繁，请按 Retry-After 头稍后再试"),
}
WRITE_ERROR_STATUSES = {"409": _("数据已被他人修改或状态已变化，请刷新后再试"),
                        "413": _("请求内容过大，超过了系统允许的上限")}


class ApiErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("机器可读的错误代码，如 invalid、not_found、conflict"))
    detail = serializers.CharField(help_text=_("中文说明：出了什么问题、怎样改正"))
    errors = serializers.DictField(
        child=serializers.JSONField(), help_text=_("字段错误：字段名 → 错误说明列表；非字段错误在 non_field_errors")
    )


class LuoshiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        statuses = dict(ERROR_STATUSES)
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            statuses.update(WRITE_ERROR_STATUSES)
        for code, description in statuses.items():
            if code not in responses:
                body = self._get_response_for_code(ApiErrorSerializer, code, ["application/json"], direction)
                body["description"] = str(description)
                responses[code] = body
        return responses
