"""What every Luoshi API view shares: JSON in, the write audit of API clients, and helpers.

Each app's ``api/views.py`` builds its viewsets on ``LuoshiViewSet``/``LuoshiReadOnlyViewSet``:
authentication, scope permission, throttling, pagination, filtering and the common error
body come from ``REST_FRAMEWORK`` in settings; this module adds the audit trail.
"""
from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, viewsets
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS

from config.api import Pagination
from units.models import ApiToken, ApiWriteLog

from .authentication import client_of


def record_client_write(request, response, obj=None):
    """Log a write attempted by an API client (whatever its outcome) with the client's name."""
    if request.method in SAFE_METHODS:
        return None
    client = client_of(request)
    if client is None:
        return None
    token = request.auth if isinstance(request.auth, ApiToken) else None
    return ApiWriteLog.objects.create(
        client=client,
        client_name=client.name,
        token_prefix=token.prefix if token else "",
        method=request.method,
        path=request.get_full_path()[:300],
        status_code=response.status_code,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
    )


class _FirstPagePaginator(Paginator):
    """Counts rows without a COUNT query when the first page is not full (most plans fit on one page)."""

    def page(self, number):
        if str(number) == "1" and self.per_page > 0:
            rows = list(self.object_list[: self.per_page])
            if len(rows) < self.per_page:
                self.__dict__["count"] = len(rows)  # Paginator.count is a cached_property
            return self._get_page(rows, 1, self) if rows or self.allow_empty_first_page else super().page(number)
        return super().page(number)


class LuoshiPagination(Pagination):
    """The project's pagination (``config.api.Pagination``), one COUNT query cheaper on short lists."""

    django_paginator_class = _FirstPagePaginator


class AuditMixin:
    """Remembers the object a write touched, and logs every write of an API client."""

    parser_classes = [JSONParser]
    pagination_class = LuoshiPagination
    audit_object = None
    lookup_value_regex = "[^/]+"  # any id reaches get_object(), which answers a JSON 404 for a bad one

    def get_object(self):
        obj = super().get_object()
        self.audit_object = obj
        return obj

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record_client_write(request, response, self.audit_object)
        return response


class LuoshiReadOnlyViewSet(AuditMixin, viewsets.ReadOnlyModelViewSet):
    pass


class LuoshiViewSet(AuditMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """List, detail and create; further writes are explicit ``@action``s calling services."""

    def perform_create(self, serializer):
        self.audit_object = serializer.save()



def api_not_found(request, *args, **kwargs):
    """Any other address under /api/v1/: the common JSON error body, never an HTML page."""
    from django.http import JsonResponse

    return JsonResponse(
        {"code": "not_found", "detail": str(_("接口地址不存在，请对照 /api/docs/ 检查路径（地址以 / 结尾）。")), "errors": {}},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )
