"""The API's source list and the source sitemap read public sources from the source tally
(``Source.objects.public_listing()``): they must list exactly what ``public()`` allows, with
the sources of scheduled coverage hidden until its time passes."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest
from django.utils import timezone

from articles.models import ArticleStatus, Source
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimAppearanceFactory,
    ClaimFactory,
    ClaimSourceFactory,
    PublishedArticleFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/sources/"


def listed(anon) -> tuple[int, list[str]]:
    response = anon.get(URL, {"page_size": 200})
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    return body["count"], sorted(item["title"] for item in body["results"])


def sitemap_titles(client) -> list[str]:
    body = client.get("/sitemap-sources.xml").content.decode()
    return sorted(s.title for s in Source.objects.all() if f"/sources/{s.pk}/" in body)


@pytest.fixture
def coverage():
    """Per article (published, scheduled, draft): a cited source and a source backing one of
    its claims; and a source cited by both the published and the scheduled article."""
    articles = {
        "now": PublishedArticleFactory(),
        "later": PublishedArticleFactory(published_at=timezone.now() + dt.timedelta(days=1)),
        "draft": ArticleFactory(status=ArticleStatus.DRAFT),
    }
    for when, article in articles.items():
        CitationFactory(article=article, source=SourceFactory(title=f"Cited {when}"))
        claim = ClaimFactory()
        ClaimSourceFactory(claim=claim, source=SourceFactory(title=f"Backing {when}"))
        ClaimAppearanceFactory(claim=claim, article=article)
    both = SourceFactory(title="Both")
    CitationFactory(article=articles["now"], source=both)
    CitationFactory(article=articles["later"], source=both)
    return articles


def test_listing_holds_what_public_allows_and_nothing_scheduled(anon, client, coverage):
    """Sources of published coverage are listed and counted; those of a scheduled article,
    its claims or a draft only are not, in the API and the sitemap."""
    expected = ["Backing now", "Both", "Cited now"]
    public = sorted(Source.objects.public().values_list("title", flat=True))
    assert sorted(Source.objects.public_listing().values_list("title", flat=True)) == public
    assert public == expected
    assert listed(anon) == (3, expected)
    assert sitemap_titles(client) == expected


def test_scheduled_sources_are_listed_once_their_time_passes(anon, coverage):
    """When the scheduled article's time comes, its sources and its claims' are listed."""
    article = coverage["later"]
    article.published_at = timezone.now() - dt.timedelta(minutes=1)
    article.save()
    expected = ["Backing later", "Backing now", "Both", "Cited later", "Cited now"]
    assert listed(anon) == (5, expected)


def test_unpublishing_takes_sources_off_the_list(anon, coverage):
    """Sources only the unpublished article reached leave the list, and so does one that
    the scheduled article also cites, until that article's time."""
    coverage["now"].status = ArticleStatus.DRAFT
    coverage["now"].save()
    assert listed(anon) == (0, [])
    assert not Source.objects.public().exists()
