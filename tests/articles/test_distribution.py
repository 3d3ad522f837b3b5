"""RSS and Atom feeds, sitemap.xml, the Google News sitemap and robots.txt."""

import datetime as dt
import xml.etree.ElementTree as ET
from http import HTTPStatus

import feedparser
import pytest
from django.utils import timezone

from articles.models import ArticleStatus
from tests.factories import ArticleFactory, PublishedArticleFactory

pytestmark = pytest.mark.django_db

SITEMAP_NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def _feed(client, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


@pytest.mark.parametrize("url", ["/feed/rss/", "/feed/atom/"])
def test_site_feeds_parse_cleanly_with_dated_entries(client, summit, settings, url):
    """Each entry has a title, an absolute link on SITE_URL and a date."""
    settings.SITE_URL = "https://coverage.example.org"
    parsed = _feed(client, url)
    assert parsed.feed.title == "Summit Coverage: latest coverage"
    (entry,) = parsed.entries
    assert entry.title == summit.article.title
    assert entry.link == f"https://coverage.example.org{summit.article.get_absolute_url()}"
    assert entry.get("published_parsed") or entry.get("updated_parsed")
    assert entry.author == "Summit Coverage staff"


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_entity_feeds_list_the_articles_involving_it(client, summit, kind):
    """Chey Tae-won's feed holds the article where he is quoted; another entity's does not."""
    other = PublishedArticleFactory(title="Unrelated story")
    parsed = _feed(client, f"/entities/chey-tae-won/feed/{kind}/")
    assert [entry.title for entry in parsed.entries] == [summit.article.title]
    assert other.title not in [entry.title for entry in parsed.entries]
    assert parsed.feed.title == "Summit Coverage: Chey Tae-won"


def test_feeds_are_advertised_on_every_page(client, summit):
    """The site-wide feeds on every page; the entity's own feeds on its page."""
    home = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in home
    assert '<link rel="alternate" type="application/atom+xml"' in home
    entity = client.get(summit.chey.get_absolute_url()).content.decode()
    assert 'href="/entities/chey-tae-won/feed/rss/"' in entity
    assert 'href="/entities/chey-tae-won/feed/atom/"' in entity


def test_sitemap_lists_every_public_page_on_site_url(client, summit, settings):
    """Articles, claims, entities and sources, with absolute URLs on SITE_URL."""
    settings.SITE_URL = "https://coverage.example.org"
    response = client.get("/sitemap.xml")
    assert response.status_code == HTTPStatus.OK
    root = ET.fromstring(response.content)
    locations = {loc.text for loc in root.findall("s:url/s:loc", SITEMAP_NS)}
    base = "https://coverage.example.org"
    for obj in (summit.article, summit.claims["budget"], summit.sk_group, summit.source):
        assert f"{base}{obj.get_absolute_url()}" in locations
    assert f"{base}/claims/" in locations
    assert all(location.startswith(base) for location in locations)


def test_news_sitemap_holds_only_articles_of_the_last_two_days(client, summit):
    """A three-day-old article is left out; titles and dates are given for the rest."""
    old = PublishedArticleFactory(
        title="Old story", published_at=timezone.now() - dt.timedelta(days=3)
    )
    ArticleFactory(title="Draft story", status=ArticleStatus.DRAFT)
    response = client.get("/news-sitemap.xml")
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    titles = [t.text for t in root.findall("s:url/news:news/news:title", SITEMAP_NS)]
    assert titles == [summit.article.title]
    assert old.title not in titles
    (name,) = root.findall("s:url/news:news/news:publication/news:name", SITEMAP_NS)
    assert name.text == "Summit Coverage"
    (date,) = root.findall("s:url/news:news/news:publication_date", SITEMAP_NS)
    assert dt.datetime.fromisoformat(date.text) == summit.article.published_at


def test_robots_txt_advertises_both_sitemaps(client, db, settings):
    """robots.txt names sitemap.xml and the news sitemap with absolute URLs."""
    settings.SITE_URL = "https://coverage.example.org"
    response = client.get("/robots.txt")
    assert response.status_code == HTTPStatus.OK
    lines = response.content.decode().splitlines()
    assert "Sitemap: https://coverage.example.org/sitemap.xml" in lines
    assert "Sitemap: https://coverage.example.org/news-sitemap.xml" in lines
    assert "Disallow: /admin/" in lines
