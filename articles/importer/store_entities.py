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
    slug, number = base, 1
    while model.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


class EntityStore:
    def __init__(self, *, gazetteer: Gazetteer, created: Counter, by=None):
        self.gazetteer = gazetteer
        self.counts = created
        self.by = by
        self.rows: dict[str, Entity] = {}
        self.new: set[int] = set()
        self.refs: dict[str, EntityRef] = {}

    def resolve(self, ref: EntityRef) -> Entity:
        """The row for ``ref``, found or created once per import."""
        if ref.key not in self.rows:
            self.refs[ref.key] = ref
            if ref.entity_id is not None:
                self.rows[ref.key] = Entity.objects.get(pk=ref.entity_id)
            else:
                self.rows[ref.key] = self._find(ref) or self._create(ref)
        return self.rows[ref.key]

    def needing_review(self) -> list[Entity]:
        return [e for e in self.rows.values() if e.pk in self.new and e.needs_review]

    def _find(self, ref: EntityRef) -> Entity | None:
        if ref.wikidata_id:
            found = Entity.objects.filter(wikidata_id=ref.wikidata_id).first()
            if found:
                return found
        for name in (ref.name, *ref.aliases):
            found = Entity.objects.matching_name(name).order_by("needs_review", "pk").first()
            if found:
                return found
        return None

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
        _save(entity, self.by)
        self.counts["entities"] += 1
        self.new.add(entity.pk)
        seen = {entity.name_key}
        for alias in ref.aliases:
            key = normalise_name(alias)
            if key and key not in seen:
                seen.add(key)
                EntityAlias.objects.create(
                    entity=entity, name=alias[:200], language=alias_language(alias)
                )
                self.counts["aliases"] += 1
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


def _save(instance, by) -> None:
    instance._change_reason = CHANGE_REASON
    if by is not None:
        instance._history_user = by
    instance.save()
