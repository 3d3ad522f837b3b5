"""The client's address as seen through the load balancer, for lockouts and throttles."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the address the trusted proxies recorded in X-Forwarded-For.

    Only the last ``NUM_PROXIES`` hops are trusted; anything a client writes before them is
    ignored, so a forged header cannot dodge a lockout.
    """
    hops = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(addresses) >= hops:
            return addresses[-hops]
    return request.META.get("REMOTE_ADDR", "")


def axes_client_ip(request: HttpRequest) -> str:
    return client_ip(request)
