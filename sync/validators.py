"""Rules for webhook endpoints, shared by the model, the admin form and the API serializer."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def private_addresses_allowed() -> bool:
    """Local receivers (127.0.0.1, 10.x …) are for development and tests only."""
    return bool(getattr(settings, "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", False))


def address_allowed(address: str) -> bool:
    """May a webhook connect to this IP address? Only public ones, unless the setting allows."""
    if private_addresses_allowed():
        return True
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def validate_webhook_url(url: str) -> None:
    """An http(s) URL with a host, no credentials, and no private address unless allowed.

    Names are resolved again, and every address checked, each time a delivery is sent.
    """
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise ValidationError(f"This is not a usable URL ({error}).", code="invalid") from None
    if parts.scheme not in {"http", "https"}:
        raise ValidationError(
            "Use an http:// or https:// URL (got “%(scheme)s”).",
            code="scheme",
            params={"scheme": parts.scheme or "no scheme"},
        )
    try:
        host, _port = parts.hostname, parts.port
    except ValueError as error:
        raise ValidationError(f"The URL's port is not valid ({error}).", code="port") from None
    if not host:
        raise ValidationError("The URL needs a host name, e.g. https://hooks.example.org/in.")
    if parts.username or parts.password:
        raise ValidationError(
            "Leave credentials out of the URL; verify our signature instead.", code="credentials"
        )
    if private_addresses_allowed():
        return
    if host.lower().rstrip(".") in LOCAL_NAMES:
        raise ValidationError("Webhooks cannot be sent to this machine.", code="private")
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        return
    if not address_allowed(str(literal)):
        raise ValidationError(
            "Webhooks cannot be sent to private, loopback or link-local addresses.",
            code="private",
        )


def validate_event_types(value) -> None:
    """A non-empty list of known event names, each once."""
    from .models import EVENT_TYPES

    if not isinstance(value, list) or not value:
        raise ValidationError("Choose at least one event, e.g. “claim.updated”.")
    unknown = [name for name in value if name not in EVENT_TYPES]
    if unknown:
        raise ValidationError(
            "Unknown event(s): %(unknown)s. Known events: %(known)s.",
            code="unknown_event",
            params={"unknown": ", ".join(map(str, unknown)), "known": ", ".join(EVENT_TYPES)},
        )
    if len(set(value)) != len(value):
        raise ValidationError("List each event once.", code="duplicate_event")
