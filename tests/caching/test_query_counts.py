"""With the public cache on: a miss costs what the page always cost, a hit costs no query."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from articles.models import Article
from entities.models import Entity, EntityKind
from tests.api.test_query_counts import CASES, grow
from tests.articles.test_query_counts import PAGES, expected_queries

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("page", list(PAGES))
def test_public_page_miss_then_hit(anon, summit, django_assert_num_queries, page):
    """First request: the page's usual queries; second: served from the cache, none."""
    url = PAGES[page][0](summit)
    expected = expected_queries(page, summit)
    with django_assert_num_queries(expected):
        miss = anon.get(url)
    assert (miss.status_code, miss["X-Cache"]) == (HTTPStatus.OK, "miss")
    with django_assert_num_queries(0):
        hit = anon.get(url)
    assert (hit.status_code, hit["X-Cache"]) == (HTTPStatus.OK, "hit")


@pytest.mark.parametrize(("url", "anonymous", "staff"), CASES)
def test_api_miss_then_hit(
    anon, transactional_db, django_assert_num_queries, url, anonymous, staff
):
    """An anonymous API list: its usual queries once, then none (rate counting included)."""
    grow(2)
    url = url.format(
        company=Entity.objects.filter(kind=EntityKind.ORGANIZATION).first().slug,
        article=Article.objects.first().slug,
    )
    with django_assert_num_queries(anonymous):
        assert anon.get(url)["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        hit = anon.get(url)
    assert (hit.status_code, hit["X-Cache"]) == (HTTPStatus.OK, "hit")
