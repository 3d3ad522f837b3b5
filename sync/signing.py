"""Webhook signatures: HMAC-SHA256 over ``f"{timestamp}.{body}"`` with the endpoint's secret."""

from __future__ import annotations

import hashlib
import hmac
import time

TIMESTAMP_HEADER = "X-Summit-Timestamp"
SIGNATURE_HEADER = "X-Summit-Signature"
TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Summit-Signature`` value for ``body`` sent at ``timestamp`` (Unix seconds)."""
    message = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    *,
    tolerance: int = TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """Is ``signature`` ours for this body and timestamp, and the timestamp recent (no replay)?"""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - sent) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, sent, body), signature or "")
