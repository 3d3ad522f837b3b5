"""The change feed at /api/v1/changes/: paging by cursor, clear errors, a fixed query count."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest
from rest_framework import serializers

from articles.models import Article, ArticleStatus
from articles.services import article_publish, article_unpublish
from sync import services
from sync.api.serializers import ChangeEventSerializer
from sync.models import ChangeEvent, DueCheck

from .conftest import article_with_claim

pytestmark = pytest.mark.django_db
FEED = "/api/v1/changes/"


def publish_articles(commit, editor, count: int) -> list:
    articles = []
    for _ in range(count):
        with commit():
            article, _claim, _source = article_with_claim()
        with commit():
            articles.append(article_publish(article=article, by=editor))
    return articles


def test_anonymous_client_reads_changes_in_order(client, commit, an_editor):
    """The feed is public and lists changes oldest first, with event names and API links."""
    (article,) = publish_articles(commit, an_editor, 1)
    response = client.get(FEED)
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert [r["event"] for r in body["results"]] == [
        "source.created",
        "claim.created",
        "article.published",
    ]
    article_item = body["results"][-1]
    assert article_item["object_id"] == article.pk
    assert article_item["data"]["title"] == article.title
    assert article_item["data"]["page"] == article.get_absolute_url()
    assert article_item["api_url"] == f"http://testserver/api/v1/articles/{article.slug}/"
    assert body["has_more"] is False
    assert body["next_cursor"] == str(article_item["id"])


def test_following_next_cursor_pages_through_everything_once(client, commit, an_editor):
    """Small pages chained by next_cursor return every event exactly once, then none."""
    publish_articles(commit, an_editor, 3)
    seen, cursor = [], "0"
    for _ in range(10):
        body = client.get(FEED, {"cursor": cursor, "limit": 2}).json()
        seen.extend(r["id"] for r in body["results"])
        cursor = body["next_cursor"]
        if not body["has_more"]:
            break
    assert seen == list(ChangeEvent.objects.order_by("id").values_list("id", flat=True))
    assert client.get(FEED, {"cursor": cursor}).json()["results"] == []


def test_tombstones_carry_id_and_time_only(client, commit, an_editor):
    """An unpublished article appears as a tombstone: id, action, time, no data."""
    (article,) = publish_articles(commit, an_editor, 1)
    with commit():
        article_unpublish(article=article, by=an_editor)
    item = client.get(FEED, {"kind": "article"}).json()["results"][-1]
    assert item["object_id"] == article.pk
    assert item["action"] == "unpublished"
    assert item["event"] == "article.unpublished"
    assert item["data"] is None and item["api_url"] is None
    assert item["occurred_at"]


@pytest.mark.parametrize("cursor", ["abc", "-1", "1.5", "12abc", "0x10", ""])
def test_malformed_cursor_is_a_400_naming_the_parameter(client, cursor):
    """A cursor that is not a previous next_cursor gets a 400 that says what to send."""
    response = client.get(FEED, {"cursor": cursor})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = response.json()
    assert list(body["errors"]) == ["cursor"]
    assert body["detail"].startswith("cursor: ")


def test_cursor_past_the_latest_change_is_refused(client, commit, an_editor):
    """A cursor ahead of the feed (another server's, or made up) is refused, not silently empty."""
    publish_articles(commit, an_editor, 1)
    response = client.get(FEED, {"cursor": 10_000})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "past the latest change" in response.json()["errors"]["cursor"][0]


@pytest.mark.parametrize(
    ("name", "value"),
    [("limit", "0"), ("limit", "many"), ("limit", ""), ("kind", "poll"), ("kind", "")],
)
def test_bad_limit_or_kind_is_a_400_naming_it(client, name, value):
    """Out-of-range limits and unknown kinds are named in the error."""
    response = client.get(FEED, {name: value})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["errors"]) == [name]


def test_kind_filter_still_advances_the_cursor(client, commit, an_editor):
    """Filtering by kind returns only that kind, and next_cursor moves past the rest."""
    publish_articles(commit, an_editor, 2)
    body = client.get(FEED, {"kind": "claim"}).json()
    assert {r["kind"] for r in body["results"]} == {"claim"}
    assert body["next_cursor"] == str(ChangeEvent.objects.latest("id").pk)


def test_scheduled_article_appears_once_its_time_passes(client, commit, an_editor, clock):
    """Reading the feed announces scheduled articles whose time has come (no worker needed)."""
    with commit():
        article, _claim, _source = article_with_claim()
    with commit():
        article_publish(article=article, by=an_editor, at=clock.now + dt.timedelta(minutes=30))
    assert client.get(FEED).json()["results"] == []
    clock.advance(minutes=31)
    events = [r["event"] for r in client.get(FEED).json()["results"]]
    assert events == ["source.created", "claim.created", "article.published"]


@pytest.mark.parametrize("articles", [1, 6])
def test_feed_query_count_does_not_grow_with_the_page(
    client, commit, an_editor, django_assert_num_queries, articles
):
    """Catch-up check, latest id, one page: three queries for 3 or 18 events."""
    publish_articles(commit, an_editor, articles)
    with django_assert_num_queries(3):
        response = client.get(FEED, {"limit": 500})
    assert len(response.json()["results"]) == 3 * articles


def test_catch_up_after_a_bulk_load_announces_a_few_per_read(client, commit, clock, monkeypatch):
    """Articles published without signals (a bulk load) are announced a bounded number per
    read, oldest first; ``has_more`` says to read again, and following it announces them all."""
    monkeypatch.setattr(services, "CATCH_UP_LIMIT", 2)
    with commit():
        ids = [article_with_claim()[0].pk for _ in range(5)]
    published_at = clock.now - dt.timedelta(minutes=1)
    Article.objects.filter(pk__in=ids).update(
        status=ArticleStatus.PUBLISHED, published_at=published_at
    )

    body = client.get(FEED).json()
    assert [r["object_id"] for r in body["results"] if r["kind"] == "article"] == ids[:2]
    assert body["has_more"] is True
    # The next look still starts before the articles left for later.
    assert DueCheck.objects.get().look_after < published_at
    announced, cursor = [], "0"
    for _ in range(10):
        body = client.get(FEED, {"cursor": cursor}).json()
        announced += [r["object_id"] for r in body["results"] if r["kind"] == "article"]
        cursor = body["next_cursor"]
        if not body["has_more"]:
            break
    assert announced == ids
    assert ChangeEvent.objects.filter(kind="article").count() == len(ids)


def test_feed_items_equal_the_generic_serializer_output(client, commit, an_editor, rf):
    """The hand-built item equals DRF's field-by-field representation, tombstones included."""
    (article,) = publish_articles(commit, an_editor, 1)
    with commit():
        article_unpublish(article=article, by=an_editor)
    request = rf.get(FEED, secure=True)
    for event in ChangeEvent.objects.order_by("id"):
        fast = ChangeEventSerializer(event, context={"request": request}).data
        generic = serializers.ModelSerializer.to_representation(
            ChangeEventSerializer(context={"request": request}), event
        )
        assert dict(fast) == dict(generic)
    assert ChangeEvent.objects.filter(payload__isnull=True).exists()
