"""The API's one error body.

Every error leaves the API as ``{"detail": "<中文说明>", "code": "...", "errors": {field: [...]}}``
so that calling systems handle all failures the same way.
"""
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


def _django_validation_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        # Model.full_clean() files errors of several fields (unique together…) under "__all__".
        return {
            ("non_field_errors" if field == NON_FIELD_ERRORS else field): [str(m) for m in errs]
            for field, errs in exc.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc, context):
    """Turn every error into the common body; Django's ValidationError becomes a 400."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_validation_detail(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("找不到该对象，或您无权查看。"))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(_("您没有执行该操作的权限。"))
    elif isinstance(exc, RequestDataTooBig | TooManyFieldsSent):
        exc = RequestTooLarge()
    elif isinstance(exc, RecursionError):  # json.loads of a deeply nested body
        exc = exceptions.ParseError(_("请求内容的嵌套层次过深，无法解析。请检查 JSON 格式。"))

    response = drf_exception_handler(exc, context)
    if response is None:
        return None

    data = response.data
    body = {"code": getattr(exc, "default_code", "error"), "detail": "", "errors": {}}
    if isinstance(exc, exceptions.ValidationError):
        body["detail"] = _("提交的数据有误，请按提示修改后重试。")
        if isinstance(data, dict):
            body["errors"] = data
            non_field = data.get("non_field_errors")
            if non_field:
                body["detail"] = str(non_field[0])
        else:
            body["errors"] = {"non_field_errors": data}
            if data:
                body["detail"] = str(data[0])
    elif isinstance(data, dict) and "detail" in data:
        body["detail"] = str(data["detail"])
        body["code"] = getattr(data["detail"], "code", body["code"])
    else:
        body["detail"] = str(data)
    if response.status_code == status.HTTP_409_CONFLICT:
        body["code"] = "conflict"
    response.data = body
    return response



class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("数据已被他人修改，请刷新后再试。")
    default_code = "conflict"


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("请求内容过大，超过了系统允许的上限。请减少一次提交的数据量，文件请按上传接口的大小限制提交。")
    default_code = "too_large"
