"""What the recogniser hands on: an entity before it is a row, and where it was mentioned."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EntityRef:
    """An entity as the importer sees it before it is a row: gazetteer, on file, or by rule."""

    key: str
    name: str
    kind: str
    description: str = ""
    wikidata_id: str = ""
    aliases: tuple[str, ...] = ()
    entity_id: int | None = None
    needs_review: bool = False
    relation: tuple[str, EntityRef] | None = None  # (relation kind, object) found by a rule


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    ref: EntityRef
