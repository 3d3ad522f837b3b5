"""RSS and Atom feeds, sitemap.xml, the Google News sitemap and robots.txt."""

import datetime as dt
import xml.etree.ElementTree as ET
from http import HTTPStatus

import feedparser
import pytest
from django.utils import timezone

from articles import services
from articles.models import Article, ArticleStatus
from tests.factories import ArticleFactory, CitationFactory, PublishedArticleFactory, editor

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


def _sitemap_locations(client, url: str, path: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    assert response["Content-Type"] == "application/xml"
    return [loc.text for loc in ET.fromstring(response.content).findall(path, SITEMAP_NS)]


def _section_urls(client, section_url: str, base: str) -> list[str]:
    return _sitemap_locations(client, section_url.removeprefix(base), "s:url/s:loc")


def test_sitemap_index_lists_section_pages_on_site_url(client, summit, settings):
    """/sitemap.xml is an index of the sections, with absolute links on SITE_URL, whatever
    host was asked; together they list articles, claims, entities, sources and the hubs."""
    settings.SITE_URL = "https://coverage.example.org"
    base = "https://coverage.example.org"
    sections = _sitemap_locations(client, "/sitemap.xml", "s:sitemap/s:loc")
    assert sections == [
        f"{base}/sitemap-{name}.xml"
        for name in ("pages", "articles", "claims", "entities", "sources")
    ]
    locations = {url for section in sections for url in _section_urls(client, section, base)}
    for obj in (summit.article, summit.claims["budget"], summit.sk_group, summit.source):
        assert f"{base}{obj.get_absolute_url()}" in locations
    assert f"{base}/claims/" in locations
    assert f"{base}/pledges/" in locations
    assert all(location.startswith(base) for location in locations)


def test_a_long_section_is_split_into_pages_listed_in_the_index(client, summit, monkeypatch):
    """Past ``limit`` URLs a section continues on ?p=2, ?p=3…, each listed in the index;
    a page past the last, or not a number, is a 404."""
    from articles.sitemaps import SiteSitemap

    monkeypatch.setattr(SiteSitemap, "limit", 2)
    for _ in range(3):
        PublishedArticleFactory()
    base = "http://127.0.0.1:8000"
    published = Article.objects.published().count()
    pages = -(-published // 2)
    sections = _sitemap_locations(client, "/sitemap.xml", "s:sitemap/s:loc")
    articles = [s for s in sections if "/sitemap-articles.xml" in s]
    assert articles == [f"{base}/sitemap-articles.xml"] + [
        f"{base}/sitemap-articles.xml?p={n}" for n in range(2, pages + 1)
    ]
    listed = [url for section in articles for url in _section_urls(client, section, base)]
    assert len(listed) == len(set(listed)) == published
    for url in (f"/sitemap-articles.xml?p={pages + 1}", "/sitemap-articles.xml?p=x"):
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND, url
    assert client.get("/sitemap-nothing.xml").status_code == HTTPStatus.NOT_FOUND


def test_a_newly_published_article_appears_in_its_section(client, summit):
    """Publishing a draft adds it to the articles section, with its last change as lastmod."""
    draft = ArticleFactory(status=ArticleStatus.DRAFT, body="Leaders met.[1]")
    CitationFactory(article=draft, number=1)
    assert draft.slug not in client.get("/sitemap-articles.xml").content.decode()
    services.article_publish(article=draft, by=editor())
    response = client.get("/sitemap-articles.xml")
    draft.refresh_from_db()
    entry = f"<loc>http://127.0.0.1:8000{draft.get_absolute_url()}</loc>"
    entry += f"<lastmod>{draft.updated_at:%Y-%m-%d}</lastmod>"
    assert entry in response.content.decode()


def test_sitemap_pages_can_be_revalidated(client, summit):
    """Section pages say when they last changed and carry an ETag: a crawler gets a 304."""
    response = client.get("/sitemap-claims.xml")
    assert response.has_header("Last-Modified")
    again = client.get("/sitemap-claims.xml", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    since = client.get("/sitemap-claims.xml", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert since.status_code == HTTPStatus.NOT_MODIFIED


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
