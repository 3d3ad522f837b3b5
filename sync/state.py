"""What the public sees of each object now, as the JSON the feed and webhooks carry.

Visibility comes only from the QuerySet methods (``Article.objects.published()``,
``Claim.objects.published()``, ``Entity.objects.public()``, ``Source.objects.public()``). A payload
refers only to objects that are public because of it (an article's claims, a claim's sources), so
nothing unpublished leaks through an id. Builders work in bulk: a fixed number of queries per kind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Prefetch

from articles.models import (
    Article,
    Citation,
    Claim,
    ClaimAppearance,
    ClaimSource,
    CorrectionNote,
    Source,
)
from entities.models import Entity, EntityAlias

from .models import ObjectKind, PublicState

Key = tuple[str, int]
Payload = dict


def iso_time(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else None


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def digest(payload: Payload) -> str:
    """SHA-256 of the canonical JSON form, to tell a real change from a no-op save."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _restrict(queryset, ids: Iterable[int] | None):
    return queryset if ids is None else queryset.filter(pk__in=list(ids))


def article_payloads(ids: Iterable[int] | None = None) -> dict[int, Payload]:
    articles = _restrict(Article.objects.published(), ids).prefetch_related(
        Prefetch("mentions", queryset=Entity.objects.only("pk")),
        Prefetch("citations", queryset=Citation.objects.order_by("number")),
        Prefetch("corrections", queryset=CorrectionNote.objects.order_by("published_at", "pk")),
        Prefetch("appearances", queryset=ClaimAppearance.objects.order_by("position")),
    )
    return {
        a.pk: {
            "id": a.pk,
            "title": a.title,
            "slug": a.slug,
            "standfirst": a.standfirst,
            "body": a.body,
            "byline": a.byline,
            "published_at": iso_time(a.published_at),
            "page": a.get_absolute_url(),
            "event": a.event_id,
            "mentions": sorted(e.pk for e in a.mentions.all()),
            "claims": [ap.claim_id for ap in a.appearances.all()],
            "citations": [{"number": c.number, "source": c.source_id} for c in a.citations.all()],
            "corrections": [
                {"id": n.pk, "text": n.text, "published_at": iso_time(n.published_at)}
                for n in a.corrections.all()
            ],
        }
        for a in articles
    }


def claim_payloads(ids: Iterable[int] | None = None) -> dict[int, Payload]:
    public_appearances = ClaimAppearance.objects.filter(
        article__in=Article.objects.published()
    ).order_by("article_id", "position")
    claims = _restrict(Claim.objects.published(), ids).prefetch_related(
        Prefetch("subjects", queryset=Entity.objects.only("pk")),
        Prefetch("claim_sources", queryset=ClaimSource.objects.only("claim_id", "source_id")),
        Prefetch("appearances", queryset=public_appearances, to_attr="public_appearances"),
    )
    return {c.pk: _claim_payload(c) for c in claims}


def _claim_payload(c: Claim) -> Payload:
    return {
        "id": c.pk,
        "text": c.text,
        "kind": c.kind,
        "speaker": c.speaker_id,
        "subjects": sorted(e.pk for e in c.subjects.all()),
        "sources": sorted(cs.source_id for cs in c.claim_sources.all()),
        "status": c.status,
        "status_note": c.status_note,
        "status_changed_at": iso_time(c.status_changed_at),
        "amount": _decimal(c.amount),
        "unit": c.unit,
        "equivalent_amount": _decimal(c.equivalent_amount),
        "equivalent_unit": c.equivalent_unit,
        "figure_date": _date(c.figure_date),
        "figure_date_precision": c.figure_date_precision,
        "pledge_status": c.pledge_status,
        "page": c.get_absolute_url(),
        "appearances": [
            {
                "article": ap.article_id,
                "position": ap.position,
                "section": ap.section,
                "passage": ap.passage,
            }
            for ap in c.public_appearances
        ],
    }


def entity_payloads(ids: Iterable[int] | None = None) -> dict[int, Payload]:
    entities = _restrict(Entity.objects.public(), ids).prefetch_related(
        Prefetch("aliases", queryset=EntityAlias.objects.order_by("name", "pk"))
    )
    return {
        e.pk: {
            "id": e.pk,
            "name": e.name,
            "slug": e.slug,
            "kind": e.kind,
            "description": e.description,
            "wikidata_id": e.wikidata_id,
            "page": e.get_absolute_url(),
            "aliases": [{"name": a.name, "language": a.language} for a in e.aliases.all()],
        }
        for e in entities
    }


def source_payloads(ids: Iterable[int] | None = None) -> dict[int, Payload]:
    return {
        s.pk: {
            "id": s.pk,
            "url": s.url,
            "title": s.title,
            "publisher": s.publisher,
            "published_on": _date(s.published_on),
            "accessed_on": _date(s.accessed_on),
            "language": s.language,
            "archived_url": s.archived_url,
            "page": s.get_absolute_url(),
        }
        for s in _restrict(Source.objects.public(), ids)
    }


BUILDERS = {
    ObjectKind.ARTICLE: article_payloads,
    ObjectKind.CLAIM: claim_payloads,
    ObjectKind.ENTITY: entity_payloads,
    ObjectKind.SOURCE: source_payloads,
}
MODELS = {
    ObjectKind.ARTICLE: Article,
    ObjectKind.CLAIM: Claim,
    ObjectKind.ENTITY: Entity,
    ObjectKind.SOURCE: Source,
}


def public_payloads(ids_by_kind: dict[str, set[int]] | None = None) -> dict[Key, Payload]:
    """Current public payloads of the given objects (or of everything public when None)."""
    result: dict[Key, Payload] = {}
    for kind, build in BUILDERS.items():
        ids = None if ids_by_kind is None else ids_by_kind.get(kind, set())
        if ids is not None and not ids:
            continue
        result.update(((kind, pk), payload) for pk, payload in build(ids).items())
    return result


def existing_ids(ids_by_kind: dict[str, set[int]]) -> set[Key]:
    """Which of these objects still exist at all (to tell “unpublished” from “deleted”)."""
    found: set[Key] = set()
    for kind, ids in ids_by_kind.items():
        if ids:
            pks = MODELS[kind].objects.filter(pk__in=list(ids)).values_list("pk", flat=True)
            found.update((kind, pk) for pk in pks)
    return found


def group(keys: Iterable[Key]) -> dict[str, set[int]]:
    grouped: dict[str, set[int]] = {kind: set() for kind in BUILDERS}
    for kind, pk in keys:
        grouped[kind].add(pk)
    return grouped


def _last_published(kind: str, ids: set[int]) -> dict[int, Payload]:
    rows = PublicState.objects.filter(kind=kind, object_id__in=list(ids))
    return dict(rows.values_list("object_id", "payload"))


def with_dependants(keys: set[Key]) -> set[Key]:
    """``keys`` plus every object whose public state may follow from them.

    An article makes its claims, cited sources, event and mentioned entities public; a claim its
    sources, speaker and subjects. Links are taken both from the database now and from the last
    published payloads (what the feed said), so links removed since count too. Touched entities
    also bring the claims and articles that link to them: a merge moves those links in bulk,
    without signals, then saves the entity it keeps.
    """
    grouped = group(keys)
    articles, claims = grouped[ObjectKind.ARTICLE], grouped[ObjectKind.CLAIM]
    sources, entities = grouped[ObjectKind.SOURCE], grouped[ObjectKind.ENTITY]
    linking_claims, linking_articles = _linking_to(set(entities))
    if articles:
        claims |= set(
            ClaimAppearance.objects.filter(article__in=articles).values_list("claim_id", flat=True)
        )
        sources |= set(
            Citation.objects.filter(article__in=articles).values_list("source_id", flat=True)
        )
        events = Article.objects.filter(pk__in=articles, event__isnull=False)
        entities |= set(events.values_list("event_id", flat=True))
        mentions = Article.mentions.through.objects.filter(article_id__in=articles)
        entities |= set(mentions.values_list("entity_id", flat=True))
        for old in _last_published(ObjectKind.ARTICLE, articles).values():
            claims |= set(old["claims"])
            sources |= {c["source"] for c in old["citations"]}
            entities |= {old["event"], *old["mentions"]} - {None}
    if claims:
        sources |= set(
            ClaimSource.objects.filter(claim__in=claims).values_list("source_id", flat=True)
        )
        speakers = Claim.objects.filter(pk__in=claims, speaker__isnull=False)
        entities |= set(speakers.values_list("speaker_id", flat=True))
        subjects = Claim.subjects.through.objects.filter(claim_id__in=claims)
        entities |= set(subjects.values_list("entity_id", flat=True))
        for old in _last_published(ObjectKind.CLAIM, claims).values():
            sources |= set(old["sources"])
            entities |= {old["speaker"], *old["subjects"]} - {None}
    claims |= linking_claims
    articles |= linking_articles
    return {(kind, pk) for kind, ids in grouped.items() for pk in ids}


def _linking_to(entities: set[int]) -> tuple[set[int], set[int]]:
    """Claims and articles that name any of ``entities`` (speaker, subject, event, mention)."""
    if not entities:
        return set(), set()
    subjects = Claim.subjects.through.objects.filter(entity_id__in=entities)
    claims = set(subjects.values_list("claim_id", flat=True)) | set(
        Claim.objects.filter(speaker__in=entities).values_list("pk", flat=True)
    )
    mentions = Article.mentions.through.objects.filter(entity_id__in=entities)
    articles = set(mentions.values_list("article_id", flat=True)) | set(
        Article.objects.filter(event__in=entities).values_list("pk", flat=True)
    )
    return claims, articles
