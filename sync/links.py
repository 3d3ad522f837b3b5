"""Absolute links to our pages and to API resources, for feed items and webhook bodies."""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch

from coverage_site.fast_reverse import reverse_one

PLURALS = {"article": "articles", "claim": "claims", "entity": "entities", "source": "sources"}
# The REST API addresses articles and entities by slug, claims and sources by id.
BY_SLUG = {"article", "entity"}


def api_url(kind: str, payload: dict) -> str:
    """Path of the object's REST API resource (``api:<kind>-detail``), from its payload."""
    key = "slug" if kind in BY_SLUG else "pk"
    value = payload["slug"] if kind in BY_SLUG else payload["id"]
    try:
        return reverse_one(f"api:{kind}-detail", key, value)
    except NoReverseMatch:
        return f"/api/v1/{PLURALS[kind]}/{value}/"


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"
