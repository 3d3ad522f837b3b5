"""Every list endpoint costs a fixed number of queries, whatever the page holds."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from articles.models import Article, CorrectionNote
from entities.models import Entity, EntityKind
from tests.factories import (
    CitationFactory,
    ClaimAppearanceFactory,
    ClaimSourceFactory,
    EntityAliasFactory,
    EntityFactory,
    EventFactory,
    FigureClaimFactory,
    PersonFactory,
    PublishedArticleFactory,
)

pytestmark = pytest.mark.django_db


def grow(n: int) -> None:
    """``n`` published articles, each fully linked: event, mentions, citations, claims with
    speakers, subjects, sources and aliases, a correction."""
    for _ in range(n):
        article = PublishedArticleFactory(event=EventFactory())
        company = EntityFactory()
        EntityAliasFactory(entity=company)
        EntityAliasFactory(entity=company)
        article.mentions.add(company, EntityFactory())
        CorrectionNote.objects.create(article=article, text="Fixed a name.")
        for number in (1, 2):
            citation = CitationFactory(article=article, number=number)
            claim = FigureClaimFactory(speaker=PersonFactory())
            claim.subjects.add(company, article.event)
            ClaimSourceFactory(claim=claim, source=citation.source)
            ClaimSourceFactory(claim=claim)
            ClaimAppearanceFactory(claim=claim, article=article, position=number)


CASES = [
    # (url, anonymous queries, staff queries)
    # Claims: the page (with its speakers), subjects, sources, appearances (each its own
    # query: together, subjects and sources were a join of every pair, dearer to run).
    ("/api/v1/claims/", 4, 7),
    ("/api/v1/claims/?expand=speaker,subjects,sources", 4, 7),
    ("/api/v1/claims/?format=csv", 4, 7),
    ("/api/v1/claims/?fields=id,text,speaker", 1, 4),
    ("/api/v1/claims/?fields=id,sources&expand=sources", 2, 5),
    ("/api/v1/claims/?entity={company}&status=unverified&q=invested", 5, 8),
    ("/api/v1/articles/", 6, 9),
    ("/api/v1/articles/?expand=event,mentions,sources,claims", 6, 9),
    ("/api/v1/articles/?fields=slug,title", 2, 5),
    # Entities: the held-back ids (anonymous only), the count, the page, the aliases.
    ("/api/v1/entities/", 4, 6),
    ("/api/v1/entities/?kind=organization&name={company}", 4, 6),
    # Sources: the held-back ids (anonymous only), the count, the page.
    ("/api/v1/sources/", 3, 5),
    ("/api/v1/sources/?article={article}", 4, 6),
]


@pytest.mark.parametrize(("url", "anonymous", "staff"), CASES)
@pytest.mark.parametrize("size", [1, 6])
def test_list_query_count_does_not_grow_with_the_page(
    django_assert_num_queries, anon, editor_client, url, anonymous, staff, size
):
    """The same number of queries for a page of 2 or of 12 claims (1 or 6 articles)."""
    grow(size)
    url = url.format(
        company=Entity.objects.filter(kind=EntityKind.ORGANIZATION).first().slug,
        article=Article.objects.first().slug,
    )
    with django_assert_num_queries(anonymous):
        assert anon.get(url).status_code == HTTPStatus.OK
    # A staff token adds three: the token lookup (with its user) and the role's permissions
    # (user and group permissions, asked once per request to decide what it may see).
    with django_assert_num_queries(staff):
        assert editor_client.get(url).status_code == HTTPStatus.OK
