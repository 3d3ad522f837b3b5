"""GET /api/v1/articles/: visibility, filters, shaping."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest

from tests.factories import ClaimAppearanceFactory, ClaimFactory, PublishedArticleFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/articles/"


def slugs(response) -> list[str]:
    assert response.status_code == HTTPStatus.OK, response.content
    return [item["slug"] for item in response.json()["results"]]


def test_anonymous_clients_see_published_articles_only(anon, world):
    """Drafts are neither listed nor reachable by slug."""
    assert slugs(anon.get(URL)) == [world.article.slug]
    assert anon.get(f"{URL}draft-scoop/").status_code == HTTPStatus.NOT_FOUND


def test_scheduled_articles_stay_hidden_until_their_time(anon, world):
    """An article published for a future time is not shown yet."""
    PublishedArticleFactory(slug="tomorrow", published_at=dt.datetime(2999, 1, 1, tzinfo=dt.UTC))
    assert "tomorrow" not in slugs(anon.get(URL))


def test_staff_see_drafts_and_filter_by_status(editor_client, world):
    """Staff list every article and may narrow by workflow status."""
    assert set(slugs(editor_client.get(URL))) == {world.article.slug, "draft-scoop"}
    assert slugs(editor_client.get(URL, {"status": "draft"})) == ["draft-scoop"]


def test_status_filter_reveals_nothing_to_anonymous_clients(anon, world):
    """status=draft from an anonymous client finds nothing."""
    assert slugs(anon.get(URL, {"status": "draft"})) == []


def test_item_carries_slug_links_citations_and_claims(anon, world):
    """An article is identified by slug and lists its citations and claims in order."""
    item = anon.get(f"{URL}{world.article.slug}/").json()
    assert item["api_url"] == f"http://testserver/api/v1/articles/{world.article.slug}/"
    assert item["url"] == f"http://testserver/articles/{world.article.slug}/"
    assert item["event"] == "apec-ceo-summit-2025"
    assert item["mentions"] == ["sk-group"]
    assert item["citations"] == [
        {"number": 1, "source": world.source.pk},
        {"number": 2, "source": world.other_source.pk},
    ]
    assert item["claims"] == [world.verified.pk, world.unverified.pk]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"event": "apec-ceo-summit-2025"}, ["sk-pledges-ai-data-centre"]),
        ({"entity": "sk-group"}, ["sk-pledges-ai-data-centre"]),
        ({"entity": "chey-tae-won"}, ["sk-pledges-ai-data-centre"]),
        (
            {"published_from": "2025-10-29", "published_to": "2025-10-29"},
            ["sk-pledges-ai-data-centre"],
        ),
        ({"published_from": "2025-10-30"}, []),
        ({"q": "pledges"}, ["sk-pledges-ai-data-centre"]),
        ({"q": "nothing-like-this"}, []),
    ],
)
def test_filters(anon, world, params, expected):
    """Articles by event, by entity (event, mention or claim), by date and by words."""
    assert slugs(anon.get(URL, params)) == expected


def test_entity_filter_finds_articles_through_their_claims(anon, world):
    """An article carrying a claim by a speaker is found by that speaker's slug."""
    other = PublishedArticleFactory(slug="second-story")
    ClaimAppearanceFactory(claim=ClaimFactory(speaker=world.speaker), article=other)
    assert set(slugs(anon.get(URL, {"entity": "chey-tae-won"}))) == {
        world.article.slug,
        "second-story",
    }


def test_expand_embeds_event_mentions_sources_and_claims(anon, world):
    """expand= swaps identifiers for objects, all four at once."""
    item = anon.get(f"{URL}{world.article.slug}/", {"expand": "event,mentions,sources,claims"})
    data = item.json()
    assert data["event"]["name"] == "APEC CEO Summit 2025"
    assert data["mentions"][0]["slug"] == "sk-group"
    assert data["citations"][0]["source"]["title"] == world.source.title
    assert [c["id"] for c in data["claims"]] == [world.verified.pk, world.unverified.pk]
    assert data["claims"][0]["api_url"] == f"http://testserver/api/v1/claims/{world.verified.pk}/"


def test_ordering_by_title(anon, world):
    """ordering=title sorts alphabetically."""
    PublishedArticleFactory(slug="aardvark", title="Aardvark at the summit")
    assert slugs(anon.get(URL, {"ordering": "title"}))[0] == "aardvark"


def test_page_size_and_page(anon, world):
    """page_size and page walk numbered pages with a total count."""
    for n in range(3):
        PublishedArticleFactory(slug=f"more-{n}")
    data = anon.get(URL, {"page_size": 2, "page": 2}).json()
    assert data["count"] == 4
    assert len(data["results"]) == 2
    assert data["previous"] is not None


def _selected(queries, column: str) -> bool:
    """Whether any of ``queries`` that reads a link table (citations, appearances, mentions)
    selects ``column`` ("table"."column")."""
    links = ('"articles_citation"', '"articles_claimappearance"', '"articles_article_mentions"')
    return any(
        column in query["sql"].split(" FROM ")[0]
        for query in queries
        if any(link in query["sql"] for link in links)
    )


def test_identifiers_are_read_without_the_rows_they_name(anon, world):
    """Collapsed, the citations' sources, the claims and the mentions are ids and slugs read
    from the link rows: the list does not load every source, claim and entity column to show
    them. Expanded, the same request reads the rows it embeds."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as collapsed:
        item = anon.get(URL).json()["results"][0]
    assert item["citations"] == [
        {"number": 1, "source": world.source.pk},
        {"number": 2, "source": world.other_source.pk},
    ]
    assert item["claims"] == [world.verified.pk, world.unverified.pk]
    assert item["mentions"] == ["sk-group"]
    for column in (
        '"articles_source"."url"',
        '"articles_claim"."text"',
        '"entities_entity"."name"',
    ):
        assert not _selected(collapsed.captured_queries, column), column

    with CaptureQueriesContext(connection) as expanded:
        item = anon.get(URL, {"expand": "sources,claims,mentions"}).json()["results"][0]
    assert item["citations"][0]["source"]["id"] == world.source.pk
    assert item["claims"][0]["id"] == world.verified.pk
    assert item["mentions"][0]["slug"] == "sk-group"
    for column in (
        '"articles_source"."url"',
        '"articles_claim"."text"',
        '"entities_entity"."name"',
    ):
        assert _selected(expanded.captured_queries, column), column
