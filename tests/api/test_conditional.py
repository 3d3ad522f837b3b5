"""ETag and Last-Modified on every GET, 304s, and If-Match on writes (412 when stale)."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest
from django.utils.http import http_date

from articles.models import Claim

pytestmark = pytest.mark.django_db

GETS = [
    "/api/v1/",
    "/api/v1/claims/",
    "/api/v1/claims/{verified}/",
    "/api/v1/claims/?format=csv",
    "/api/v1/articles/",
    "/api/v1/articles/sk-pledges-ai-data-centre/",
    "/api/v1/entities/",
    "/api/v1/entities/sk-group/",
    "/api/v1/sources/",
    "/api/v1/sources/{source}/",
    "/api/schema/",
]


def _url(template: str, world) -> str:
    return template.format(verified=world.verified.pk, source=world.source.pk)


@pytest.mark.parametrize("template", GETS)
def test_every_get_has_validators_and_answers_304(anon, world, template):
    """ETag and Last-Modified come with every GET; sending either back gives a bodiless 304."""
    url = _url(template, world)
    response = anon.get(url)
    assert response.status_code == HTTPStatus.OK
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith("GMT")
    again = anon.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert again.content == b""
    assert again["ETag"] == response["ETag"]
    dated = anon.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert dated.status_code == HTTPStatus.NOT_MODIFIED


def test_head_answers_with_the_same_validators(anon, world):
    """HEAD gives the GET's headers without a body."""
    url = f"/api/v1/claims/{world.verified.pk}/"
    assert anon.head(url)["ETag"] == anon.get(url)["ETag"]


def test_last_modified_is_the_newest_item_shown(anon, world):
    """A detail's Last-Modified is its updated_at."""
    stamp = dt.datetime(2025, 11, 1, 12, tzinfo=dt.UTC)
    Claim.objects.filter(pk=world.verified.pk).update(updated_at=stamp)
    response = anon.get(f"/api/v1/claims/{world.verified.pk}/")
    assert response["Last-Modified"] == http_date(stamp.timestamp())


def test_a_change_to_a_related_item_changes_the_etag(anon, world):
    """Renaming the speaker changes what a claim shows, so its ETag changes: no stale 304."""
    url = f"/api/v1/claims/{world.verified.pk}/?expand=speaker"
    etag = anon.get(url)["ETag"]
    world.speaker.name = "Chey Tae-won (SK)"
    world.speaker.save()
    response = anon.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == HTTPStatus.OK
    assert response["ETag"] != etag


def test_shapes_have_their_own_etags(anon, world):
    """fields= gives a different body, hence a different ETag."""
    url = f"/api/v1/claims/{world.verified.pk}/"
    assert anon.get(url)["ETag"] != anon.get(url, {"fields": "id"})["ETag"]


def test_staff_and_public_responses_are_kept_apart_by_caches(editor_client, world):
    """Responses vary by Authorization, and signed-in ones are private."""
    response = editor_client.get("/api/v1/claims/")
    assert "Authorization" in response["Vary"]
    assert "private" in response["Cache-Control"]


def test_if_match_with_the_current_etag_lets_the_write_through(editor_client, world):
    """An ETag read with any shape works for If-Match (the item's revision is compared)."""
    url = "/api/v1/articles/draft-scoop/"
    etag = editor_client.get(url, {"fields": "title"})["ETag"]
    response = editor_client.patch(url, {"title": "Fresh"}, HTTP_IF_MATCH=etag)
    assert response.status_code == HTTPStatus.OK
    assert response["ETag"] != etag


def test_if_match_with_a_stale_etag_is_a_412(editor_client, reporter_client, world):
    """Someone saved after you read: 412, and your change is not applied."""
    url = "/api/v1/articles/draft-scoop/"
    etag = reporter_client.get(url)["ETag"]
    assert editor_client.patch(url, {"title": "Editor's"}).status_code == HTTPStatus.OK
    response = reporter_client.patch(url, {"title": "Reporter's"}, HTTP_IF_MATCH=etag)
    assert response.status_code == HTTPStatus.PRECONDITION_FAILED
    assert "If-Match" in response.json()["detail"]
    assert reporter_client.get(url).json()["title"] == "Editor's"


def test_if_match_on_claims_and_transitions(checker_client, editor_client, world):
    """Verdicts and workflow steps honour If-Match too."""
    claim_url = f"/api/v1/claims/{world.unverified.pk}/"
    stale = '"0.0"'
    response = checker_client.patch(claim_url, {"status": "verified"}, HTTP_IF_MATCH=stale)
    assert response.status_code == HTTPStatus.PRECONDITION_FAILED
    etag = checker_client.get(claim_url)["ETag"]
    response = checker_client.patch(claim_url, {"status": "verified"}, HTTP_IF_MATCH=etag)
    assert response.status_code == HTTPStatus.OK
    response = editor_client.post(
        "/api/v1/articles/draft-scoop/transition/", {"status": "in_review"}, HTTP_IF_MATCH=stale
    )
    assert response.status_code == HTTPStatus.PRECONDITION_FAILED


def test_if_match_star_and_weak_tags(editor_client, world):
    """“*” matches any existing item; a weak tag never satisfies If-Match."""
    url = "/api/v1/articles/draft-scoop/"
    etag = editor_client.get(url)["ETag"]
    weak = editor_client.patch(url, {"title": "A"}, HTTP_IF_MATCH=f"W/{etag}")
    assert weak.status_code == HTTPStatus.PRECONDITION_FAILED
    assert editor_client.patch(url, {"title": "B"}, HTTP_IF_MATCH="*").status_code == HTTPStatus.OK


def test_if_match_on_a_get_that_does_not_match_is_a_json_412(anon, world):
    """A conditional GET that fails its precondition answers in JSON like every error."""
    response = anon.get("/api/v1/entities/sk-group/", HTTP_IF_MATCH='"nope"')
    assert response.status_code == HTTPStatus.PRECONDITION_FAILED
    assert response["Content-Type"] == "application/json"
