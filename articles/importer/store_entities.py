"""Entities as rows: find what is on file, create what is not (gazetteer entries with their
aliases; names found by rule marked “needs review”), and relate them.

An entity already on file is the editors' record: the importer links to it and never changes it.
Relations are added only around entities this import created, so an editor's deletion sticks.
"""

from __future__ import annotations

import json
from collections import Counter

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils.text import slugify

from entities.gazetteer import Gazetteer, alias_language
from entities.models import Entity, EntityAlias, EntityRelation, normalise_name

from .entities import name_keys_in
from .refs import EntityRef

CHANGE_REASON = "Imported from a report"


def unique_slug(model, name: str, fallback: str) -> str:
    base = slugify(name)[:190] or fallback
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


# A report holds thousands of runs of words: sent as one JSON parameter, unnested in the
# database, they cost less to send and plan than one placeholder each (3,800 of them: 60 ms).
_KEYS_FROM_JSON = {
    "postgresql": "SELECT jsonb_array_elements_text(%s::jsonb)",
    "sqlite": "SELECT value FROM json_each(%s)",
}


def _named(model, keys: set[str]):
    """Rows of ``model`` (Entity or EntityAlias) whose ``name_key`` is one of ``keys``."""
    sql = _KEYS_FROM_JSON.get(connection.vendor)
    among = RawSQL(sql, [json.dumps(sorted(keys))]) if sql else keys
    return model.objects.filter(name_key__in=among)


class EntityDirectory:
    """The entities on file that an import can mean: those named in the report (for the
    recogniser) and those a found name or Wikidata ID means (like
    ``Entity.objects.matching_name``: reviewed entities first, then the oldest).

    Rows are read by name key as they are needed, every row with a key at once, so an import
    costs the same however many entities are on file (reading all 5,000 entities and their
    aliases, and tokenising every name, grew with the database).
    """

    def __init__(self) -> None:
        self.refs: dict[int, EntityRef] = {}
        self.by_key: dict[str, int | None] = {}  # None: read, and no entity on file has it
        self.by_wikidata: dict[str, int | None] = {}
        self.added: set[int] = set()  # created by this import: known by add() only
        self._rank: dict[int, tuple[bool, int]] = {}

    def names(self, texts) -> list[tuple[str, EntityRef]]:
        """(name, ref) pairs of the entities and aliases on file whose names occur in
        ``texts``: entities reviewed first, then the oldest; then aliases, the oldest first."""
        entities, aliases = self._read(name_keys_in(texts))
        return [(self.refs[pk].name, self.refs[pk]) for pk in entities] + [
            (alias, self.refs[entity_id]) for entity_id, alias in aliases
        ]

    def read_for(self, refs) -> None:
        """Read what ``find`` needs for all of ``refs`` in one go."""
        self._read({normalise_name(name) for ref in refs for name in (ref.name, *ref.aliases)})
        self._read_wikidata({ref.wikidata_id for ref in refs if ref.wikidata_id})

    def find(self, ref: EntityRef) -> int | None:
        if ref.entity_id is not None:
            return ref.entity_id
        self.read_for([ref])
        if ref.wikidata_id and self.by_wikidata.get(ref.wikidata_id) is not None:
            return self.by_wikidata[ref.wikidata_id]
        for name in (ref.name, *ref.aliases):
            if self.by_key.get(normalise_name(name)) is not None:
                return self.by_key[normalise_name(name)]
        return None

    def add(self, entity: Entity, aliases: list[str]) -> None:
        keys = {normalise_name(name) for name in (entity.name, *aliases)}
        self._read(keys)
        self.added.add(entity.pk)
        for key in keys:
            if self.by_key[key] is None:
                self.by_key[key] = entity.pk
        if entity.wikidata_id:
            self.by_wikidata[entity.wikidata_id] = entity.pk

    def _read(self, keys: set[str]) -> tuple[list[int], list[tuple[int, str]]]:
        """Read the entities and aliases with these keys not read yet; return the entities'
        ids in rank order and the aliases (entity id, name) oldest first."""
        keys = keys - self.by_key.keys()
        if not keys:
            return [], []
        entities = [
            row
            for row in _named(Entity, keys)
            .values_list("pk", "name", "name_key", "kind", "needs_review")
            .order_by("needs_review", "pk")
            if row[0] not in self.added
        ]
        aliases = [
            row
            for row in _named(EntityAlias, keys)
            .values_list(
                "entity_id",
                "name",
                "name_key",
                "entity__name",
                "entity__kind",
                "entity__needs_review",
            )
            .order_by("pk")
            if row[0] not in self.added
        ]
        self.by_key.update(dict.fromkeys(keys))
        for pk, name, key, kind, needs_review in entities:
            self._remember(pk, name, kind, needs_review)
            if self.by_key[key] is None:
                self.by_key[key] = pk
        for entity_id, _, key, name, kind, needs_review in aliases:
            self._remember(entity_id, name, kind, needs_review)
            current = self.by_key[key]
            if current is None or (needs_review, entity_id) < self._rank[current]:
                self.by_key[key] = entity_id
        return [pk for pk, *_ in entities], [(entity_id, alias) for entity_id, alias, *_ in aliases]

    def _remember(self, pk: int, name: str, kind: str, needs_review: bool) -> None:
        if pk not in self.refs:
            self.refs[pk] = EntityRef(key=f"#{pk}", name=name, kind=kind, entity_id=pk)
            self._rank[pk] = (needs_review, pk)

    def _read_wikidata(self, wikidata_ids: set[str]) -> None:
        wikidata_ids -= self.by_wikidata.keys()
        if not wikidata_ids:
            return
        self.by_wikidata.update(dict.fromkeys(wikidata_ids))
        found = Entity.objects.filter(wikidata_id__in=wikidata_ids).exclude(pk__in=self.added)
        self.by_wikidata.update(found.values_list("wikidata_id", "pk"))


class EntityStore:
    def __init__(
        self, *, gazetteer: Gazetteer, directory: EntityDirectory, created: Counter, by=None
    ):
        self.gazetteer = gazetteer
        self.directory = directory
        self.counts = created
        self.by = by
        self.rows: dict[str, Entity] = {}
        self.new: set[int] = set()
        self.refs: dict[str, EntityRef] = {}

    def prepare(self, refs) -> None:
        """Fetch the rows of every ref already on file in one query."""
        self.directory.read_for(refs)
        found = {ref.key: self.directory.find(ref) for ref in refs}
        rows = Entity.objects.in_bulk({pk for pk in found.values() if pk is not None})
        for ref in refs:
            if found[ref.key] is not None and ref.key not in self.rows:
                self.refs[ref.key] = ref
                self.rows[ref.key] = rows[found[ref.key]]

    def resolve(self, ref: EntityRef) -> Entity:
        """The row for ``ref``, found or created once per import."""
        if ref.key not in self.rows:
            self.refs[ref.key] = ref
            pk = self.directory.find(ref)
            self.rows[ref.key] = Entity.objects.get(pk=pk) if pk else self._create(ref)
        return self.rows[ref.key]

    def needing_review(self) -> list[Entity]:
        return [e for e in self.rows.values() if e.pk in self.new and e.needs_review]

    def _create(self, ref: EntityRef) -> Entity:
        wikidata_taken = (
            bool(ref.wikidata_id) and Entity.objects.filter(wikidata_id=ref.wikidata_id).exists()
        )
        entity = Entity(
            name=ref.name[:200],
            slug=unique_slug(Entity, ref.name, "entity"),
            kind=ref.kind,
            description=ref.description[:300],
            wikidata_id="" if wikidata_taken else ref.wikidata_id,
            needs_review=ref.needs_review,
        )
        save_imported(entity, self.by)
        self.counts["entities"] += 1
        self.new.add(entity.pk)
        seen = {entity.name_key}
        aliases = []
        for alias in ref.aliases:
            key = normalise_name(alias)
            if key and key not in seen:
                seen.add(key)
                aliases.append(
                    EntityAlias(
                        entity=entity,
                        name=alias[:200],
                        name_key=key[:200],  # what EntityAlias.save() would set
                        language=alias_language(alias),
                    )
                )
        EntityAlias.objects.bulk_create(aliases)
        self.counts["aliases"] += len(aliases)
        self.directory.add(entity, list(ref.aliases))
        return entity

    def relate(self) -> None:
        """Gazetteer relations and those found by rule, around the entities created now."""
        wanted: list[tuple[Entity, str, Entity]] = []
        for relation in self.gazetteer.relations:
            subject = self.rows.get(normalise_name(relation.subject))
            obj = self.rows.get(normalise_name(relation.object))
            if subject and obj:
                wanted.append((subject, relation.kind, obj))
        for key, ref in self.refs.items():
            if ref.relation and ref.relation[1].key in self.rows:
                wanted.append((self.rows[key], ref.relation[0], self.rows[ref.relation[1].key]))
        for subject, kind, obj in wanted:
            if subject.pk == obj.pk or not ({subject.pk, obj.pk} & self.new):
                continue
            _, created = EntityRelation.objects.get_or_create(
                subject=subject, kind=kind, object=obj
            )
            if created:
                self.counts["relations"] += 1


def save_imported(instance, by) -> None:
    instance._change_reason = CHANGE_REASON
    if by is not None:
        instance._history_user = by
    instance.save()
