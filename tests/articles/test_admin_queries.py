"""The admin's lists cost the same number of queries however many rows they show."""

import pytest
from django.urls import reverse

from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimAppearanceFactory,
    ClaimSourceFactory,
    EventFactory,
    FigureClaimFactory,
    PersonFactory,
    SourceFactory,
    editor,
    fact_checker,
)

pytestmark = pytest.mark.django_db

# Four for session, user and permissions (user's and groups'), then the page's own: filter
# choices, counts and the one query for the rows (counts are annotated, relations joined).
ARTICLE_CHANGELIST_QUERIES = 10
CLAIM_CHANGELIST_QUERIES = 7  # the entity, speaker and article filters are search boxes
SOURCE_CHANGELIST_QUERIES = 11
ENTITY_CHANGELIST_QUERIES = 7


def _coverage(size: int) -> None:
    event = EventFactory()
    checker = fact_checker()
    for n in range(size):
        article = ArticleFactory(event=event, body="Met.[1]")
        CitationFactory(article=article, number=1)
        figure = FigureClaimFactory(speaker=PersonFactory(), status_changed_by=checker)
        claim = ClaimSourceFactory(claim=figure).claim
        claim.subjects.add(event)
        ClaimAppearanceFactory(article=article, claim=claim, position=n + 1)
        ClaimAppearanceFactory(article=article)
    SourceFactory()


@pytest.fixture
def as_editor(client):
    client.force_login(editor())
    client.get(reverse("admin:index"))  # warm the content-type cache, as a running site has
    return client


@pytest.mark.parametrize("size", [3, 12])
@pytest.mark.parametrize(
    ("url_name", "expected"),
    [
        ("admin:articles_article_changelist", ARTICLE_CHANGELIST_QUERIES),
        ("admin:articles_claim_changelist", CLAIM_CHANGELIST_QUERIES),
        ("admin:articles_source_changelist", SOURCE_CHANGELIST_QUERIES),
        ("admin:entities_entity_changelist", ENTITY_CHANGELIST_QUERIES),
    ],
)
def test_changelist_query_count_does_not_grow(
    as_editor, django_assert_num_queries, size, url_name, expected
):
    """The query count is pinned at two data sizes (N+1-free)."""
    _coverage(size)
    with django_assert_num_queries(expected):
        response = as_editor.get(reverse(url_name))
    assert len(response.context["cl"].result_list) >= size
