"""The API's entity list and the entity sitemap read public entities from the tallies
(``Entity.objects.public_listing()``): they must list exactly what ``public()`` allows, with
scheduled coverage hidden until its time passes, whatever way an entity is reached."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest
from django.utils import timezone

from articles.models import ArticleStatus
from entities.models import Entity
from tests.factories import (
    ArticleFactory,
    ClaimAppearanceFactory,
    ClaimFactory,
    EntityFactory,
    EventFactory,
    PersonFactory,
    PublishedArticleFactory,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/entities/"


def later():
    return timezone.now() + dt.timedelta(days=1)


def listed(anon) -> tuple[int, list[str]]:
    response = anon.get(URL, {"page_size": 200})
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    return body["count"], [item["slug"] for item in body["results"]]


def sitemap_slugs(client) -> set[str]:
    body = client.get("/sitemap-entities.xml").content.decode()
    return {entity.slug for entity in Entity.objects.all() if f"/entities/{entity.slug}/" in body}


@pytest.fixture
def coverage():
    """One entity per way of being reached, by a published article and by a scheduled one;
    and one reached by a draft only."""
    now_article, later_article = (
        PublishedArticleFactory(),
        PublishedArticleFactory(published_at=later()),
    )
    draft = ArticleFactory(status=ArticleStatus.DRAFT)
    entities = {}
    for when, article in (("now", now_article), ("later", later_article), ("draft", draft)):
        event = EventFactory(name=f"Event {when}", slug=f"event-{when}")
        article.event = event
        article.save()
        mentioned = EntityFactory(name=f"Mentioned {when}", slug=f"mentioned-{when}")
        article.mentions.add(mentioned)
        speaker = PersonFactory(name=f"Speaker {when}", slug=f"speaker-{when}")
        subject = EntityFactory(name=f"Subject {when}", slug=f"subject-{when}")
        claim = ClaimFactory(speaker=speaker)
        claim.subjects.add(subject, speaker)  # a speaker also a subject counts once
        ClaimAppearanceFactory(claim=claim, article=article)
        entities[when] = [event, mentioned, speaker, subject]
    # Reached both ways: public now, whatever is scheduled.
    both = EntityFactory(name="Both", slug="both")
    now_article.mentions.add(both)
    later_article.mentions.add(both)
    return {"now": now_article, "later": later_article, "entities": entities, "both": both}


def test_listing_holds_what_public_allows_and_nothing_scheduled(anon, client, coverage):
    """Entities of published coverage are listed and counted; those reached only by a
    scheduled article, its claims or a draft are not, in the API and the sitemap."""
    expected = sorted(
        [entity.slug for entity in coverage["entities"]["now"]] + [coverage["both"].slug]
    )
    public = set(Entity.objects.public().values_list("slug", flat=True))
    assert set(Entity.objects.public_listing().values_list("slug", flat=True)) == public
    assert sorted(public) == expected
    count, slugs = listed(anon)
    assert (count, sorted(slugs)) == (len(expected), expected)
    assert sitemap_slugs(client) == set(expected)


def test_scheduled_coverage_is_listed_once_its_time_passes(anon, coverage):
    """When the scheduled article's time comes, the entities it reaches are listed."""
    article = coverage["later"]
    article.published_at = timezone.now() - dt.timedelta(minutes=1)
    article.save()
    count, slugs = listed(anon)
    reached = coverage["entities"]["now"] + coverage["entities"]["later"]
    assert set(slugs) == {entity.slug for entity in reached} | {"both"}
    assert count == len(reached) + 1


def test_unpublishing_takes_entities_off_the_list(anon, coverage):
    """Entities reached only by an article taken back to draft leave the list, and so does
    one that a scheduled article also reaches, until that article's time."""
    coverage["now"].status = ArticleStatus.DRAFT
    coverage["now"].save()
    count, slugs = listed(anon)
    assert (count, slugs) == (0, [])
    assert not Entity.objects.public().exists()
