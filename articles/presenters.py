"""What the article page shows, built once for readers and for the editors' preview.

``article_page_context(article, preview=False)`` is the one function behind
``templates/articles/article_detail.html``; the admin renders a staff preview of a draft with
``preview=True`` through the same function and template. Its query count does not depend on
how many claims, citations or entities the article has.

Building the page is kept cheap, as readers often get it uncached: four queries in the usual
case (claims; sources cited or backing claims; entities mentioned, claims' subjects or
speakers; the change-log check; history is only read when something changed after
publication, see ``changes.change_log``), the first three written out in SQL; links are the
paths ``get_absolute_url`` gives, formatted from one ``reverse()`` per kind of page
(``coverage_site/fast_reverse.py``); and the body's rendering is the stored one while it still
matches the body, citations and claims (``stored_body.py``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Func, OuterRef, Subquery

from coverage_site.fast_reverse import reverser
from entities.models import ENTITY_ROUTE, Entity, EntityKind
from entities.structured_data import absolute_url

from .changes import change_log
from .charts import PER_CHART
from .models import (
    CLAIM_ROUTE,
    SOURCE_ROUTE,
    Article,
    Claim,
    ClaimAppearance,
    ClaimKind,
    Source,
    VerificationStatus,
)
from .rendering import Highlight
from .stored_body import rendered_body
from .structured_data import news_article
from .tallies import busiest_event_id, most_cited

UPDATE_GRACE = dt.timedelta(minutes=1)
# What ``get_<field>_display()`` would say, without building the choices dict on every call.
ENTITY_KINDS = dict(EntityKind.choices)
CLAIM_KINDS = dict(ClaimKind.choices)
STATUSES = dict(VerificationStatus.choices)


def _translated(labels: dict[str, Any]) -> dict[str, str]:
    """``labels`` translated once: a lazy label is translated again each time it is used,
    and the article page uses each a few dozen times."""
    return {value: str(label) for value, label in labels.items()}


@dataclass(frozen=True)
class EntityLink:
    """An entity the page links to, with its page's path and its kind as readers see it."""

    entity: Entity
    url: str
    kind_label: str


@dataclass(frozen=True)
class CitationEntry:
    """One numbered entry of the sources list, with the ids of its markers in the text."""

    number: int
    source: Source
    url: str  # the source's own page
    marker_ids: list[str]


@dataclass(frozen=True)
class SourceRef:
    """A claim's source, with its number in this article's sources list if it is cited."""

    source: Source
    url: str  # the source's own page
    number: int | None


@dataclass(frozen=True)
class ClaimEntry:
    """One claim of the “Claims in this article” section."""

    claim: Claim
    passage: str  # where it appears in the text (its first appearance)
    url: str  # the claim's own page
    status_label: str
    kind_label: str
    speaker: EntityLink | None
    subjects: list[EntityLink]
    sources: list[SourceRef]
    highlighted: bool


# The page's three reads, written out: each is a few index lookups for the database, and the
# ORM spent several times that building the same unions on every request. ``raw()`` still
# converts values per backend (decimals and dates on SQLite) and leaves the columns not read
# deferred. The sources and entities queries take the claims' ids as a list: a subquery on the
# appearances would save passing them but costs PostgreSQL more to plan than to run.
CLAIMS_SQL = """
    SELECT c.id, c.text, c.kind, c.speaker_id, c.status, c.amount, c.unit,
           c.equivalent_amount, c.equivalent_unit, c.figure_date, c.figure_date_precision,
           c.pledge_status, a.passage AS passage
    FROM articles_claimappearance a JOIN articles_claim c ON c.id = a.claim_id
    WHERE a.article_id = %s
    ORDER BY a.position
"""
ENTITY_COLUMNS = (
    "e.id AS id, e.name AS name, e.slug AS slug, e.kind AS kind, e.wikidata_id AS wikidata_id"
)
ENTITIES_SQL = """
    SELECT {columns}, 'mention' AS role, NULL AS claim
    FROM entities_entity e JOIN articles_article_mentions m ON m.entity_id = e.id
    WHERE m.article_id = %s
    UNION ALL
    SELECT {columns}, 'subject' AS role, cs.claim_id AS claim
    FROM entities_entity e JOIN articles_claim_subjects cs ON cs.entity_id = e.id
    WHERE cs.claim_id IN ({claims})
    UNION ALL
    SELECT {columns}, 'linked' AS role, NULL AS claim
    FROM entities_entity e
    WHERE e.id IN ({linked})
    ORDER BY name, id
"""
SOURCE_COLUMNS = (
    "s.id AS id, s.url AS url, s.title AS title, s.publisher AS publisher, "
    "s.published_on AS published_on, s.archived_url AS archived_url"
)
SOURCES_SQL = """
    SELECT {columns}, ci.number AS number, NULL AS backing
    FROM articles_source s JOIN articles_citation ci ON ci.source_id = s.id
    WHERE ci.article_id = %s
    UNION ALL
    SELECT {columns}, NULL AS number, cs.claim_id AS backing
    FROM articles_source s JOIN articles_claimsource cs ON cs.source_id = s.id
    WHERE cs.claim_id IN ({claims})
    ORDER BY title, id
"""


def _placeholders(values: list) -> str:
    """A placeholder per value for ``IN (...)`` (``NULL``, which matches nothing, for none)."""
    return ", ".join(["%s"] * len(values)) or "NULL"


def _sql(template: str, columns: str, claim_ids: list[int], **lists: list) -> str:
    """``template`` with its columns and a placeholder per claim id and per value of each
    other list."""
    extra = {name: _placeholders(values) for name, values in lists.items()}
    return template.format(columns=columns, claims=_placeholders(claim_ids), **extra)


def _claims_in(article: Article) -> list[Claim]:
    """The claims appearing in ``article``, in order of their first appearance, each with
    that appearance's ``passage``."""
    first: dict[int, Claim] = {}
    for claim in Claim.objects.raw(CLAIMS_SQL, [article.pk]):
        first.setdefault(claim.pk, claim)
    return list(first.values())


@dataclass
class _Entities:
    event: Entity | None
    mentions: list[Entity]
    subjects: dict[int, list[Entity]]  # by claim
    speakers: dict[int, Entity]  # by claim


def _entities_of(article: Article, claims: list[Claim]) -> _Entities:
    """``article``'s event, the entities it mentions, and the subjects and speaker of each of
    its claims, in one query.

    Each list is in name order, as ``article.mentions.all()`` and ``claim.subjects.all()``
    give it (namesakes by id, where those leave their order to the database); an entity both
    mentioned and a subject comes once in each. The event and the speakers are read by id
    (the claims' rows carry their speakers' ids): a plain primary-key lookup that PostgreSQL
    plans and runs faster than a join on the claims.
    """
    found = _Entities(event=None, mentions=[], subjects=defaultdict(list), speakers={})
    claim_ids = [claim.pk for claim in claims]
    linked_ids = sorted({article.event_id, *(claim.speaker_id for claim in claims)} - {None})
    sql = _sql(ENTITIES_SQL, ENTITY_COLUMNS, claim_ids, linked=linked_ids)
    linked: dict[int, Entity] = {}
    for entity in Entity.objects.raw(sql, [article.pk, *claim_ids, *linked_ids]):
        if entity.role == "mention":
            found.mentions.append(entity)
        elif entity.role == "subject":
            found.subjects[entity.claim].append(entity)
        else:
            linked[entity.pk] = entity
    found.event = linked.get(article.event_id) if article.event_id else None
    for claim in claims:
        if claim.speaker_id:
            found.speakers[claim.pk] = linked[claim.speaker_id]
    return found


def _sources_of(
    article: Article, claim_ids: list[int]
) -> tuple[list[tuple[int, Source]], dict[int, list[Source]]]:
    """``article``'s citations as (number, source) in number order, and the sources of each
    of its claims in title order (as ``claim.sources.all()`` gives them; same titles by id),
    in one query."""
    citations: list[tuple[int, Source]] = []
    by_claim: dict[int, list[Source]] = defaultdict(list)
    sql = _sql(SOURCES_SQL, SOURCE_COLUMNS, claim_ids)
    for source in Source.objects.raw(sql, [article.pk, *claim_ids]):
        if source.backing is None:
            citations.append((source.number, source))
        else:
            by_claim[source.backing].append(source)
    citations.sort(key=lambda citation: citation[0])
    return citations, by_claim


def article_page_context(article: Article, *, preview: bool = False) -> dict[str, Any]:
    """Everything ``articles/article_detail.html`` needs for ``article``.

    ``preview=True`` is the staff preview of an unpublished article: the template then marks
    the page as a preview and keeps it out of search engines.
    """
    statuses, claim_kinds, entity_kinds = map(_translated, (STATUSES, CLAIM_KINDS, ENTITY_KINDS))
    claims_in = _claims_in(article)
    claim_ids = [claim.pk for claim in claims_in]
    citations, claim_sources = _sources_of(article, claim_ids)
    entities_of = _entities_of(article, claims_in)
    article.event = entities_of.event
    for claim in claims_in:
        claim.speaker = entities_of.speakers.get(claim.pk)
    log = change_log(
        article,
        claim_ids=claim_ids,
        source_ids={source.pk for _, source in citations}
        | {source.pk for sources in claim_sources.values() for source in sources},
    )

    rendered = rendered_body(
        article,
        citation_numbers=[number for number, _ in citations],
        highlights=[
            Highlight(
                claim_id=claim.pk,
                passage=claim.passage,
                status=claim.status,
                status_label=statuses.get(claim.status, claim.status),
            )
            for claim in claims_in
        ],
    )

    # Each page's path as its model's ``get_absolute_url`` gives it, with the context-local
    # reads (URLconf, script prefix, language) done once per kind instead of once per link.
    entity_url, claim_url, source_url = (
        reverser(*route) for route in (ENTITY_ROUTE, CLAIM_ROUTE, SOURCE_ROUTE)
    )
    links: dict[int, EntityLink] = {}

    def link(entity: Entity) -> EntityLink:
        if entity.pk not in links:
            links[entity.pk] = EntityLink(
                entity=entity,
                url=entity_url(entity.slug),
                kind_label=entity_kinds.get(entity.kind, entity.kind),
            )
        return links[entity.pk]

    for entity in entities_of.mentions:
        link(entity)
    if article.event_id:
        link(article.event)
    numbers = {source.pk: number for number, source in citations}
    claims = []
    for claim in claims_in:
        claims.append(
            ClaimEntry(
                claim=claim,
                passage=claim.passage,
                url=claim_url(claim.pk),
                status_label=statuses.get(claim.status, claim.status),
                kind_label=claim_kinds.get(claim.kind, claim.kind),
                speaker=link(claim.speaker) if claim.speaker_id else None,
                subjects=[link(subject) for subject in entities_of.subjects[claim.pk]],
                sources=[
                    SourceRef(
                        source=source, url=source_url(source.pk), number=numbers.get(source.pk)
                    )
                    for source in claim_sources[claim.pk]
                ],
                highlighted=claim.pk in rendered.highlighted,
            )
        )
    entities = sorted(links.values(), key=lambda found: found.entity.name.casefold())

    published_at = article.published_at
    edits = [change.at for change in log.changes]
    if log.last_text_edit:
        edits.append(log.last_text_edit)
    updated_at = max(edits, default=None)
    show_updated = bool(published_at and updated_at and updated_at > published_at + UPDATE_GRACE)
    canonical_url = absolute_url(article.get_absolute_url())
    return {
        "article": article,
        "preview": preview,
        "body_html": rendered.html,
        "citations": [
            CitationEntry(
                number=number,
                source=source,
                url=source_url(source.pk),
                marker_ids=rendered.marker_ids.get(number, []),
            )
            for number, source in citations
        ],
        "claims": claims,
        "entities": entities,
        "corrections": log.corrections,
        "changes": log.changes,
        "published_at": published_at,
        "updated_at": updated_at if show_updated else None,
        "canonical_url": canonical_url,
        "json_ld": news_article(
            article,
            url=canonical_url,
            published_at=published_at,
            modified_at=updated_at if show_updated else published_at,
            entities=[found.entity for found in entities if found.entity.pk != article.event_id],
            sources=[source for _, source in citations],
            entity_path=lambda entity: links[entity.pk].url,
        ),
    }


@dataclass(frozen=True)
class StatusStep:
    """One verdict in a claim's history: what it became, when, and the note given."""

    at: dt.datetime
    status: str
    label: str
    note: str


def claim_status_history(claim: Claim) -> list[StatusStep]:
    """Each change of ``claim``'s verification status, oldest first (editors unnamed)."""
    steps: list[StatusStep] = []
    for record in claim.history.order_by("history_date", "history_id"):
        if steps and steps[-1].status == record.status:
            continue
        steps.append(
            StatusStep(
                at=record.status_changed_at or record.history_date,
                status=record.status,
                label=record.get_status_display(),
                note=record.status_note,
            )
        )
    return steps


def _count(queryset) -> Subquery:
    return Subquery(queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"))


def featured_event() -> Entity | None:
    """The event with the most published coverage: the hub's headline event (ties by name).

    The winner is read from the tallies of published articles per event
    (``tallies.busiest_event_id``); only its own articles and claims are counted. Counting
    every event's articles and claims in one query took 110-150 ms with the full benchmark
    data (258 events), most of it the claim counts of events never shown. An
    event with published articles is public, and is asked for through ``public()`` all the
    same; when no event has any, the first public event by name is shown, with no coverage.
    """
    events = (
        Entity.objects.public()
        .filter(kind=EntityKind.EVENT)
        .annotate(
            article_count=_count(Article.objects.published().filter(event=OuterRef("pk"))),
            # The claims appearing in the event's published articles (public by definition,
            # so counted from the appearances alone, without reading the claims).
            claim_count=Subquery(
                ClaimAppearance.objects.filter(
                    article__event=OuterRef("pk"), article__in=Article.objects.published()
                )
                .order_by()
                .annotate(
                    n=Func(F("claim"), function="COUNT", template="COUNT(DISTINCT %(expressions)s)")
                )
                .values("n")
            ),
        )
    )
    top = busiest_event_id()
    if top is not None:
        return events.filter(pk=top).first()
    return events.order_by("name").first()


def most_cited_entities(limit: int = 10) -> list[Entity]:
    """Public entities ranked by the published claims that involve them, then by the
    published articles mentioning them, then by name; events are left out, and so are
    entities with neither.

    A claim involves an entity as its speaker or as a subject, each claim counting once per
    entity. The counts are read from the tallies the database keeps (``tallies.most_cited``
    walks the entities by their tallies and stops as soon as none further down can make the
    list: usually two queries, whatever the site's size); GROUP BYs over every published
    claim and mention took 107 ms with the full benchmark data, growing with the site. Names
    are compared code point by code point, as Python compares strings.
    """
    ranked = most_cited(limit)
    # Counted entities are public by definition; asking ``public()`` keeps that the one rule.
    shown = Entity.objects.public().in_bulk([pk for pk, _, _ in ranked])
    entities = []
    for pk, claim_count, article_count in ranked:
        if pk in shown:
            entity = shown[pk]
            entity.claim_count, entity.article_count = claim_count, article_count
            entities.append(entity)
    return entities


def home_page_context() -> dict[str, Any]:
    """The summit hub: the event, latest articles, key figures, most-cited entities."""
    return {
        "event": featured_event(),
        "articles": list(Article.objects.published().select_related("event")[:10]),
        "figure_claims": list(Claim.objects.charted_published(PER_CHART).order_by("pk")),
        "entities": most_cited_entities(),
    }
