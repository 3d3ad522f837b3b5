"""Entities as rows: find what is on file, create what is not (gazetteer entries with their
aliases; names found by rule marked “needs review”), and relate them.

An entity already on file is the editors' record: the importer links to it and never changes it.
Relations are added only around entities this import created, so an editor's deletion sticks.
"""

from __future__ import annotations

from collections import Counter

from django.utils.text import slugify

from entities.gazetteer import Gazetteer, alias_language
from entities.models import Entity, EntityAlias, EntityRelation, normalise_name

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


class EntityDirectory:
    """The entities on file, read once per import: their names and aliases for the recogniser,
    and which row a name or Wikidata ID means (like ``Entity.objects.matching_name``, reviewed
    entities first, then the oldest)."""

    def __init__(self) -> None:
        rows = Entity.objects.values_list(
            "pk", "name", "name_key", "kind", "wikidata_id", "needs_review"
        ).order_by("needs_review", "pk")
        self.refs: dict[int, EntityRef] = {}
        self.by_key: dict[str, int] = {}
        self.by_wikidata: dict[str, int] = {}
        rank: dict[int, int] = {}
        for position, (pk, name, key, kind, wikidata_id, _) in enumerate(rows):
            self.refs[pk] = EntityRef(key=f"#{pk}", name=name, kind=kind, entity_id=pk)
            rank[pk] = position
            self.by_key.setdefault(key, pk)
            if wikidata_id:
                self.by_wikidata[wikidata_id] = pk
        self.aliases = list(
            EntityAlias.objects.values_list("entity_id", "name", "name_key").order_by("pk")
        )
        for entity_id, _, key in self.aliases:
            current = self.by_key.get(key)
            if current is None or rank[entity_id] < rank[current]:
                self.by_key[key] = entity_id

    def names(self):
        """(name, ref) pairs of every entity and alias on file."""
        for ref in self.refs.values():
            yield ref.name, ref
        for entity_id, alias, _ in self.aliases:
            yield alias, self.refs[entity_id]

    def find(self, ref: EntityRef) -> int | None:
        if ref.entity_id is not None:
            return ref.entity_id
        if ref.wikidata_id and ref.wikidata_id in self.by_wikidata:
            return self.by_wikidata[ref.wikidata_id]
        for name in (ref.name, *ref.aliases):
            if normalise_name(name) in self.by_key:
                return self.by_key[normalise_name(name)]
        return None

    def add(self, entity: Entity, aliases: list[str]) -> None:
        for name in (entity.name, *aliases):
            self.by_key.setdefault(normalise_name(name), entity.pk)
        if entity.wikidata_id:
            self.by_wikidata[entity.wikidata_id] = entity.pk


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
