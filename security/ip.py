"""The client's address, as the log-in lock-out and the audit trail see it."""
from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or — behind ``LUOSHI_PROXY_COUNT`` reverse proxies — the address the first of
    them saw (the entry that many hops from the end of X-Forwarded-For; the client cannot forge it)."""
    count = getattr(settings, "LUOSHI_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-count] if len(hops) >= count else hops[0]
    return request.META.get("REMOTE_ADDR") or None
