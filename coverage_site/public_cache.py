"""The public cache: whole responses for readers, kept in the default cache (Redis in production).

Cached: GET and HEAD of the public pages (the ``articles`` and ``entities`` URL namespaces:
home, articles, claims, entities, sources, the explorer, pledges, search, feeds, sitemaps) and of
the API (``api``), for requests that carry no credentials: no session or messages cookie, no
``Authorization`` header. Only complete 200 responses without cookies, not marked private or
no-store, are stored, with their headers (the ETag of ``ConditionalGetMiddleware`` included, so a
hit answers ``If-None-Match`` with a 304 too). The admin, ``/healthz``, the API docs and schema,
views marked ``public_cache = False`` (webhooks) and every request with credentials bypass the
cache both ways; so does a request made inside a transaction holding uncommitted content writes.
Nothing a signed-in user was served is ever stored.

Keys hold the content generation (``articles/caching.py`` decides when it changes), the URL
and, for the API, the ``Accept`` header (it can choose CSV). Lifetimes are bounded by
``PUBLIC_CACHE_SECONDS`` (0 turns the cache off). Anonymous API hits still count against the
rate limits; over them, the request goes to the view, which answers 429.

Two middleware classes, as with Django's own cache middleware: ``PublicCacheStoreMiddleware``
first in ``MIDDLEWARE``, so it stores what every other middleware has finished (security
headers, CSP, ETag), and ``PublicCacheFetchMiddleware`` right after the security, static-file
and conditional-GET middleware. A hit therefore still gets the HTTPS redirect, host checks and
304s, but skips sessions, CSRF, authentication and the view: what it answers with was stored
with every header those added. It resolves the URL itself to know the namespace and the view.

A hit costs one cache round trip: the generation record and the entry are read together, and
an entry stored under an older generation is a miss (and is overwritten when stored again).
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import cc_delim_re, patch_cache_control

from articles.caching import cached_with_generation, has_pending_changes

logger = logging.getLogger(__name__)

PUBLIC_NAMESPACES = frozenset({"articles", "entities", "api"})
# Request headers a stored response may vary on: the credentials ones never reach the cache,
# and Accept is part of API keys.
VARY_ALLOWED = {"articles": set(), "entities": set(), "api": {"accept"}}
CREDENTIAL_HEADERS = {"authorization", "cookie"}


def _has_credentials(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME in cookies
        or CookieStorage.cookie_name in cookies
        or "HTTP_AUTHORIZATION" in request.META
    )


def _key(request: HttpRequest, namespace: str) -> str:
    accept = request.META.get("HTTP_ACCEPT", "") if namespace == "api" else ""
    address = f"{request.build_absolute_uri()}\n{accept}"
    return f"public-cache:{hashlib.sha256(address.encode()).hexdigest()}"


def _opted_out(view_func) -> bool:
    """Views for signed-in accounts only say ``public_cache = False`` (e.g. webhooks)."""
    return getattr(getattr(view_func, "cls", view_func), "public_cache", True) is False


def _storable(request: HttpRequest, response: HttpResponse, namespace: str) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies:
        return False
    user = getattr(request, "user", None)  # DRF copies whoever it authenticated here
    if user is not None and user.is_authenticated:
        return False
    control = {
        d.split("=")[0].strip().lower()
        for d in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if {"private", "no-store"} & control:
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    return vary <= CREDENTIAL_HEADERS | VARY_ALLOWED[namespace]


def _throttled(request: HttpRequest, view_func) -> bool:
    """Would the API view refuse this request for its rate? (Records it when not.)"""
    view_class = getattr(view_func, "cls", None)
    if view_class is None:
        return False
    if not hasattr(request, "user"):  # a hit is answered before the authentication middleware
        request.user = AnonymousUser()  # no credentials, as _has_credentials checked
    view = view_class(**getattr(view_func, "initkwargs", {}))
    # Ask every throttle, as DRF does, so each one records the request.
    verdicts = [throttle.allow_request(request, view) for throttle in view.get_throttles()]
    return not all(verdicts)


class PublicCacheFetchMiddleware:
    """After the security and conditional-GET middleware: answers from the cache, or marks the
    request for ``PublicCacheStoreMiddleware`` to store its response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self._hit(request) or self.get_response(request)

    def _hit(self, request: HttpRequest) -> HttpResponse | None:
        if (
            settings.PUBLIC_CACHE_SECONDS <= 0
            or request.method not in ("GET", "HEAD")
            or _has_credentials(request)
        ):
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if match.namespace not in PUBLIC_NAMESPACES or _opted_out(match.func):
            return None
        if has_pending_changes():
            return None
        try:
            key = _key(request, match.namespace)
        except DisallowedHost:
            return None  # CommonMiddleware answers 400
        try:
            generation, entry = cached_with_generation(key)
        except Exception:
            logger.exception("public cache: unavailable, serving uncached")
            return None
        if entry is None or entry.get("generation") != generation:
            request._public_cache_store = (key, generation, match.namespace)
            return None
        if match.namespace == "api" and _throttled(request, match.func):
            return None  # the view answers 429 as usual
        response = HttpResponse(entry["content"], status=entry["status"], headers=entry["headers"])
        response["X-Cache"] = "hit"
        return response


class PublicCacheStoreMiddleware:
    """First in ``MIDDLEWARE``: stores the finished response of a request marked by the fetch
    middleware, and tells browsers and shared caches to revalidate public responses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        marked = getattr(request, "_public_cache_store", None)
        if marked is None:
            return response
        key, generation, namespace = marked
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_cache=True)
        if _storable(request, response, namespace):
            entry = {
                "generation": generation,
                "status": response.status_code,
                "headers": dict(response.headers.items()),
                "content": response.content,
            }
            try:
                cache.set(key, entry, timeout=settings.PUBLIC_CACHE_SECONDS)
            except Exception:
                logger.exception("public cache: could not store %s", request.path)
        response["X-Cache"] = "miss"
        return response
