"""What every Luoshi API view shares: JSON in, the write audit of API clients, and helpers.

Each app's ``api/views.py`` builds its viewsets on ``LuoshiViewSet``/``LuoshiReadOnlyViewSet``:
authentication, scope permission, throttling, pagination, filtering and the common error
body come from ``REST_FRAMEWORK`` in settings; this module adds the audit trail.
"""
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, viewsets
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS

from .clients import client_of, client_write


def announce_client_write(request, response, obj=None):
    """Tell the receivers (``units`` keeps the write log) that an API client attempted a write."""
    if request.method in SAFE_METHODS:
        return
    client = client_of(request)
    if client is not None:
        client_write.send(sender=None, request=request, response=response, client=client, obj=obj)


class AuditMixin:
    """Remembers the object a write touched, and logs every write of an API client."""

    parser_classes = [JSONParser]
    audit_object = None
    lookup_value_regex = "[^/]+"  # any id reaches get_object(), which answers a JSON 404 for a bad one

    def get_object(self):
        obj = super().get_object()
        self.audit_object = obj
        return obj

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        announce_client_write(request, response, self.audit_object)
        return response


class LuoshiReadOnlyViewSet(AuditMixin, viewsets.ReadOnlyModelViewSet):
    pass


class LuoshiViewSet(AuditMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """List, detail and create; further writes are explicit ``@action``s calling services."""

    def perform_create(self, serializer):
        self.audit_object = serializer.save()


def api_not_found(request, *args, **kwargs):
    """Any other address under /api/v1/: the common JSON error body, never an HTML page."""
    return JsonResponse(
        {"code": "not_found", "detail": str(_("接口地址不存在，请对照 /api/docs/ 检查路径（地址以 / 结尾）。")), "errors": {}},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )
