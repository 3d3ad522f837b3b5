"""Every public page runs a fixed number of queries, however many claims and entities exist."""

import re
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Claim
from tests.content import build_summit
from tests.factories import (
    CitationFactory,
    ClaimAppearanceFactory,
    CorrectionNoteFactory,
    PublishedArticleFactory,
    SourceFactory,
)
from tests.plan_setting import plan_statements

pytestmark = pytest.mark.django_db

# Page → (URL builder, queries). Each is checked with 0 and with 30 extra claims (enough for two
# explorer pages), each bringing a new entity, so a count that grows with the data fails a run.
PAGES = {
    # The chart units' sizes; the most-cited ranking; the busiest event, then it with its
    # counts; latest articles; the figures charted; the ten most cited (articles/presenters.py).
    # And ``plan_statements()``: the last five run on their generic plans (GENERIC_PLANS).
    "home": (lambda c: "/", 7),
    # The article with the change-log check, then its claims with their speakers, and the
    # sources and entities it links to (see articles/presenters.py).
    "article": (lambda c: c.article.get_absolute_url(), 3),
    "claim": (lambda c: c.claims["investment"].get_absolute_url(), 5),
    # The entity (public, with the site's highest claim id), aliases, status counts,
    # relations, articles, one page of claims and its two prefetches (subjects,
    # appearances), then the charted figures: see FEWER_ON_ONE_PAGE; and ``plan_statements()``
    # (GENERIC_PLANS).
    "entity (subject)": (lambda c: c.sk_group.get_absolute_url(), 9),
    "entity (speaker)": (lambda c: c.chey.get_absolute_url(), 9),
    "source": (lambda c: c.source.get_absolute_url(), 5),
    # Count, page of claims, its subjects and appearances, the unit choices (the units, then
    # which have a published claim); the entity and article are typed, not listed: filtering
    # adds a check of each.
    "claims explorer": (lambda c: "/claims/", 6),
    "claims explorer, filtered and sorted": (
        lambda c: (
            f"/claims/?entity=sk-group&kind=figure&unit=USD&sort=-amount&article={c.article.slug}"
        ),
        8,
    ),
    "claims explorer, page 2": (lambda c: "/claims/?page=2", 6),
    # The status summary (one aggregate), the page's rows (its ids a subquery), their
    # subjects and appearances; the page count comes from the summary.
    "pledge tracker": (lambda c: "/pledges/", 4),
    # On PostgreSQL the candidates' ids come first (articles: the walk's floor too), and a
    # second look when the newest-first walk finds fewer than 100 claims, as it does here.
    "search": (lambda c: "/search/?q=billion", 9 if connection.vendor == "postgresql" else 5),
    "RSS feed": (lambda c: "/feed/rss/", 1),
    "Atom feed": (lambda c: "/feed/atom/", 1),
    "entity RSS feed": (lambda c: "/entities/sk-group/feed/rss/", 2),
    # The index: each of the four sections' size and newest change, in one query a section,
    # the entities' and sources' held-back ids first (``public_listing()``).
    "sitemap.xml": (lambda c: "/sitemap.xml", 6),
    # A section's page: its slice of items, never a count of the section.
    "sitemap, claims": (lambda c: "/sitemap-claims.xml", 1),
    "sitemap, entities": (lambda c: "/sitemap-entities.xml", 2),
    "sitemap, pages": (lambda c: "/sitemap-pages.xml", 0),
    "Google News sitemap": (lambda c: "/news-sitemap.xml", 1),
}


# What shows that a page did read the extra claims (the explorer lists the newest 25 of 35).
SHOWS_EXTRA_CLAIMS = {
    "article": "Partner company 29",
    "entity (subject)": "Partner company 29",
    "claims explorer": "35 claims, page 1 of 2",
}

# Pages whose statements run on their generic plans (``coverage_site.query_plans``).
GENERIC_PLANS = {"home", "entity (subject)", "entity (speaker)"}

# Pages that skip one query when all of the entity's claims are on its first page: the
# figures charted are among them (entities/views.py ``_chart_figures``).
FEWER_ON_ONE_PAGE = {"entity (subject)": lambda c: c.sk_group, "entity (speaker)": lambda c: c.chey}


def expected_queries(page: str, content) -> int:
    """The query count ``PAGES`` gives, less the chart's when the page lists every claim."""
    from entities.views import CLAIMS_PER_PAGE

    expected = PAGES[page][1] + (plan_statements() if page in GENERIC_PLANS else 0)
    if page in FEWER_ON_ONE_PAGE:
        entity = FEWER_ON_ONE_PAGE[page](content)
        if Claim.objects.published().involving(entity).count() <= CLAIMS_PER_PAGE:
            expected -= 1
    return expected


@pytest.mark.parametrize("extra_claims", [0, 30])
@pytest.mark.parametrize("page", list(PAGES))
def test_query_count_is_fixed(client, django_assert_num_queries, page, extra_claims):
    """The page's query count is the same with 5 claims as with 35."""
    content = build_summit(extra_claims=extra_claims)
    url = PAGES[page][0]
    expected = expected_queries(page, content)
    with django_assert_num_queries(expected):
        response = client.get(url(content))
    assert response.status_code == HTTPStatus.OK
    if extra_claims and page in SHOWS_EXTRA_CLAIMS:
        assert SHOWS_EXTRA_CLAIMS[page] in response.content.decode()


@pytest.mark.parametrize("changed", [1, 4])
def test_article_changed_after_publication_reads_each_history_once(
    client, django_assert_num_queries, changed
):
    """Once something changed after publication: one query for the first publication, one
    for corrections and one per history with a change (the citations' also one for their
    sources' titles), however many records there are."""
    content = build_summit()
    for claim in list(content.claims.values())[:changed]:
        claim.status = "false"
        claim.save()
    for number in range(3, 3 + changed):
        CitationFactory(article=content.article, number=number, source=SourceFactory())
    content.source.publisher = "Corrected publisher"
    content.source.save()
    content.article.title = "A corrected headline"
    content.article.save()
    for _ in range(changed):
        CorrectionNoteFactory(article=content.article)
    with django_assert_num_queries(3 + 7):
        response = client.get(content.article.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert "Corrected publisher" in response.content.decode()


def test_article_page_sends_the_same_statements_for_every_article(client):
    """Articles with five claims and with one send the very same SQL (only parameters
    differ), so PostgreSQL prepares the page's statements once per connection instead of
    parsing and planning each article's anew."""
    summit = build_summit()
    other = PublishedArticleFactory(body="A short one.[1]", event=summit.article.event)
    CitationFactory(article=other, number=1)
    ClaimAppearanceFactory(article=other)
    # Published after it was written, as the summit's article was: no change to show.
    Article.objects.filter(pk=other.pk).update(published_at=timezone.now())
    statements = []
    for article in (summit.article, other):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(article.get_absolute_url()).status_code == HTTPStatus.OK
        statements.append([_without_values(query["sql"]) for query in captured])
    assert statements[0] == statements[1]
    assert len(statements[0]) == PAGES["article"][1]


def _without_values(sql: str) -> str:
    """``sql`` less the parameter values Django's capture writes into its copy of the
    statement (quoted strings and numbers): what the database is sent."""
    return re.sub(r"'[^']*'(::\w+)?|\b\d+\b", "?", sql)
