"""schema.org JSON-LD for entities: Person, Organization, Place, Event … with ``sameAs``."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from .models import Entity, EntityKind

SCHEMA_TYPES = {
    EntityKind.PERSON: "Person",
    EntityKind.ORGANIZATION: "Organization",
    EntityKind.GOVERNMENT_BODY: "GovernmentOrganization",
    EntityKind.PLACE: "Place",
    EntityKind.EVENT: "Event",
    EntityKind.PROJECT: "Thing",
    EntityKind.PRODUCT: "Product",
}


def absolute_url(path: str) -> str:
    """``path`` on the public site (``SITE_URL``), for canonical links, feeds and JSON-LD."""
    return f"{settings.SITE_URL}{path}"


def entity_reference(entity: Entity, *, path: str | None = None) -> dict[str, Any]:
    """The short form used wherever another document mentions ``entity``; ``path`` is its
    page's path when the caller has it already."""
    data: dict[str, Any] = {
        "@type": SCHEMA_TYPES.get(entity.kind, "Thing"),
        "name": entity.name,
        "url": absolute_url(path or entity.get_absolute_url()),
    }
    if entity.wikidata_id:
        data["sameAs"] = entity.wikidata_url
    return data


def entity_json_ld(entity: Entity, *, aliases: list[str]) -> dict[str, Any]:
    """The entity page's own JSON-LD."""
    data = {"@context": "https://schema.org", **entity_reference(entity)}
    data["@id"] = data["url"]
    if entity.description:
        data["description"] = entity.description
    if aliases:
        data["alternateName"] = aliases
    data["sameAs"] = [entity.wikidata_url] if entity.wikidata_id else []
    return data
