"""Rate limits per anonymous address and per user, kept in the default cache.

Rates are read on every request (not frozen at import as in DRF's classes), so settings and
tests can change them; over the limit the answer is 429 with Retry-After.

Each request is counted once: an anonymous one against its address (``anon``), a signed-in
one against its account (``user``). DRF's user throttle also counts anonymous requests by
address, a second counter (two more cache round trips per request) that with the user rate
above the anonymous one never decides anything.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class AnonThrottle(AnonRateThrottle):
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class UserThrottle(UserRateThrottle):
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None  # anonymous clients are AnonThrottle's
        return super().get_cache_key(request, view)
