"""Absolute links to our pages and to API resources, for feed items and webhook bodies."""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse

PLURALS = {"article": "articles", "claim": "claims", "entity": "entities", "source": "sources"}


def api_url(kind: str, pk: int) -> str:
    """Path of the object's API resource.

    The REST API's detail routes (``api:<kind>-detail``, by primary key) are used when they
    exist; otherwise the documented plain path ``/api/v1/<kind>s/<id>/``.
    """
    try:
        return reverse(f"api:{kind}-detail", kwargs={"pk": pk})
    except NoReverseMatch:
        return f"/api/v1/{PLURALS[kind]}/{pk}/"


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"
