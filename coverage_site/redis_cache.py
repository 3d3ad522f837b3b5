"""Django's Redis cache backend, with one Redis client per connection pool instead of one per
operation.

``django.core.cache.backends.redis.RedisCacheClient.get_client`` builds a new ``redis.Redis``
for every cache call, and ``Redis.__init__`` builds its table of ~160 response callbacks each
time (upper-casing every command name): about a third of what a public-cache hit costs
(``coverage_site/public_cache.py``), which does nothing else but one ``get_many``. A client
holds no state of its own beyond its pool's connections and is safe to share between threads,
so each pool's client is built once. ``CACHE_URL=redis://…`` selects this backend
(``settings._cache_config``); everything else is Django's.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    """Django's client, reusing one ``redis.Redis`` per connection pool."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # kept for the client's lifetime
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with ``RedisCacheClient`` above."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
