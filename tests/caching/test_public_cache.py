"""The public cache: what it stores and serves, for whom, with which headers."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from rest_framework.authtoken.models import Token

from coverage_site.public_cache import PublicCacheStoreMiddleware

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reader_gets_the_same_page_from_the_cache(anon, summit, django_assert_num_queries):
    """The second anonymous request is a hit: no query, same body and ETag."""
    url = summit.article.get_absolute_url()
    first = anon.get(url)
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = anon.get(url)
    assert second.status_code == HTTPStatus.OK
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == first["Content-Type"]


@pytest.mark.parametrize(
    "url", ["/", "/feed/rss/", "/sitemap.xml", "/sitemap-claims.xml", "/api/v1/claims/"]
)
def test_conditional_get_is_answered_from_the_cache(anon, summit, url, django_assert_num_queries):
    """A page's ETag sent back in If-None-Match gets a 304 with no query."""
    etag = anon.get(url)["ETag"]
    assert etag
    with django_assert_num_queries(0):
        response = anon.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == HTTPStatus.NOT_MODIFIED
    assert response.content == b""


def test_public_pages_ask_to_be_revalidated(anon, summit):
    """Browsers and shared caches keep public pages but check back (a cheap 304) each time;
    the pages vary on nothing a reader sends."""
    for response in (anon.get("/"), anon.get("/")):
        assert "no-cache" in response["Cache-Control"]
        assert response.has_header("ETag")
        assert "Set-Cookie" not in response
        assert "Vary" not in response


def test_security_headers_survive_a_hit(anon, summit):
    """A cached response carries the same security headers as a fresh one."""
    fresh, cached = anon.get("/"), anon.get("/")
    assert cached["X-Cache"] == "hit"
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"):
        assert cached[header] == fresh[header]


def test_signed_in_editors_bypass_the_cache_both_ways(anon, as_editor, summit):
    """An editor's request is neither served from nor stored into the public cache."""
    url = summit.article.get_absolute_url()
    staff_first = as_editor.get(url)
    assert staff_first.status_code == HTTPStatus.OK
    assert "X-Cache" not in staff_first
    assert anon.get(url)["X-Cache"] == "miss"  # the editor's page was not stored
    assert anon.get(url)["X-Cache"] == "hit"
    assert "X-Cache" not in as_editor.get(url)  # and the stored page is not served to them


def test_api_clients_with_a_token_bypass_the_cache(anon, summit, editor_user):
    """A token request to the API sees drafts; it never gets or leaves a cached answer."""
    token = Token.objects.create(user=editor_user).key
    anonymous = anon.get("/api/v1/articles/")
    assert anon.get("/api/v1/articles/")["X-Cache"] == "hit"
    staff = anon.get("/api/v1/articles/", HTTP_AUTHORIZATION=f"Token {token}")
    assert "X-Cache" not in staff
    assert len(staff.json()["results"]) > len(anonymous.json()["results"])
    assert "private" in staff["Cache-Control"]
    assert "Authorization" in anonymous["Vary"]


def test_the_admin_and_health_check_are_never_cached(anon, summit):
    """Only public pages and the API go through the cache."""
    for url in ("/admin/login/", "/healthz", "/api/schema/"):
        anon.get(url)
        assert "X-Cache" not in anon.get(url)


def test_api_formats_are_cached_apart(anon, summit):
    """CSV chosen by Accept and JSON are separate entries, and the API says it varies on it."""
    csv = anon.get("/api/v1/claims/", HTTP_ACCEPT="text/csv")
    json_ = anon.get("/api/v1/claims/", HTTP_ACCEPT="application/json")
    assert csv["Content-Type"].startswith("text/csv")
    assert json_["Content-Type"] == "application/json"
    assert anon.get("/api/v1/claims/", HTTP_ACCEPT="text/csv")["Content-Type"].startswith("text/")
    assert "Accept" in json_["Vary"]


def test_rate_limits_still_apply_to_cached_api_answers(anon, summit, settings):
    """Cached API answers count against the anonymous rate; beyond it, 429 as usual."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "50/min"},
    }
    statuses = [anon.get("/api/v1/entities/") for _ in range(4)]
    assert [r.status_code for r in statuses[:3]] == [HTTPStatus.OK] * 3
    assert statuses[1]["X-Cache"] == "hit"
    assert statuses[3].status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Retry-After" in statuses[3]


def test_responses_setting_cookies_or_private_are_not_stored(summit):
    """A response with Set-Cookie, or marked private, is passed on but never stored."""
    for mark in ("cookie", "private"):
        request = RequestFactory().get("/")
        request._public_cache_store = (f"k-{mark}", "generation", "articles")
        response = HttpResponse("page")
        if mark == "cookie":
            response.set_cookie("csrftoken", "x")
        else:
            response["Cache-Control"] = "private"
        assert PublicCacheStoreMiddleware(lambda r, resp=response: resp)(request) is response
        assert cache.get(f"k-{mark}") is None


def test_a_transaction_with_unsaved_content_does_not_use_the_cache(anon, summit):
    """Inside a transaction that wrote content, pages are rendered, never cached or served."""
    anon.get("/")
    with transaction.atomic():
        summit.article.title = "Uncommitted headline"
        summit.article.save()
        inside = anon.get("/")
        assert "X-Cache" not in inside
        assert "Uncommitted headline" in inside.content.decode()
        transaction.set_rollback(True)
    after = anon.get("/")
    assert "Uncommitted headline" not in after.content.decode()
    assert after["X-Cache"] == "hit"  # a rolled-back write does not empty the cache


def test_cache_off_with_zero_lifetime(anon, summit, settings):
    """PUBLIC_CACHE_SECONDS=0 turns the cache off."""
    settings.PUBLIC_CACHE_SECONDS = 0
    anon.get("/")
    assert "X-Cache" not in anon.get("/")


def test_a_cached_page_still_gets_the_https_redirect_and_host_check(summit, settings):
    """A hit is answered after the security middleware: plain HTTP is still redirected to
    HTTPS and an unknown Host still refused, even for a page in the cache."""
    settings.SECURE_SSL_REDIRECT = True
    url = summit.article.get_absolute_url()
    reader = Client()
    assert reader.get(url, secure=True)["X-Cache"] == "miss"
    assert reader.get(url, secure=True)["X-Cache"] == "hit"
    plain = reader.get(url)
    assert plain.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert plain["Location"] == f"https://testserver{url}"
    assert reader.get(url, secure=True, HTTP_HOST="evil.example").status_code == 400


def test_a_hit_carries_the_headers_the_skipped_middleware_added(anon, summit):
    """Hits skip sessions, CSRF and the view, but keep every header the first answer had."""
    url = summit.article.get_absolute_url()
    first = anon.get(url)
    hit = anon.get(url)
    assert hit["X-Cache"] == "hit"
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"):
        assert hit[header] == first[header]
    assert not hit.cookies
