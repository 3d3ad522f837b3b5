"""schema.org JSON-LD for articles (NewsArticle) and claims (Claim, ClaimReview)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings

from entities.structured_data import absolute_url, entity_reference

from .models import Article, Claim, Source, VerificationStatus

SITE_NAME = "Summit Coverage"
CONTEXT = "https://schema.org"
# A verdict is a review of the claim's truth; "retracted" and "unverified" are not verdicts.
RATINGS = {
    VerificationStatus.FALSE: 1,
    VerificationStatus.DISPUTED: 2,
    VerificationStatus.VERIFIED: 3,
}


def publisher() -> dict[str, Any]:
    return {"@type": "NewsMediaOrganization", "name": SITE_NAME, "url": f"{settings.SITE_URL}/"}


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat() if value else None


def _author(byline: str) -> dict[str, Any]:
    if not byline or "staff" in byline.lower() or SITE_NAME.lower() in byline.lower():
        return {"@type": "Organization", "name": byline or SITE_NAME}
    return {"@type": "Person", "name": byline}


def source_reference(source: Source) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "CreativeWork", "name": source.title, "url": source.url}
    if source.publisher:
        data["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.published_on:
        data["datePublished"] = _iso(source.published_on)
    return data


def news_article(
    article: Article,
    *,
    published_at: dt.datetime | None,
    modified_at: dt.datetime | None,
    entities: list,
    sources: list[Source],
    url: str | None = None,
    entity_path: Callable[[Any], str] | None = None,
) -> dict[str, Any]:
    """NewsArticle with the properties Google requires and the entities and sources it uses.

    ``url`` (the article's absolute URL) and ``entity_path`` (an entity's page path) may be
    given by a caller that has them already; they default to ``get_absolute_url()``.
    """
    url = url or absolute_url(article.get_absolute_url())
    path = entity_path or (lambda entity: entity.get_absolute_url())
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": article.title[:110],
        "datePublished": _iso(published_at),
        "dateModified": _iso(modified_at or published_at),
        "author": [_author(article.byline)],
        "publisher": publisher(),
        "isAccessibleForFree": True,
        "inLanguage": "en",
    }
    if article.standfirst:
        data["description"] = article.standfirst
    if article.event_id:
        data["about"] = entity_reference(article.event, path=path(article.event))
    if entities:
        data["mentions"] = [entity_reference(entity, path=path(entity)) for entity in entities]
    if sources:
        data["citation"] = [source_reference(source) for source in sources]
    return data


def _appearance(article: Article) -> dict[str, Any]:
    return {
        "@type": "NewsArticle",
        "url": absolute_url(article.get_absolute_url()),
        "headline": article.title[:110],
        "datePublished": _iso(article.published_at),
        "publisher": publisher(),
    }


def claim_graph(claim: Claim, *, articles: list[Article], sources: list[Source]) -> dict[str, Any]:
    """The claim (with every published appearance) and, when it carries a verdict, our review."""
    url = absolute_url(claim.get_absolute_url())
    item: dict[str, Any] = {
        "@type": "Claim",
        "@id": f"{url}#claim",
        "url": url,
        "text": claim.text,
        "appearance": [_appearance(article) for article in articles],
    }
    if articles:
        first = min(articles, key=lambda article: article.published_at)
        item["firstAppearance"] = _appearance(first)
        item["datePublished"] = _iso(first.published_at)
    if claim.speaker_id:
        item["author"] = entity_reference(claim.speaker)
    subjects = list(claim.subjects.all())
    if subjects:
        item["about"] = [entity_reference(entity) for entity in subjects]
    if sources:
        item["citation"] = [source_reference(source) for source in sources]
    graph: list[dict[str, Any]] = [item]
    if claim.status in RATINGS:
        graph.append(
            {
                "@type": "ClaimReview",
                "@id": f"{url}#review",
                "url": url,
                "claimReviewed": claim.text,
                "itemReviewed": item,
                "author": publisher(),
                "datePublished": _iso(claim.status_changed_at or claim.updated_at),
                "reviewRating": {
                    "@type": "Rating",
                    "ratingValue": RATINGS[claim.status],
                    "bestRating": max(RATINGS.values()),
                    "worstRating": min(RATINGS.values()),
                    "alternateName": claim.get_status_display(),
                },
            }
        )
    return {"@context": CONTEXT, "@graph": graph}
