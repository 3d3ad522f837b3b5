"""Recording costs a fixed number of queries: not more for a bigger article or a bigger site."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, ArticleStatus
from sync.models import ChangeEvent, PublicState
from sync.services import changes_catch_up, changes_record
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimAppearanceFactory,
    ClaimFactory,
    CorrectionNoteFactory,
    EntityAliasFactory,
    EntityFactory,
    EventFactory,
    PersonFactory,
    SourceFactory,
    WebhookEndpointFactory,
    editor,
)

pytestmark = pytest.mark.django_db


def rich_article(claims: int) -> Article:
    """A draft with ``claims`` sourced claims, each with a speaker and a subject, an event,
    mentions with aliases and a correction: every kind of link a payload follows."""
    article = ArticleFactory(event=EventFactory())
    for number in range(1, claims + 1):
        source = SourceFactory()
        CitationFactory(article=article, number=number, source=source)
        claim = ClaimFactory(speaker=PersonFactory())
        claim.sources.add(source)
        claim.subjects.add(EntityFactory())
        ClaimAppearanceFactory(claim=claim, article=article, position=number)
        mentioned = EntityFactory()
        EntityAliasFactory(entity=mentioned)
        article.mentions.add(mentioned)
    CorrectionNoteFactory(article=article)
    return article


def publish_without_signals(*articles: Article) -> None:
    """As a bulk load does: nothing is recorded until someone looks."""
    at = timezone.now() - dt.timedelta(minutes=5)
    pks = [a.pk for a in articles]
    Article.objects.filter(pk__in=pks).update(status=ArticleStatus.PUBLISHED, published_at=at)


def recording_queries(record) -> int:
    with CaptureQueriesContext(connection) as queries:
        record()
    return len(queries)


def site(articles: int) -> None:
    """Other published articles (already in the feed), to show the site's size does not count."""
    others = [rich_article(2) for _ in range(articles)]
    publish_without_signals(*others)
    changes_record(keys={("article", a.pk) for a in others})


@pytest.mark.parametrize(("claims", "others"), [(1, 0), (4, 3)])
def test_recording_an_article_costs_the_same_queries_whatever_its_size(claims, others):
    """Publishing, re-recording unchanged and editing: the same count for 1 or 4 claims (with
    their sources, speakers, subjects, mentions), beside 0 or 3 other published articles."""
    WebhookEndpointFactory(owner=editor(), events=["article.published", "claim.created"])
    site(others)
    article = rich_article(claims)
    publish_without_signals(article)
    key = {("article", article.pk)}

    published = recording_queries(lambda: changes_record(keys=key))
    unchanged = recording_queries(lambda: changes_record(keys=key))
    Article.objects.filter(pk=article.pk).update(title="A new title")
    edited = recording_queries(lambda: changes_record(keys=key))

    assert ChangeEvent.objects.filter(kind="article", object_id=article.pk).count() == 2
    assert PublicState.objects.filter(kind="claim").count() == claims + 2 * others
    # Savepoint, lock; links of the article, then of its claims (one UNION each) and the feed's
    # state of both; articles + 4 link reads, claims + 3, entities + aliases, sources; the feed's
    # state of the rest; then writes (events, endpoints, deliveries, states); release.
    assert (published, unchanged, edited) == (24, 20, 23)


@pytest.mark.parametrize("due", [1, 3])
def test_catch_up_query_count_does_not_grow_with_the_due_articles(due):
    """The feed read's catch-up records 1 or 3 due articles in the same number of queries."""
    articles = [rich_article(2) for _ in range(due)]
    publish_without_signals(*articles)
    assert (
        recording_queries(changes_catch_up) == 26
    )  # the due look, the recording, moving the look (2)
    assert ChangeEvent.objects.filter(kind="article").count() == due


@pytest.mark.parametrize("naming", [1, 4])
def test_editing_an_entity_records_it_alone_whatever_names_it(naming):
    """An entity's claims and articles hold only its id: editing its description records the
    entity in the same queries whether 1 or 4 public articles and claims name it."""
    entity = EntityFactory()
    articles = [rich_article(1) for _ in range(naming)]
    for article in articles:
        article.mentions.add(entity)
        article.appearances.get().claim.subjects.add(entity)
    publish_without_signals(*articles)
    changes_record(keys={("article", a.pk) for a in articles})
    last = ChangeEvent.objects.order_by("-pk").first().pk
    entity.description = "Renamed in the registry."
    entity.save(update_fields=["description"])

    queries = recording_queries(lambda: changes_record(keys={("entity", entity.pk)}))

    assert queries == 9
    changes = ChangeEvent.objects.filter(pk__gt=last)
    assert [(e.kind, e.object_id, e.action) for e in changes] == [("entity", entity.pk, "updated")]
