"""GET /api/v1/entities/: visibility, kind, name or alias, q."""

from __future__ import annotations

from http import HTTPStatus

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/entities/"


def slugs(response) -> list[str]:
    assert response.status_code == HTTPStatus.OK, response.content
    return [item["slug"] for item in response.json()["results"]]


def test_anonymous_clients_see_entities_reached_through_published_coverage(anon, world):
    """An entity only a draft mentions is hidden; the rest are listed by name."""
    assert slugs(anon.get(URL)) == ["apec-ceo-summit-2025", "chey-tae-won", "sk-group"]
    assert anon.get(f"{URL}secret-startup/").status_code == HTTPStatus.NOT_FOUND


def test_staff_see_every_entity(editor_client, world):
    """Staff see entities of unpublished coverage too."""
    assert "secret-startup" in slugs(editor_client.get(URL))


def test_item_has_aliases_and_both_links(anon, world):
    """An entity is identified by slug and carries its aliases."""
    item = anon.get(f"{URL}sk-group/").json()
    assert item["aliases"] == ["SK"]
    assert item["api_url"] == "http://testserver/api/v1/entities/sk-group/"
    assert item["url"] == "http://testserver/entities/sk-group/"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "person"}, ["chey-tae-won"]),
        ({"kind": ["person", "event"]}, ["apec-ceo-summit-2025", "chey-tae-won"]),
        ({"name": "sk"}, ["sk-group"]),
        ({"name": "  Chey TAE-WON "}, ["chey-tae-won"]),
        ({"name": "SK Grou"}, []),
        ({"q": "conglomerate"}, ["sk-group"]),
        ({"q": "summit 2025"}, ["apec-ceo-summit-2025"]),
        ({"q": "secret"}, []),
    ],
)
def test_filters(anon, world, params, expected):
    """By kind, by exact name or alias (ignoring case and punctuation), and by words."""
    assert slugs(anon.get(URL, params)) == expected


def test_ordering_by_kind(anon, world):
    """ordering=-kind sorts by kind, descending."""
    assert slugs(anon.get(URL, {"ordering": "-kind"}))[0] == "chey-tae-won"
