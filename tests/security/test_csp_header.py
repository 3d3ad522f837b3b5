"""The Content-Security-Policy header: the settings' policy, in the order they declare it.

Stock django-csp 4.0 orders the directives by iterating a set, which changes with each process's
hash seed: two app servers sent different bytes for the same page.
"""

from __future__ import annotations

import pytest
from csp.decorators import csp_update
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, RequestFactory

from coverage_site.csp import StableCSPMiddleware


def _declared(directives: dict) -> str:
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


SETTINGS_POLICY = _declared(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"])


@pytest.mark.parametrize("url", ["/", "/search/?q=chips", "/api/v1/claims/", "/no-such-page/"])
def test_every_response_carries_the_policy_in_the_declared_order(db, url):
    response = Client().get(url, secure=True)
    assert response["Content-Security-Policy"] == SETTINGS_POLICY


def test_a_changed_policy_setting_takes_effect(db, settings):
    directives = {"default-src": ["'self'"], "img-src": ["'self'", "https://images.example"]}
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": directives}
    response = Client().get("/", secure=True)
    assert response["Content-Security-Policy"] == _declared(directives)


def test_a_view_that_widens_its_own_policy_still_gets_it():
    """django-csp's decorators keep working: such responses go through django-csp itself."""

    @csp_update({"img-src": "https://maps.example"})
    def map_view(request):
        return HttpResponse("map")

    request = RequestFactory().get("/map/")
    middleware = StableCSPMiddleware(map_view)
    middleware.process_request(request)
    policy = middleware.process_response(request, map_view(request))["Content-Security-Policy"]
    assert "img-src 'self' data: https://maps.example" in policy
    assert "script-src 'self'" in policy


def test_a_response_that_is_exempt_gets_no_policy():
    response = HttpResponse("raw")
    response._csp_exempt = True
    request = RequestFactory().get("/raw/")
    middleware = StableCSPMiddleware(lambda request: response)
    assert "Content-Security-Policy" not in middleware.process_response(request, response)
