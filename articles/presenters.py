"""What the article page shows, built once for readers and for the editors' preview.

``article_page_context(article, preview=False)`` is the one function behind
``templates/articles/article_detail.html``; the admin renders a staff preview of a draft with
``preview=True`` through the same function and template. Its query count does not depend on
how many claims, citations or entities the article has.

Building the page is kept cheap, as readers often get it uncached: three queries in the usual
case with the article's own (the article with the change-log check, which the view reads in one
statement; claims with their speakers; sources cited or backing claims with entities mentioned
and claims' subjects; history is only read when something changed after publication, see
``changes.change_log``), each written out in SQL with the same text for every
article (PostgreSQL prepares them once per connection); links are the
paths ``get_absolute_url`` gives, formatted from one ``reverse()`` per kind of page
(``coverage_site/fast_reverse.py``); and the body's rendering is the stored one while it still
matches the body, citations and claims (``stored_body.py``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import OuterRef, QuerySet

from coverage_site.fast_reverse import reverser, routing_state
from coverage_site.kept_queries import kept_list
from coverage_site.per_language import per_language
from coverage_site.query_plans import generic_plans
from coverage_site.rows import instances
from coverage_site.subqueries import count_of
from entities.models import ENTITY_ROUTE, Entity, EntityKind
from entities.structured_data import absolute_url

from .changes import change_log
from .charts import PER_CHART
from .models import (
    ARTICLE_ROUTE,
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
from .tallies import busiest_event_id, most_cited, published_unit_sizes

UPDATE_GRACE = dt.timedelta(minutes=1)
LATEST_ARTICLES = 10  # on the home page
MOST_CITED_SHOWN = 10  # on the home page
# What ``get_<field>_display()`` would say, without building the choices dict on every call.
ENTITY_KINDS = dict(EntityKind.choices)
CLAIM_KINDS = dict(ClaimKind.choices)
STATUSES = dict(VerificationStatus.choices)


def _translated(labels: dict[str, Any]) -> dict[str, str]:
    """``labels`` translated once: a lazy label is translated again each time it is used,
    and the article page uses each a few dozen times."""
    return {value: str(label) for value, label in labels.items()}


@per_language
def _page_labels() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """The verdicts', claim kinds' and entity kinds' labels in the active language."""
    return _translated(STATUSES), _translated(CLAIM_KINDS), _translated(ENTITY_KINDS)


# The page's entries are named tuples, read-only as frozen dataclasses were: those set each
# field through ``object.__setattr__``, five times the cost of a tuple for the sixty-odd
# entries of a large article.
class EntityLink(NamedTuple):
    """An entity the page links to, with its page's path and its kind as readers see it."""

    entity: Entity
    url: str
    kind_label: str


class CitationEntry(NamedTuple):
    """One numbered entry of the sources list, with the ids of its markers in the text."""

    number: int
    source: Source
    url: str  # the source's own page
    marker_ids: list[str]


class SourceRef(NamedTuple):
    """A claim's source, with its number in this article's sources list if it is cited."""

    source: Source
    url: str  # the source's own page
    number: int | None


class ClaimEntry(NamedTuple):
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


# The page's two reads, written out: each is a few index lookups for the database, and the
# ORM spent several times that building the same unions on every request. Their text does not
# depend on the article (claims are found from the appearances, not from a list of ids), so on
# PostgreSQL each is prepared once per connection and runs on a generic plan; a list of ids of
# varying length made each article's statements new ones, parsed and planned every time.
# Instances are built from the rows by ``coverage_site.rows`` (converters as ``raw()`` applies
# them, columns not read deferred) without ``raw()``'s per-query set-up. The page reads their
# primary keys as ``id`` (every model here has that one), not ``pk``: a property call each,
# some three hundred times a page.
CLAIM_FIELDS = (
    "id", "text", "kind", "speaker_id", "status", "amount", "unit", "equivalent_amount",
    "equivalent_unit", "figure_date", "figure_date_precision", "pledge_status",
)  # fmt: skip
ENTITY_FIELDS = ("id", "name", "slug", "kind", "wikidata_id")
SPEAKER = Claim._meta.get_field("speaker")


def _columns(alias: str, fields: tuple[str, ...]) -> str:
    return ", ".join(f"{alias}.{field}" for field in fields)


# Each appearance's claim with its passage and its speaker (NULLs without one), in text order.
CLAIMS_SQL = f"""
    SELECT {_columns("c", CLAIM_FIELDS)}, a.passage, {_columns("sp", ENTITY_FIELDS)}
    FROM articles_claimappearance a JOIN articles_claim c ON c.id = a.claim_id
    LEFT JOIN entities_entity sp ON sp.id = c.speaker_id
    WHERE a.article_id = %s
    ORDER BY a.position
"""
# The article's claims, for the read below.
ARTICLE_CLAIMS = "SELECT claim_id FROM articles_claimappearance WHERE article_id = %s"
# The sources and entities the article links to, in one statement (a round trip less): each
# row is a source's fields (``SOURCE_COLUMNS``) or an entity's (``ENTITY_COLUMNS`` and a NULL)
# in the first six columns, title or name third and the rows ordered by it, then by id; then a
# number (the citation's, or the claim whose sources or subjects it is among) and what the row
# is. The sources come first: PostgreSQL types each column of the union from its first rows.
SOURCE_COLUMNS = ("id", "url", "title", "publisher", "archived_url", "published_on")
ENTITY_COLUMNS = ("id", "slug", "name", "kind", "wikidata_id")
_ENTITY = "e.id, e.slug, e.name, e.kind, e.wikidata_id, NULL"
LINKED_SQL = f"""
    SELECT s.id, s.url, s.title, s.publisher, s.archived_url, s.published_on, ci.number, 'cited'
    FROM articles_source s JOIN articles_citation ci ON ci.source_id = s.id
    WHERE ci.article_id = %s
    UNION ALL
    SELECT s.id, s.url, s.title, s.publisher, s.archived_url, s.published_on, cs.claim_id,
           'backing'
    FROM articles_source s JOIN articles_claimsource cs ON cs.source_id = s.id
    WHERE cs.claim_id IN ({ARTICLE_CLAIMS})
    UNION ALL
    SELECT {_ENTITY}, NULL, 'mention'
    FROM entities_entity e JOIN articles_article_mentions m ON m.entity_id = e.id
    WHERE m.article_id = %s
    UNION ALL
    SELECT {_ENTITY}, cs.claim_id, 'subject'
    FROM entities_entity e JOIN articles_claim_subjects cs ON cs.entity_id = e.id
    WHERE cs.claim_id IN ({ARTICLE_CLAIMS})
    UNION ALL
    SELECT {_ENTITY}, NULL, 'event'
    FROM entities_entity e
    WHERE e.id = %s
    ORDER BY 3, 1
"""


def _claims_in(article: Article) -> list[Claim]:
    """The claims appearing in ``article``, in order of their first appearance, each with
    that appearance's ``passage`` and its ``speaker`` read.

    The speakers are built together and cached on their claims as ``select_related`` does
    (a claim without one answers ``None`` from its ``speaker_id`` alone): assigning
    ``claim.speaker`` checks the instance and asks the database router, for each claim."""
    first: dict[int, Claim] = {}
    with connection.cursor() as cursor:
        cursor.execute(CLAIMS_SQL, [article.pk])
        rows = cursor.fetchall()
    spoken = []
    for claim, (passage, *speaker) in instances(Claim, CLAIM_FIELDS, rows):
        if claim.id in first:
            continue
        claim.passage = passage
        first[claim.id] = claim
        if speaker[0] is not None:
            spoken.append((*speaker, claim))
    for speaker, (claim,) in instances(Entity, ENTITY_FIELDS, spoken):
        SPEAKER.set_cached_value(claim, speaker)
    return list(first.values())


@dataclass
class _Linked:
    event: Entity | None
    mentions: list[Entity]
    subjects: dict[int, list[Entity]]  # by claim
    citations: list[tuple[int, Source]]  # (number, source) in number order
    claim_sources: dict[int, list[Source]]  # by claim


def _linked(article: Article) -> _Linked:
    """``article``'s event, the entities it mentions, the subjects of each of its claims, its
    citations and the sources of each of its claims, in one query.

    Each list of entities or of a claim's sources is in name (title) order, as
    ``article.mentions.all()``, ``claim.subjects.all()`` and ``claim.sources.all()`` give it
    (namesakes by id, where those leave their order to the database); an entity both mentioned
    and a subject comes once in each.
    """
    found = _Linked(None, [], defaultdict(list), [], defaultdict(list))
    with connection.cursor() as cursor:
        cursor.execute(
            LINKED_SQL, [article.pk, article.pk, article.pk, article.pk, article.event_id]
        )
        rows = cursor.fetchall()
    sources = [row for row in rows if row[-1] in ("cited", "backing")]
    entities = [row[:5] + row[6:] for row in rows if row[-1] not in ("cited", "backing")]
    for source, (number, role) in instances(Source, SOURCE_COLUMNS, sources):
        if role == "cited":
            found.citations.append((number, source))
        else:
            found.claim_sources[number].append(source)
    for entity, (claim_id, role) in instances(Entity, ENTITY_COLUMNS, entities):
        if role == "mention":
            found.mentions.append(entity)
        elif role == "subject":
            found.subjects[claim_id].append(entity)
        else:
            found.event = entity
    found.citations.sort(key=lambda citation: citation[0])
    return found


def article_page_context(
    article: Article, *, preview: bool = False, moved: Sequence[object] | None = None
) -> dict[str, Any]:
    """Everything ``articles/article_detail.html`` needs for ``article``.

    ``preview=True`` is the staff preview of an unpublished article: the template then marks
    the page as a preview and keeps it out of search engines. ``moved``: the change log's
    checks if they were read with the article (``changes.moved_columns``).
    """
    statuses, claim_kinds, entity_kinds = _page_labels()
    claims_in = _claims_in(article)
    claim_ids = [claim.id for claim in claims_in]
    entities_of = _linked(article)
    citations, claim_sources = entities_of.citations, entities_of.claim_sources
    article.event = entities_of.event
    log = change_log(
        article,
        claim_ids=claim_ids,
        source_ids={source.id for _, source in citations}
        | {source.id for sources in claim_sources.values() for source in sources},
        moved=moved,
    )

    rendered = rendered_body(
        article,
        citation_numbers=[number for number, _ in citations],
        highlights=[
            Highlight(
                claim_id=claim.id,
                passage=claim.passage,
                status=claim.status,
                status_label=statuses.get(claim.status, claim.status),
            )
            for claim in claims_in
        ],
    )

    # Each page's path as its model's ``get_absolute_url`` gives it, with the context-local
    # reads (URLconf, script prefix, language) done once per page instead of once per link.
    state = routing_state()
    entity_url, claim_url, source_url, article_url = (
        reverser(*route, state)
        for route in (ENTITY_ROUTE, CLAIM_ROUTE, SOURCE_ROUTE, ARTICLE_ROUTE)
    )
    links: dict[int, EntityLink] = {}

    def link(entity: Entity) -> EntityLink:
        if entity.id not in links:
            links[entity.id] = EntityLink(
                entity=entity,
                url=entity_url(entity.slug),
                kind_label=entity_kinds.get(entity.kind, entity.kind),
            )
        return links[entity.id]

    for entity in entities_of.mentions:
        link(entity)
    if article.event_id:
        link(article.event)
    numbers = {source.id: number for number, source in citations}
    claims = []
    for claim in claims_in:
        claims.append(
            ClaimEntry(
                claim=claim,
                passage=claim.passage,
                url=claim_url(claim.id),
                status_label=statuses.get(claim.status, claim.status),
                kind_label=claim_kinds.get(claim.kind, claim.kind),
                speaker=link(claim.speaker) if claim.speaker_id else None,
                subjects=[link(subject) for subject in entities_of.subjects[claim.id]],
                sources=[
                    SourceRef(
                        source=source, url=source_url(source.id), number=numbers.get(source.id)
                    )
                    for source in claim_sources[claim.id]
                ],
                highlighted=claim.id in rendered.highlighted,
            )
        )
    entities = sorted(links.values(), key=lambda found: found.entity.name.casefold())

    published_at = article.published_at
    edits = [change.at for change in log.changes]
    if log.last_text_edit:
        edits.append(log.last_text_edit)
    updated_at = max(edits, default=None)
    show_updated = bool(published_at and updated_at and updated_at > published_at + UPDATE_GRACE)
    canonical_url = absolute_url(article_url(article.slug))  # ``get_absolute_url()``
    return {
        "article": article,
        "preview": preview,
        "body_html": rendered.html,
        "citations": [
            CitationEntry(
                number=number,
                source=source,
                url=source_url(source.id),
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
            entities=[found.entity for found in entities if found.entity.id != article.event_id],
            sources=[source for _, source in citations],
            entity_path=lambda entity: links[entity.id].url,
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


def featured_event() -> Entity | None:
    """The event with the most published coverage: the hub's headline event (ties by name).

    The winner is read from the tallies of published articles per event
    (``tallies.busiest_event_id``); only its own articles and claims are counted. Counting
    every event's articles and claims in one query took 110-150 ms with the full benchmark
    data (258 events), most of it the claim counts of events never shown. An
    event with published articles is public, and is asked for through ``public()`` all the
    same; when no event has any, the first public event by name is shown, with no coverage.
    The winner's query is kept compiled (``kept_list``): building it cost 7 ms of Python.
    """
    top = busiest_event_id()
    if top is not None:
        found = kept_list("home:event", lambda pk: _events().filter(pk=pk)[:1], top)
    else:
        found = kept_list("home:first-event", lambda: _events().order_by("name")[:1])
    return found[0] if found else None


def _events() -> QuerySet:
    """Public events, each with its published ``article_count`` and ``claim_count``."""
    return (
        Entity.objects.public()
        .filter(kind=EntityKind.EVENT)
        .annotate(
            article_count=count_of(Article.objects.published().filter(event=OuterRef("pk"))),
            # The claims appearing in the event's published articles (public by definition,
            # so counted from the appearances alone, without reading the claims).
            claim_count=count_of(
                ClaimAppearance.objects.filter(
                    article__event=OuterRef("pk"), article__in=Article.objects.published()
                ),
                "claim",
                distinct=True,
            ),
        )
    )


def most_cited_entities(limit: int = MOST_CITED_SHOWN) -> list[Entity]:
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
    return _cited_entities(most_cited(limit))


def _cited_entities(ranked: list[tuple[int, int, int]]) -> list[Entity]:
    """The public entities of ``most_cited()``'s ranking, in its order, with their counts."""
    # Counted entities are public by definition; asking ``public()`` keeps that the one rule.
    # The query is kept compiled per number of entities (``kept_list``), the ids its values.
    ids = [pk for pk, _, _ in ranked]
    found = kept_list(("home:entities", len(ids)), _public_entities, *ids) if ids else []
    shown = {entity.pk: entity for entity in found}
    entities = []
    for pk, claim_count, article_count in ranked:
        if pk in shown:
            entity = shown[pk]
            entity.claim_count, entity.article_count = claim_count, article_count
            entities.append(entity)
    return entities


def _public_entities(*ids: int) -> QuerySet:
    return Entity.objects.public().filter(pk__in=ids)


def home_page_context() -> dict[str, Any]:
    """The summit hub: the event, latest articles, key figures, most-cited entities.

    Its queries are kept compiled per connection (``kept_list``) and rerun with the time of
    the request: building them with the ORM was most of the page's Python time. The two that
    subtract the scheduled claims from the tallies (the key figures' units, the most-cited
    ranking) are planned with that time, as a scheduled range needs (on a generic plan
    PostgreSQL guessed a third of all claims scheduled and read them all: 24 ms); the others
    run on their generic plans (``generic_plans()``): about 3 ms less of PostgreSQL's 15 a
    request at full size."""
    unit_sizes = published_unit_sizes()
    ranked = most_cited(MOST_CITED_SHOWN)
    with generic_plans():
        return {
            "event": featured_event(),
            "articles": kept_list("home:articles", _latest_articles),
            "figure_claims": _key_figures(unit_sizes),
            "entities": _cited_entities(ranked),
        }


def _latest_articles() -> QuerySet:
    return Article.objects.published().select_related("event")[:LATEST_ARTICLES]


def _key_figures(sizes: dict[str, int]) -> list[Claim]:
    """The figures the key-figure charts draw (``Claim.objects.charted_published``), each
    with ``chart_unit_size``, and only the fields the charts show.

    The query is kept compiled by the number of units, whose names and sizes are its values;
    its rows become instances by ``chart_figures()``. ``sizes`` are
    ``published_unit_sizes()``."""
    if not sizes:
        return []  # no figure published
    units_and_sizes = [value for unit_size in sorted(sizes.items()) for value in unit_size]
    rows = kept_list(("home:figures", len(units_and_sizes)), _charted, *units_and_sizes)
    return Claim.objects.chart_figures(rows)


def _charted(*units_and_sizes: str | int) -> QuerySet:
    sizes = dict(zip(units_and_sizes[::2], units_and_sizes[1::2], strict=True))
    charted = Claim.objects.published().charted(PER_CHART, sizes=sizes).order_by("pk")
    return charted.chart_rows()
