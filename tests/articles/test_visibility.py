"""Nothing unpublished is public: drafts, in-review, scheduled and archived articles, the claims
that appear only in them and the sources and entities known only through them stay out of every
page, listing, feed, sitemap and search result."""

import re
from http import HTTPStatus
from urllib.parse import parse_qs, urldefrag, urlsplit

import pytest
from django.urls import reverse

from tests.content import HIDDEN_WORD

pytestmark = pytest.mark.django_db

HIDDEN_KINDS = ["draft", "review", "scheduled", "archived"]
LINK = re.compile(r'(?:href|src)="([^"]+)"|<loc>([^<]+)</loc>|<link>([^<]+)</link>')


def _internal(url: str, site_url: str) -> str | None:
    url = urldefrag(url.replace("&amp;", "&"))[0]
    if url.startswith(site_url):
        url = url[len(site_url) :]
    if not url.startswith("/") or url.startswith(("//", "/admin/", "/static/", "/api/")):
        return None
    return url


def _crawl(client, start: list[str], site_url: str) -> dict[str, str]:
    """Every page reachable from ``start`` by following the site's own links."""
    seen: dict[str, str] = {}
    queue = list(start)
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, f"{url} answered {response.status_code}"
        body = response.content.decode()
        seen[url] = body
        for groups in LINK.findall(body):
            link = _internal(next(g for g in groups if g), site_url)
            if link and link not in seen:
                queue.append(link)
    return seen


def test_no_public_response_mentions_hidden_coverage(client, summit, settings):
    """Crawling every page, feed and sitemap from the home page never meets hidden content."""
    start = [
        "/",
        "/robots.txt",
        "/sitemap.xml",
        "/news-sitemap.xml",
        "/feed/rss/",
        "/feed/atom/",
        f"/search/?q={HIDDEN_WORD}",
        "/search/?q=99+billion",
        "/search/?q=secret",
        "/claims/?sort=-amount",
        "/claims/?unit=USD",
    ]
    pages = _crawl(client, start, settings.SITE_URL)
    assert len(pages) > 25  # the crawl reached article, claim, entity and source pages
    for path in (
        summit.article.get_absolute_url(),
        summit.sk_group.get_absolute_url(),
        summit.source.get_absolute_url(),
        summit.claims["investment"].get_absolute_url(),
    ):
        assert path in pages
    for url, body in pages.items():
        query = parse_qs(urlsplit(url).query).get("q", [""])[0]
        if query:
            body = body.replace(query, "")  # the search page repeats what was asked
        assert HIDDEN_WORD.lower() not in body.lower(), f"{url} leaks hidden coverage"
        assert "$99 billion" not in body, f"{url} leaks a hidden figure"


def test_explorer_filter_choices_hold_only_public_entities_and_articles(client, summit):
    """A public entity and a published article are accepted as filters; the form never
    names a hidden one (the refusal of a typed hidden slug is checked below)."""
    url = reverse("articles:claim_list")
    chosen = client.get(f"{url}?entity=sk-group&article={summit.article.slug}")
    assert 'role="alert"' not in chosen.content.decode()
    body = client.get(url).content.decode()
    for kind in HIDDEN_KINDS:
        hidden = summit.hidden[kind]
        assert f'value="{hidden["entity"].slug}"' not in body
        assert f'value="{hidden["article"].slug}"' not in body


@pytest.mark.parametrize("kind", HIDDEN_KINDS)
def test_hidden_article_claim_entity_and_source_pages_are_404(client, summit, kind):
    """Each hidden object's own URL, and its entity's feeds, answer 404."""
    hidden = summit.hidden[kind]
    slug = hidden["entity"].slug
    for url in (
        hidden["article"].get_absolute_url(),
        hidden["claim"].get_absolute_url(),
        hidden["entity"].get_absolute_url(),
        hidden["source"].get_absolute_url(),
        reverse("articles:entity_feed_rss", kwargs={"slug": slug}),
        reverse("articles:entity_feed_atom", kwargs={"slug": slug}),
    ):
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND, url


@pytest.mark.parametrize("kind", HIDDEN_KINDS)
def test_explorer_filtering_by_a_hidden_entity_or_article_shows_nothing_hidden(
    client, summit, kind
):
    """A crafted filter naming a hidden entity or article is refused, not obeyed."""
    hidden = summit.hidden[kind]
    for query in (f"entity={hidden['entity'].slug}", f"article={hidden['article'].slug}"):
        body = client.get(f"/claims/?{query}").content.decode()
        assert "Select a valid choice" in body
        assert HIDDEN_WORD not in body


def test_public_claim_page_does_not_name_the_draft_it_also_appears_in(client, summit):
    """A claim shared with a draft lists only its published appearance."""
    body = client.get(summit.claims["investment"].get_absolute_url()).content.decode()
    assert summit.article.title in body
    assert HIDDEN_WORD not in body


def test_entity_page_hides_relations_to_hidden_entities(client, summit):
    """SK Group's relation to an entity known only through a draft is not shown."""
    body = client.get(summit.sk_group.get_absolute_url()).content.decode()
    assert "Chey Tae-won" in body
    assert HIDDEN_WORD not in body


def test_scheduled_article_appears_once_its_time_passes(client, summit):
    """An embargoed article goes public on its publish time, not before."""
    import datetime as dt

    from django.utils import timezone

    article = summit.hidden["scheduled"]["article"]
    assert client.get(article.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    article.published_at = timezone.now() - dt.timedelta(minutes=1)
    article.save()
    assert client.get(article.get_absolute_url()).status_code == HTTPStatus.OK
    assert article.title in client.get("/feed/rss/").content.decode()


def test_hub_counts_ignore_hidden_coverage(client, summit):
    """Counts on the hub do not give away hidden articles or their claims."""
    from tests.factories import ArticleFactory, ClaimAppearanceFactory, PublishedArticleFactory

    elsewhere = ClaimAppearanceFactory(article=PublishedArticleFactory(event=None)).claim
    draft = ArticleFactory(event=summit.event)
    ClaimAppearanceFactory(claim=elsewhere, article=draft, position=9)
    ClaimAppearanceFactory(article=draft, position=10)
    body = client.get("/").content.decode()
    assert "1 article and 5 claims published." in body
