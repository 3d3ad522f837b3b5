"""GET /api/v1/sources/: visibility and filters."""

from __future__ import annotations

from http import HTTPStatus

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/sources/"


def titles(response) -> list[str]:
    assert response.status_code == HTTPStatus.OK, response.content
    return [item["title"] for item in response.json()["results"]]


def test_anonymous_clients_see_public_sources_only(anon, world):
    """A source cited only by a draft is hidden, in the list and by id."""
    assert titles(anon.get(URL)) == ["SK pledges data centre", "Summit opens in Gyeongju"]
    assert anon.get(f"{URL}{world.hidden_source.pk}/").status_code == HTTPStatus.NOT_FOUND


def test_staff_see_every_source(checker_client, world):
    """Staff see sources of unpublished coverage too."""
    assert "Unpublished memo" in titles(checker_client.get(URL))


def test_item_separates_the_document_from_our_page(anon, world):
    """document_url is the cited document; url is our page about it."""
    item = anon.get(f"{URL}{world.source.pk}/").json()
    assert item["document_url"] == world.source.url
    assert item["url"] == f"http://testserver/sources/{world.source.pk}/"
    assert item["api_url"] == f"http://testserver/api/v1/sources/{world.source.pk}/"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"publisher": "yonhap"}, ["Summit opens in Gyeongju"]),
        ({"language": "KO"}, ["Summit opens in Gyeongju"]),
        (
            {"article": "sk-pledges-ai-data-centre"},
            ["SK pledges data centre", "Summit opens in Gyeongju"],
        ),
        ({"q": "gyeongju"}, ["Summit opens in Gyeongju"]),
        ({"published_from": "2025-10-29"}, []),
        ({"ordering": "-title"}, ["Summit opens in Gyeongju", "SK pledges data centre"]),
    ],
)
def test_filters(anon, world, params, expected):
    """By publisher, language, citing article, words, date; ordered on request."""
    assert titles(anon.get(URL, params)) == expected
