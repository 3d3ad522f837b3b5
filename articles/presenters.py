"""What the article page shows, built once for readers and for the editors' preview.

``article_page_context(article, preview=False)`` is the one function behind
``templates/articles/article_detail.html``; the admin renders a staff preview of a draft with
``preview=True`` through the same function and template. Its query count does not depend on
how many claims, citations or entities the article has.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, Func, OuterRef, Subquery

from entities.models import Entity, EntityKind
from entities.structured_data import absolute_url

from .changes import article_changes, last_text_edit, public_since
from .models import Article, Citation, Claim, ClaimAppearance, Source
from .rendering import Highlight, render_body
from .structured_data import news_article

UPDATE_GRACE = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class CitationEntry:
    """One numbered entry of the sources list, with the ids of its markers in the text."""

    number: int
    source: Source
    marker_ids: list[str]


@dataclass(frozen=True)
class SourceRef:
    """A claim's source, with its number in this article's sources list if it is cited."""

    source: Source
    number: int | None


@dataclass(frozen=True)
class ClaimEntry:
    """One claim of the “Claims in this article” section."""

    claim: Claim
    appearance: ClaimAppearance
    highlighted: bool
    sources: list[SourceRef]


def _claims_in(article: Article) -> list[ClaimAppearance]:
    appearances = (
        ClaimAppearance.objects.filter(article=article)
        .select_related("claim__speaker")
        .prefetch_related("claim__subjects", "claim__sources")
        .order_by("position")
    )
    first: dict[int, ClaimAppearance] = {}
    for appearance in appearances:
        first.setdefault(appearance.claim_id, appearance)
    return list(first.values())


def _entities(article: Article, appearances: list[ClaimAppearance], mentions: list) -> list:
    found = {entity.pk: entity for entity in mentions}
    if article.event_id:
        found[article.event_id] = article.event
    for appearance in appearances:
        claim = appearance.claim
        if claim.speaker_id:
            found[claim.speaker_id] = claim.speaker
        for subject in claim.subjects.all():
            found[subject.pk] = subject
    return sorted(found.values(), key=lambda entity: entity.name.casefold())


def article_page_context(article: Article, *, preview: bool = False) -> dict[str, Any]:
    """Everything ``articles/article_detail.html`` needs for ``article``.

    ``preview=True`` is the staff preview of an unpublished article: the template then marks
    the page as a preview and keeps it out of search engines.
    """
    citations = list(
        Citation.objects.filter(article=article).select_related("source").order_by("number")
    )
    appearances = _claims_in(article)
    rendered = render_body(
        article.body,
        citation_numbers=[citation.number for citation in citations],
        highlights=[
            Highlight(
                claim_id=appearance.claim_id,
                passage=appearance.passage,
                status=appearance.claim.status,
                status_label=appearance.claim.get_status_display(),
            )
            for appearance in appearances
        ],
    )
    mentions = list(article.mentions.all())
    corrections = list(article.corrections.all())
    since = public_since(article)
    source_ids = {citation.source_id for citation in citations} | {
        source.pk for appearance in appearances for source in appearance.claim.sources.all()
    }
    changes = article_changes(
        article,
        claim_ids=[appearance.claim_id for appearance in appearances],
        source_ids=source_ids,
        corrections=corrections,
        since=since,
    )
    published_at = article.published_at
    edits = [change.at for change in changes]
    text_edit = last_text_edit(article, since)
    if text_edit:
        edits.append(text_edit)
    updated_at = max(edits, default=None)
    show_updated = bool(published_at and updated_at and updated_at > published_at + UPDATE_GRACE)
    entities = _entities(article, appearances, mentions)
    numbers = {citation.source_id: citation.number for citation in citations}
    return {
        "article": article,
        "preview": preview,
        "body_html": rendered.html,
        "citations": [
            CitationEntry(
                number=citation.number,
                source=citation.source,
                marker_ids=rendered.marker_ids.get(citation.number, []),
            )
            for citation in citations
        ],
        "claims": [
            ClaimEntry(
                claim=appearance.claim,
                appearance=appearance,
                highlighted=appearance.claim_id in rendered.highlighted,
                sources=[
                    SourceRef(source=source, number=numbers.get(source.pk))
                    for source in appearance.claim.sources.all()
                ],
            )
            for appearance in appearances
        ],
        "entities": entities,
        "corrections": corrections,
        "changes": changes,
        "published_at": published_at,
        "updated_at": updated_at if show_updated else None,
        "canonical_url": absolute_url(article.get_absolute_url()),
        "json_ld": news_article(
            article,
            published_at=published_at,
            modified_at=updated_at if show_updated else published_at,
            entities=[entity for entity in entities if entity.pk != article.event_id],
            sources=[citation.source for citation in citations],
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
    """The event with the most published coverage: the hub's headline event."""
    return (
        Entity.objects.public()
        .filter(kind=EntityKind.EVENT)
        .annotate(
            article_count=_count(Article.objects.published().filter(event=OuterRef("pk"))),
            claim_count=_count(
                Claim.objects.published().filter(
                    Exists(
                        ClaimAppearance.objects.filter(
                            claim=OuterRef("pk"),
                            article__event=OuterRef(OuterRef("pk")),
                            article__in=Article.objects.published(),
                        )
                    )
                )
            ),
        )
        .order_by("-article_count", "name")
        .first()
    )


def most_cited_entities(limit: int = 10) -> list[Entity]:
    """Public entities ranked by the published claims that involve them, then by articles.

    A claim involves an entity as its speaker or as a subject, so the claim count is
    speaker + subject - both: each term is an index lookup per entity. (One count with
    ``involving()``'s OR made PostgreSQL scan every claim once per entity: seconds at a tenth of
    the benchmark data.) Entities with no count sort last and are dropped after the limit.
    """
    published = Claim.objects.published()
    subjects = Claim.subjects.through.objects.filter(entity=OuterRef("pk"), claim__in=published)
    ranked = (
        Entity.objects.public()
        .exclude(kind=EntityKind.EVENT)
        .annotate(
            spoken=_count(published.filter(speaker=OuterRef("pk"))),
            about=_count(subjects),
            spoken_about=_count(subjects.filter(claim__speaker=OuterRef("pk"))),
            claim_count=F("spoken") + F("about") - F("spoken_about"),
            article_count=_count(
                Article.objects.published().filter(
                    Exists(
                        Article.mentions.through.objects.filter(
                            article=OuterRef("pk"), entity=OuterRef(OuterRef("pk"))
                        )
                    )
                )
            ),
        )
        .order_by("-claim_count", "-article_count", "name")[:limit]
    )
    return [entity for entity in ranked if entity.claim_count or entity.article_count]


def home_page_context() -> dict[str, Any]:
    """The summit hub: the event, latest articles, key figures, most-cited entities."""
    return {
        "event": featured_event(),
        "articles": list(Article.objects.published().select_related("event")[:10]),
        "figure_claims": list(Claim.objects.published().with_figures().order_by("pk")),
        "entities": most_cited_entities(),
    }
