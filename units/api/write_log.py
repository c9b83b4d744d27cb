"""Keeps the log of every write an API client attempts (``ApiWriteLog``), fed by the
``core.api.clients.client_write`` signal that every Luoshi API view sends."""
from django.dispatch import receiver

from core.api.clients import client_write
from units.models import ApiToken, ApiWriteLog


@receiver(client_write, dispatch_uid="units.api.write_log")
def record_client_write(sender, *, request, response, client, obj=None, **kwargs):
    token = request.auth if isinstance(request.auth, ApiToken) else None
    ApiWriteLog.objects.create(
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
