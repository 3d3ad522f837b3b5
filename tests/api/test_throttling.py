"""Rate limits: anonymous clients per address, signed-in clients per account; 429 + Retry-After."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.cache import cache

from tests.tools import real_redis_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "5/min"},
    }


def test_anonymous_clients_get_429_with_retry_after(anon, world, low_rates):
    """The fourth anonymous request in a minute is refused, saying how long to wait."""
    for _ in range(3):
        assert anon.get("/api/v1/claims/").status_code == HTTPStatus.OK
    response = anon.get("/api/v1/claims/")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 0 < int(response["Retry-After"]) <= 60
    assert response["Content-Type"] == "application/json"
    assert "throttled" in response.json()["detail"].lower()


def test_each_address_has_its_own_allowance(anon, world, low_rates):
    """Another address is not held back by the first one's requests."""
    for _ in range(4):
        anon.get("/api/v1/entities/")
    other = anon.get("/api/v1/entities/", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == HTTPStatus.OK


def test_signed_in_clients_have_their_own_higher_allowance(anon, editor_client, world, low_rates):
    """A token client is counted per account, with the user rate."""
    for _ in range(3):
        anon.get("/api/v1/sources/")
    for _ in range(5):
        assert editor_client.get("/api/v1/sources/").status_code == HTTPStatus.OK
    response = editor_client.get("/api/v1/sources/")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Retry-After" in response


def test_writes_are_throttled_too(editor_client, world, low_rates):
    """Writes count against the same allowance."""
    for _ in range(5):
        editor_client.patch("/api/v1/articles/draft-scoop/", {"byline": "Desk"})
    response = editor_client.patch("/api/v1/articles/draft-scoop/", {"byline": "Desk"})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_anonymous_clients_are_counted_once_with_the_anonymous_rate(anon, world, settings):
    """An address is held to the anonymous allowance only, not to the user one as well."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "2/min"},
    }
    for _ in range(3):
        assert anon.get("/api/v1/claims/").status_code == HTTPStatus.OK
    assert anon.get("/api/v1/claims/").status_code == HTTPStatus.TOO_MANY_REQUESTS


@pytest.fixture
def redis_cache(settings):
    """The default cache on real Redis, as in production (``tests.tools.real_redis_cache``)."""
    real_redis_cache(settings)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def redis_commands(monkeypatch) -> list[str]:
    """The Redis commands sent, each a round trip (a pipeline would be one too)."""
    import redis

    sent: list[str] = []
    execute = redis.Redis.execute_command

    def counted(self, *args, **options):
        sent.append(str(args[0]))
        return execute(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counted)
    return sent


def test_on_redis_a_request_is_checked_and_counted_in_one_round_trip(
    anon, world, low_rates, redis_cache, redis_commands
):
    """Production's limit costs one Redis command per request and still refuses the fourth."""
    assert anon.get("/api/v1/claims/").status_code == HTTPStatus.OK  # loads the script once
    for _ in range(2):
        redis_commands.clear()
        assert anon.get("/api/v1/claims/").status_code == HTTPStatus.OK
        assert len(redis_commands) == 1, redis_commands
    response = anon.get("/api/v1/claims/")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 0 < int(response["Retry-After"]) <= 60
    assert anon.get("/api/v1/claims/", REMOTE_ADDR="10.0.0.9").status_code == HTTPStatus.OK


def test_on_redis_the_window_slides_and_refusals_are_not_counted(
    anon, world, low_rates, redis_cache, monkeypatch
):
    """As DRF counts: a refused request uses no allowance, and a request a minute old expires."""
    import rest_framework.throttling

    now = [1_000_000.0]
    monkeypatch.setattr(rest_framework.throttling.SimpleRateThrottle, "timer", lambda _: now[0])
    for step in (0, 20, 40):
        now[0] = 1_000_000.0 + step
        assert anon.get("/api/v1/claims/").status_code == HTTPStatus.OK
    for _ in range(3):  # refused, and not counted
        response = anon.get("/api/v1/claims/")
        assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    # DRF's wait: the oldest request leaves the window in 20 s, shared by one free request.
    assert response["Retry-After"] == "20"
    now[0] = 1_000_060.0  # the first request has left the window: one more is allowed
    assert anon.get("/api/v1/claims/").status_code == HTTPStatus.OK
    assert anon.get("/api/v1/claims/").status_code == HTTPStatus.TOO_MANY_REQUESTS
