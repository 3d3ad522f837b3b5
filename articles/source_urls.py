"""URL normalisation, so that one cited document is one Source row."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError

TRACKING_PARAMETERS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ref_src", "_ga", "yclid"}
)
DEFAULT_PORTS = {"http": "80", "https": "443"}


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith("utm_") or lowered in TRACKING_PARAMETERS


def normalise_url(url: str) -> str:
    """Return the canonical form of ``url``.

    Scheme becomes https, the host is lower-cased without ``www.``-independent changes, default
    ports, fragments, tracking parameters (``utm_*``, ``fbclid``…) and a trailing slash are
    dropped, and the remaining query parameters are sorted.
    """
    raw = (url or "").strip()
    if not raw:
        raise ValidationError("A source needs a URL.")
    if "://" not in raw:
        raw = "https://" + raw
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname or parts.username is not None:
        raise ValidationError(f"“{url}” is not a web address (http or https).")
    host = parts.hostname.lower().rstrip(".")
    port = parts.port if parts.port and str(parts.port) != DEFAULT_PORTS[scheme] else None
    netloc = f"{host}:{port}" if port else host
    path = parts.path.rstrip("/")
    query = sorted(
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(name)
    )
    return urlunsplit(("https", netloc, path, urlencode(query), ""))
