"""A reader never sees a stale page: every editorial write empties the public cache on commit.

Each test first fills the cache through anonymous requests (and checks it is filled), then
changes content the way editors do (services, admin forms, the importer), then reads again.
"""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus
from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from articles import caching, services
from articles.importer import import_report
from articles.models import ArticleStatus
from tests.admin_forms import submit
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    CorrectionNoteFactory,
    EntityAliasFactory,
    EntityFactory,
    EntityRelationFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

TOKYO = Path(__file__).resolve().parents[1] / "articles" / "reports" / "tokyo-forum.txt"


def _cached(client, *urls: str) -> dict[str, str]:
    """GET each URL twice; the second must be a hit. Returns the cached bodies."""
    bodies = {}
    for url in urls:
        client.get(url)
        response = client.get(url)
        assert response["X-Cache"] == "hit", url
        bodies[url] = response.content.decode()
    return bodies


def _fresh(client, url: str):
    response = client.get(url)
    assert response.get("X-Cache") == "miss", url
    return response


def _draft(title: str = "Seoul hosts the AI safety forum"):
    article = ArticleFactory(title=title, slug="ai-safety-forum", body="Leaders met.[1]")
    CitationFactory(article=article, number=1)
    return article


def test_publishing_shows_the_article_everywhere_at_once(anon, summit, editor_user):
    """After a publish, the home page, feed, sitemap, API list and the page itself show it."""
    article = _draft()
    lists = ["/", "/feed/rss/", "/feed/atom/", "/sitemap-articles.xml", "/api/v1/articles/"]
    for url, body in _cached(anon, *lists).items():
        assert article.slug not in body, url
    assert anon.get(article.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    services.article_publish(article=article, by=editor_user)
    for url in lists:
        assert article.slug in _fresh(anon, url).content.decode(), url
    assert _fresh(anon, article.get_absolute_url()).status_code == HTTPStatus.OK
    api = _fresh(anon, f"/api/v1/articles/{article.slug}/")
    assert api.json()["title"] == article.title


def test_publishing_in_the_admin_shows_the_article(anon, as_editor, summit):
    """The admin's workflow button, then an anonymous reader: the new article is there."""
    article = _draft()
    assert article.title not in _cached(anon, "/")["/"]
    url = reverse("admin:articles_article_transition", args=[article.pk])
    as_editor.post(url, {"to_status": ArticleStatus.PUBLISHED})
    assert article.title in _fresh(anon, "/").content.decode()


def test_an_admin_edit_shows_at_once(anon, as_editor, summit):
    """A headline edited in the admin change form replaces the cached page."""
    url = summit.article.get_absolute_url()
    _cached(anon, url, "/api/v1/articles/")
    change = reverse("admin:articles_article_change", args=[summit.article.pk])
    saved = submit(as_editor, change, "article_form", title="Korea bids to be Asia's AI hub")
    assert saved.status_code == HTTPStatus.FOUND
    assert "Korea bids to be Asia&#x27;s AI hub" in _fresh(anon, url).content.decode()
    assert "Korea bids" in _fresh(anon, "/api/v1/articles/").content.decode()


def test_unpublishing_takes_the_page_down_at_once(anon, summit, editor_user):
    """An unpublished article is a 404 on the next request, and gone from the lists."""
    url = summit.article.get_absolute_url()
    _cached(anon, url, "/", "/api/v1/claims/")
    services.article_unpublish(article=summit.article, by=editor_user)
    assert _fresh(anon, url).status_code == HTTPStatus.NOT_FOUND
    assert summit.article.title not in _fresh(anon, "/").content.decode()
    assert _fresh(anon, "/api/v1/claims/").json()["results"] == []


def test_a_verdict_shows_on_the_claim_page_and_api(anon, summit, editor_user):
    """A fact-check verdict replaces the cached claim page and API item."""
    claim = summit.claims["stargate"]
    urls = [claim.get_absolute_url(), f"/api/v1/claims/{claim.pk}/"]
    _cached(anon, *urls)
    services.claim_set_status(
        claim=claim,
        status="false",
        note="No such figure.",
        correction="Verdict changed.",
        by=editor_user,
    )
    assert "No such figure." in _fresh(anon, urls[0]).content.decode()
    assert _fresh(anon, urls[1]).json()["status"] == "false"


@pytest.mark.parametrize(
    "change",
    ["correction", "alias", "relation", "entity rename", "source title", "mention", "source link"],
)
def test_every_kind_of_content_write_refreshes_pages(anon, summit, change):
    """Corrections, aliases, relations, entities, sources and links all count as content."""
    article_url, entity_url = summit.article.get_absolute_url(), summit.sk_group.get_absolute_url()
    source_url = summit.source.get_absolute_url()
    _cached(anon, article_url, entity_url, source_url)
    if change == "correction":
        CorrectionNoteFactory(article=summit.article, text="We misnamed the port city.")
        url, expected = article_url, "We misnamed the port city."
    elif change == "alias":
        EntityAliasFactory(entity=summit.sk_group, name="SK Holdings")
        url, expected = entity_url, "SK Holdings"
    elif change == "relation":
        EntityRelationFactory(
            subject=summit.sk_group, kind="partner_of", object=summit.aws, source=summit.source
        )
        url, expected = entity_url, "partner of"
    elif change == "entity rename":
        summit.sk_group.name = "SK Inc."
        summit.sk_group.save()
        url, expected = article_url, "SK Inc."
    elif change == "source title":
        summit.source.title = "Korea JoongAng Daily: the full report"
        summit.source.save()
        url, expected = source_url, "the full report"
    elif change == "mention":
        newcomer = EntityFactory(name="Naver Cloud", slug="naver-cloud")
        summit.article.mentions.add(newcomer)
        url, expected = article_url, "Naver Cloud"
    else:  # .add() through ClaimSource sends m2m_changed, not post_save
        claim = summit.claims["investment"]
        url = claim.get_absolute_url()
        _cached(anon, url)
        claim.sources.add(SourceFactory(title="Ulsan city press release"))
        expected = "Ulsan city press release"
    assert expected in _fresh(anon, url).content.decode()


def test_the_change_feed_shows_a_publish_at_once(anon, summit, editor_user):
    """The feed's events are written after the edit commits; the cached feed still updates."""
    article = _draft()
    feed = _cached(anon, "/api/v1/changes/?limit=200")["/api/v1/changes/?limit=200"]
    assert f'"/articles/{article.slug}/"' not in feed
    services.article_publish(article=article, by=editor_user)
    fresh = _fresh(anon, "/api/v1/changes/?limit=200").json()["results"]
    assert any(
        event["kind"] == "article" and event["data"] and event["data"]["slug"] == article.slug
        for event in fresh
    )


def test_merging_entities_refreshes_their_pages(anon, summit, editor_user):
    """After a merge the duplicate's cached page is gone (its address redirects to the kept
    page) and the kept one shows its alias."""
    duplicate = EntityFactory(name="SK Grp", slug="sk-grp")
    summit.article.mentions.add(duplicate)
    _cached(anon, duplicate.get_absolute_url(), summit.sk_group.get_absolute_url())
    services.entity_merge(keep=summit.sk_group, drop=duplicate, by=editor_user)
    moved = _fresh(anon, "/entities/sk-grp/")
    assert moved.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert moved["Location"] == summit.sk_group.get_absolute_url()
    assert "SK Grp" in _fresh(anon, summit.sk_group.get_absolute_url()).content.decode()


def test_an_import_shows_its_article(anon, summit):
    """Importing and publishing a report (bulk writes included) refreshes the site."""
    assert "Tokyo AI Infrastructure Forum" not in _cached(anon, "/")["/"]
    result = import_report(text=TOKYO.read_text(), status=ArticleStatus.PUBLISHED)
    assert "Tokyo AI Infrastructure Forum" in _fresh(anon, "/").content.decode()
    assert _fresh(anon, result.article.get_absolute_url()).status_code == HTTPStatus.OK


def test_a_scheduled_article_appears_when_its_time_comes(anon, summit, editor_user):
    """No write happens at the publish time; the next request still shows the article."""
    article = _draft()
    services.article_publish(
        article=article, by=editor_user, at=timezone.now() + dt.timedelta(hours=1)
    )
    assert article.title not in _cached(anon, "/")["/"]
    assert anon.get(article.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    later = timezone.now() + dt.timedelta(hours=1, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert article.title in _fresh(anon, "/").content.decode()
        assert _fresh(anon, article.get_absolute_url()).status_code == HTTPStatus.OK
        assert anon.get("/")["X-Cache"] == "hit"


def test_quiet_periods_keep_the_cache(anon, summit):
    """With nothing due, looking again after SCHEDULE_RECHECK keeps the cached pages."""
    _cached(anon, "/")
    later = timezone.now() + caching.SCHEDULE_RECHECK + dt.timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert anon.get("/")["X-Cache"] == "hit"


def test_a_refused_publish_keeps_the_cache(anon, summit, editor_user):
    """A write that rolls back (publishing refused) does not empty the cache."""
    article = ArticleFactory(body="Uncited marker.[4]")
    _cached(anon, "/")
    with pytest.raises(services.PublishBlocked):
        services.article_publish(article=article, by=editor_user)
    assert anon.get("/")["X-Cache"] == "hit"


def test_every_content_model_invalidates():
    """Each model of the articles and entities apps is content (its writes empty the cache),
    so a new model cannot be forgotten."""
    models = [
        model
        for label in ("articles", "entities")
        for model in apps.get_app_config(label).get_models()
        if not model.__name__.startswith("Historical")
    ]
    assert {model._meta.label for model in models} == set(caching.CONTENT_MODELS)
