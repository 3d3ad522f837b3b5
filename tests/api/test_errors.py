"""Bad input is a 400 naming the parameter; every /api/ answer is JSON, never a 500 page."""

from __future__ import annotations

import base64
from http import HTTPStatus

import pytest
from django.test import RequestFactory

from coverage_site.rest.errors import handler500

pytestmark = pytest.mark.django_db


def assert_names(response, param: str) -> None:
    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert param in body["errors"]
    assert param in body["detail"]


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/v1/claims/?colour=red", "colour"),
        ("/api/v1/claims/?page=2", "page"),  # claims page by cursor, not by number
        ("/api/v1/articles/?cursor=abc", "cursor"),
        ("/api/v1/entities/sk-group/?kind=person", "kind"),  # filters are for lists
        ("/api/v1/sources/?format=csv", "format"),  # CSV is offered for claims only
    ],
)
def test_unknown_query_parameters_are_named(anon, world, url, param):
    """A parameter the endpoint does not take is a 400, not silently ignored."""
    assert_names(anon.get(url), param)


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"amount_min": "lots"}, "amount_min"),
        ({"amount_usd_max": "1e40"}, "amount_usd_max"),
        ({"figure_date_from": "2027-13-01"}, "figure_date_from"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"updated_since": "9999-12-31T23:59:59-23:00"}, "updated_since"),
        ({"kind": "rumour"}, "kind"),
        ({"status": ""}, "status"),
        ({"source": "abc"}, "source"),
        ({"source": "99999999999999999999999"}, "source"),
        ({"entity": "bad\x00slug"}, "entity"),
        ({"q": "nul\x00byte"}, "q"),
        ({"q": "one two three four five six seven eight nine ten eleven"}, "q"),
        ({"ordering": "text"}, "ordering"),
        ({"ordering": "id,"}, "ordering"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "201"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"fields": "id,colour"}, "fields"),
        ({"fields": ""}, "fields"),
        ({"expand": "appearances"}, "expand"),
        ({"format": "xml"}, "format"),
    ],
)
def test_bad_claim_filter_values_are_named(anon, world, params, param):
    """Each bad value is refused with a message naming its parameter."""
    assert_names(anon.get("/api/v1/claims/", params), param)


@pytest.mark.parametrize(
    "cursor",
    [
        "not-base64!",
        base64.b64encode(b"o=1&r=0&p=not-a-number").decode(),
        base64.b64encode(b"o=-4").decode(),
        base64.b64encode(b"r=x").decode(),
    ],
)
def test_malformed_or_forged_cursors_are_a_400(anon, world, cursor):
    """A cursor not issued by the API (or with a position of the wrong type) names cursor."""
    assert_names(anon.get("/api/v1/claims/", {"cursor": cursor}), "cursor")


def test_a_cursor_reused_with_another_ordering_is_refused(anon, world):
    """A cursor made for ordering=-updated_at holds a time; with the default id order it is
    refused rather than misread."""
    first = anon.get("/api/v1/claims/", {"page_size": 1, "ordering": "-updated_at"}).json()
    cursor = first["next"].split("cursor=")[1].split("&")[0]
    assert_names(anon.get(f"/api/v1/claims/?cursor={cursor}"), "cursor")


@pytest.mark.parametrize("page", ["0", "-1", "two"])
def test_bad_page_numbers_are_named(anon, world, page):
    """page must be a number from 1."""
    assert_names(anon.get("/api/v1/articles/", {"page": page}), "page")


def test_a_page_past_the_end_is_a_json_404(anon, world):
    """page=99 of a one-page list is not found."""
    response = anon.get("/api/v1/articles/", {"page": 99})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json() == {"detail": "Invalid page."}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing-here/",
        "/api/v1/entities/a.b/",
        "/api/v1/entities/nul%00byte/",
        "/api/v1/articles/caf%C3%A9/",
        "/api/v1/claims/not-a-number/",
        "/api/v1/claims/99999999999999999999999/",
        "/api/v2/",
        "/api/",
    ],
)
@pytest.mark.parametrize("debug", [False, True])
def test_unknown_api_addresses_are_json_404s(anon, settings, path, debug):
    """Even with DEBUG on (whose 404 page is HTML), /api/ paths answer JSON."""
    settings.DEBUG = debug
    response = anon.get(path)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_a_missing_trailing_slash_is_pointed_out(anon):
    """API addresses end with a slash; the 404 says which address was meant."""
    response = anon.get("/api/v1/claims")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert (
        response.json()["detail"]
        == "No API endpoint at /api/v1/claims. Did you mean /api/v1/claims/?"
    )


def test_post_to_an_unknown_api_address_is_a_json_404_not_a_csrf_page(anon):
    """No CSRF HTML page under /api/."""
    response = anon.post("/api/v1/nothing-here/", {})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"] == "application/json"


def test_errors_are_json_even_when_csv_was_asked_for(anon, world):
    """A bad request with format=csv still explains itself in JSON."""
    response = anon.get("/api/v1/claims/", {"format": "csv", "amount_min": "x"})
    assert_names(response, "amount_min")


def test_not_acceptable_is_json(anon, world):
    """Asking for XML gets a JSON 406."""
    response = anon.get("/api/v1/entities/", HTTP_ACCEPT="application/xml")
    assert response.status_code == HTTPStatus.NOT_ACCEPTABLE
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"event": "nul\x00"}, "event"),
        ({"mentions": ["nul\x00"]}, "mentions"),
        ({"title": "nul\x00"}, "title"),
    ],
)
def test_nul_characters_in_bodies_are_a_400(editor_client, world, body, field):
    """PostgreSQL cannot store NUL; the API refuses it before any query."""
    response = editor_client.patch("/api/v1/articles/draft-scoop/", body)
    assert_names(response, field)


def test_publish_time_out_of_range_is_a_400(editor_client, world):
    """A time that overflows once converted to UTC names publish_at."""
    response = editor_client.post(
        "/api/v1/articles/draft-scoop/transition/",
        {"status": "published", "publish_at": "9999-12-31T23:59:59-23:00"},
    )
    assert_names(response, "publish_at")


def test_malformed_json_body_is_a_400(editor_client, world):
    """A body that is not JSON is refused with a message."""
    response = editor_client.generic(
        "PATCH", "/api/v1/articles/draft-scoop/", "{not json", content_type="application/json"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "JSON parse error" in response.json()["detail"]


def test_server_errors_under_api_are_json():
    """The 500 handler answers JSON for /api/ paths and Django's page elsewhere."""
    response = handler500(RequestFactory().get("/api/v1/claims/"))
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert response["Content-Type"] == "application/json"
    page = handler500(RequestFactory().get("/articles/x/"))
    assert page["Content-Type"].startswith("text/html")
