"""Send one webhook POST, connecting only to addresses the SSRF rule allows.

The host name is resolved here and every address it resolves to is checked; the connection then
goes to the checked address (TLS still verifies the name), so DNS cannot swap in a private one
between the check and the request. Redirects are not followed.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from .validators import address_allowed

BODY_EXCERPT = 2000


@dataclass(frozen=True)
class Outcome:
    status: int | None = None
    body: str = ""
    error: str = ""
    duration_ms: int = 0
    final: bool = False  # retrying cannot help (a blocked address)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class BlockedAddress(Exception):
    """The URL resolves to an address webhooks may not reach."""


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int | None, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int | None, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def resolve(host: str, port: int) -> str:
    """The address to connect to; refuses if any address of ``host`` is not allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise OSError(f"cannot resolve {host}: {error.strerror}") from None
    addresses = [info[4][0] for info in infos]
    blocked = [a for a in addresses if not address_allowed(a)]
    if blocked:
        raise BlockedAddress(f"{host} resolves to a private or local address ({blocked[0]}).")
    return addresses[0]


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Outcome:
    """POST ``body`` to ``url``; never raises for network trouble, reports it in the Outcome."""
    started = time.monotonic()
    parts = urlsplit(url)
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = None
    try:
        address = resolve(parts.hostname or "", port)
        connection_class = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
        connection = connection_class(parts.hostname, port, address=address, timeout=timeout)
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(BODY_EXCERPT).decode("utf-8", errors="replace")
        return Outcome(status=response.status, body=excerpt, duration_ms=_since(started))
    except BlockedAddress as error:
        return Outcome(error=str(error), duration_ms=_since(started), final=True)
    except (OSError, http.client.HTTPException) as error:
        message = str(error) or type(error).__name__
        return Outcome(error=message[:500], duration_ms=_since(started))
    finally:
        if connection is not None:
            connection.close()


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
