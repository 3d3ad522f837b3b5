"""Rate limits per anonymous address and per user, kept in the default cache.

Rates are read on every request (not frozen at import as in DRF's classes), so settings and
tests can change them; over the limit the answer is 429 with Retry-After.

Each request is counted once: an anonymous one against its address (``anon``), a signed-in
one against its account (``user``). DRF's user throttle also counts anonymous requests by
address, a second counter (two more cache round trips per request) that with the user rate
above the anonymous one never decides anything.

On Redis (production) a request is checked and counted in one round trip, by a script that does
what DRF's ``SimpleRateThrottle`` does with a ``get`` and a ``set`` (the same sliding window of
request times; a refused request is not counted), atomically, so two workers cannot both take
the last request of an allowance. Other caches (tests, development) take DRF's own path.
"""

from __future__ import annotations

import weakref

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

# KEYS[1]: the list of request times, newest first. ARGV: now, duration (s), allowance.
# Returns {1 if allowed, requests in the window, the oldest one's time (or false)}.
_CHECK_AND_COUNT = """
local key, now = KEYS[1], tonumber(ARGV[1])
local duration, allowance = tonumber(ARGV[2]), tonumber(ARGV[3])
local oldest = redis.call('LINDEX', key, -1)
while oldest and tonumber(oldest) <= now - duration do
  redis.call('RPOP', key)
  oldest = redis.call('LINDEX', key, -1)
end
local count = redis.call('LLEN', key)
if count >= allowance then
  return {0, count, oldest}
end
redis.call('LPUSH', key, ARGV[1])
redis.call('EXPIRE', key, duration)
if count == 0 then oldest = ARGV[1] end
return {1, count + 1, oldest}
"""

# One registered script (and so one client) per cache backend.
_scripts: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _redis_script(backend):
    if not isinstance(backend, RedisCache):
        return None
    script = _scripts.get(backend)
    if script is None:
        script = _scripts[backend] = backend._cache.get_client(write=True).register_script(
            _CHECK_AND_COUNT
        )
    return script


class OneRoundTrip(SimpleRateThrottle):
    """``SimpleRateThrottle`` with the check and the count in one Redis script call."""

    def allow_request(self, request, view) -> bool:
        backend = caches["default"]  # DRF's throttles keep their counts in the default cache
        script = _redis_script(backend)
        if script is None or self.rate is None:
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        allowed, count, oldest = script(
            keys=[backend.make_and_validate_key(f"{self.key}:times")],
            args=[repr(self.now), self.duration, self.num_requests],
        )
        if allowed:
            return True
        # What DRF's wait() reads for Retry-After: how many requests are in the window and
        # when the oldest was made (last).
        self.history = [float(oldest)] * count
        return self.throttle_failure()


class AnonThrottle(OneRoundTrip, AnonRateThrottle):
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class UserThrottle(OneRoundTrip, UserRateThrottle):
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None  # anonymous clients are AnonThrottle's
        return super().get_cache_key(request, view)
