"""Absolute links to our pages and to API resources, for feed items and webhook bodies."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.urls import NoReverseMatch

from coverage_site.fast_reverse import reverser

PLURALS = {"article": "articles", "claim": "claims", "entity": "entities", "source": "sources"}
# The REST API addresses articles and entities by slug, claims and sources by id.
BY_SLUG = {"article", "entity"}


def api_url(kind: str, payload: dict) -> str:
    """Path of the object's REST API resource (``api:<kind>-detail``), from its payload."""
    return api_urls()(kind, payload)


def api_urls() -> Callable[[str, dict], str]:
    """``api_url`` for many objects in one request: each kind's route is looked up once."""
    reversers: dict[str, Callable[[object], str]] = {}

    def build(kind: str, payload: dict) -> str:
        key = "slug" if kind in BY_SLUG else "pk"
        value = payload["slug"] if kind in BY_SLUG else payload["id"]
        if kind not in reversers:
            reversers[kind] = reverser(f"api:{kind}-detail", key)
        try:
            return reversers[kind](value)
        except NoReverseMatch:
            return f"/api/v1/{PLURALS[kind]}/{value}/"

    return build


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"
