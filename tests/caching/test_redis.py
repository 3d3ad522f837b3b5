"""The public cache on real Redis, as in production (``CACHE_URL=redis://…``).

Uses ``TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/7``) and flushes that database. Skipped
when Redis is unreachable, except in CI (``CI=true``), where that is a failure.
"""

from __future__ import annotations

import pickle
from http import HTTPStatus

import pytest
from django.core.cache import cache

from articles import caching, services
from tests.factories import ArticleFactory, CitationFactory
from tests.tools import real_redis_cache

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_client(settings):
    client = real_redis_cache(settings)
    cache.clear()
    yield client
    cache.clear()


def test_pages_are_cached_in_redis_and_replaced_on_publish(
    anon, redis_client, summit, editor_user, django_assert_num_queries
):
    """A hit comes from Redis with no query; a publish shows on the very next request."""
    url = summit.article.get_absolute_url()
    assert anon.get(url)["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        assert anon.get(url)["X-Cache"] == "hit"
    assert anon.get("/")["X-Cache"] == "miss"
    assert anon.get("/")["X-Cache"] == "hit"
    stored = [key.decode() for key in redis_client.keys("*public-cache:*")]
    assert len(stored) >= 3  # the generation and two pages, where every app server sees them

    draft = ArticleFactory(title="Busan hosts the chip summit", slug="busan-chips", body="Met.[1]")
    CitationFactory(article=draft, number=1)
    services.article_publish(article=draft, by=editor_user)

    home = anon.get("/")
    assert home["X-Cache"] == "miss"
    assert "Busan hosts the chip summit" in home.content.decode()
    assert anon.get(draft.get_absolute_url()).status_code == HTTPStatus.OK
    assert anon.get("/api/v1/articles/busan-chips/").json()["title"] == draft.title


def test_the_generation_lives_in_redis(anon, redis_client, summit, editor_user):
    """The content generation is shared through Redis, not kept in one process."""
    anon.get("/")
    key = next(k for k in redis_client.keys("*") if k.decode().endswith(caching.GENERATION_KEY))
    before = pickle.loads(redis_client.get(key))["token"]
    services.claim_set_status(claim=summit.claims["gpus"], status="verified", by=editor_user)
    after = pickle.loads(redis_client.get(key))["token"]
    assert after != before
    assert anon.get("/")["X-Cache"] == "miss"


def test_cache_calls_share_one_redis_client(anon, redis_client, summit):
    """Hits reuse one Redis client: building one per call cost a third of a cached page."""
    url = summit.article.get_absolute_url()
    anon.get(url)
    client = cache._cache.get_client()
    assert anon.get(url)["X-Cache"] == "hit"
    assert cache._cache.get_client(write=True) is client
    cache.set("shared-client-check", 1)
    assert cache.get("shared-client-check") == 1
