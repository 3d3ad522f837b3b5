"""Writes over the API follow the admin's role rules, through articles.services."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles.models import Article, ArticleStatus, Claim, CorrectionNote, VerificationStatus
from tests.factories import ClaimAppearanceFactory, ClaimFactory, ClaimSourceFactory, editor

from .conftest import client_for

pytestmark = pytest.mark.django_db


def article_url(slug: str, suffix: str = "") -> str:
    return f"/api/v1/articles/{slug}/{suffix}"


def claim_url(pk: int) -> str:
    return f"/api/v1/claims/{pk}/"


def draft_claim(world) -> Claim:
    """A sourced claim in the draft only: no correction is needed to change it."""
    claim = ClaimFactory(text="A fresh claim.")
    ClaimSourceFactory(claim=claim)
    ClaimAppearanceFactory(claim=claim, article=world.draft, position=3)
    return claim


# Publishing -------------------------------------------------------------------------------


@pytest.mark.parametrize("client_name", ["reporter_client", "checker_client"])
def test_only_editors_may_publish(request, client_name, world):
    """A Reporter's or Fact-checker's token cannot publish: 403, and the draft stays a draft."""
    client = request.getfixturevalue(client_name)
    response = client.post(article_url("draft-scoop", "transition/"), {"status": "published"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "editors" in response.json()["detail"]
    assert Article.objects.get(slug="draft-scoop").status == ArticleStatus.DRAFT


def test_editor_publishes_through_the_workflow(editor_client, world, anon):
    """An editor's token publishes; the transition is recorded and readers see the article."""
    response = editor_client.post(
        article_url("draft-scoop", "transition/"), {"status": "published"}, format="json"
    )
    assert response.status_code == HTTPStatus.OK, response.content
    assert response.json()["status"] == "published"
    assert world.draft.transitions.get().to_status == ArticleStatus.PUBLISHED
    assert anon.get(article_url("draft-scoop")).status_code == HTTPStatus.OK


def test_publishing_problems_are_listed(editor_client, world):
    """A draft with a dangling citation marker is refused with the problem named."""
    Article.objects.filter(pk=world.draft.pk).update(body="Claim.[1] Another.[9]")
    response = editor_client.post(
        article_url("draft-scoop", "transition/"), {"status": "published"}, format="json"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"]["status"] == ["Marker [9] in the body has no citation."]


def test_reporter_sends_a_draft_to_review(reporter_client, world):
    """Reporters may move their drafts to review."""
    response = reporter_client.post(
        article_url("draft-scoop", "transition/"), {"status": "in_review"}, format="json"
    )
    assert response.status_code == HTTPStatus.OK
    assert Article.objects.get(slug="draft-scoop").status == ArticleStatus.IN_REVIEW


def test_an_impossible_transition_is_a_400(editor_client, world):
    """Draft → archived is not a workflow step."""
    response = editor_client.post(
        article_url("draft-scoop", "transition/"), {"status": "archived"}, format="json"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST


# Verdicts ---------------------------------------------------------------------------------


def test_reporter_cannot_verify(reporter_client, world):
    """A Reporter's token cannot change a verdict: 403 and the claim is unchanged."""
    claim = draft_claim(world)
    response = reporter_client.patch(claim_url(claim.pk), {"status": "verified"}, format="json")
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Claim.objects.get(pk=claim.pk).status == VerificationStatus.UNVERIFIED


@pytest.mark.parametrize("client_name", ["checker_client", "editor_client"])
def test_fact_checkers_and_editors_verify(request, client_name, world):
    """A verdict is recorded with who and when."""
    claim = draft_claim(world)
    client = request.getfixturevalue(client_name)
    response = client.patch(
        claim_url(claim.pk), {"status": "verified", "status_note": "Matches filing."}, format="json"
    )
    assert response.status_code == HTTPStatus.OK, response.content
    claim.refresh_from_db()
    assert (claim.status, claim.status_note) == ("verified", "Matches filing.")
    assert claim.status_changed_by is not None
    assert response.json()["status"] == "verified"


def test_changing_a_published_verdict_needs_a_correction(checker_client, world):
    """Readers saw “verified”: disputing it without a correction names the missing field."""
    response = checker_client.patch(
        claim_url(world.verified.pk), {"status": "disputed"}, format="json"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "correction" in response.json()["errors"]
    response = checker_client.patch(
        claim_url(world.verified.pk),
        {"status": "disputed", "correction": "The sum was not confirmed."},
        format="json",
    )
    assert response.status_code == HTTPStatus.OK
    assert CorrectionNote.objects.get(article=world.article).text == "The sum was not confirmed."


def test_verifying_an_unsourced_claim_is_refused(checker_client, world):
    """No source, no “verified”."""
    claim = ClaimFactory()
    ClaimAppearanceFactory(claim=claim, article=world.draft, position=4)
    response = checker_client.patch(claim_url(claim.pk), {"status": "verified"}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "no source" in response.json()["detail"]


# Figures and article text -----------------------------------------------------------------


def test_reporter_changes_a_figure(reporter_client, world):
    """Reporters edit content, figures included."""
    claim = draft_claim(world)
    response = reporter_client.patch(
        claim_url(claim.pk), {"amount": "35000", "unit": "GPU"}, format="json"
    )
    assert response.status_code == HTTPStatus.OK, response.content
    assert response.json()["amount"] == "35000.0000"


def test_fact_checker_cannot_change_a_figure(checker_client, world):
    """Fact-checkers judge claims; they do not edit them."""
    claim = draft_claim(world)
    response = checker_client.patch(
        claim_url(claim.pk), {"amount": "1", "unit": "USD"}, format="json"
    )
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_a_figure_without_a_unit_is_refused_whole(reporter_client, world):
    """The model's rule (an amount needs a unit) is a 400 naming the field; nothing is saved."""
    claim = draft_claim(world)
    response = reporter_client.patch(claim_url(claim.pk), {"amount": "12"}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert Claim.objects.get(pk=claim.pk).amount is None


def test_verdict_and_figure_go_in_separate_requests(editor_client, world):
    """One PATCH changes either the verdict or the figure, so each rule applies cleanly."""
    claim = draft_claim(world)
    response = editor_client.patch(
        claim_url(claim.pk), {"status": "verified", "amount": "1", "unit": "USD"}, format="json"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert Claim.objects.get(pk=claim.pk).status == VerificationStatus.UNVERIFIED


def test_reporter_edits_article_text(reporter_client, world):
    """Reporters may edit headline and body; the version goes up."""
    response = reporter_client.patch(
        article_url("draft-scoop"), {"title": "A better headline"}, format="json"
    )
    assert response.status_code == HTTPStatus.OK, response.content
    assert response.json()["title"] == "A better headline"
    assert response.json()["version"] == 2


def test_fact_checker_cannot_edit_article_text(checker_client, world):
    """Fact-checkers have no content rights."""
    response = checker_client.patch(article_url("draft-scoop"), {"title": "X"}, format="json")
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_unknown_and_read_only_fields_are_named(reporter_client, world):
    """Status is changed through transition/, and an unknown field is not silently ignored."""
    response = reporter_client.patch(
        article_url("draft-scoop"), {"status": "published", "colour": "red"}, format="json"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert set(response.json()["errors"]) == {"status", "colour"}


def test_wrong_json_types_are_refused(reporter_client, world):
    """A number where the schema says string is a 400, not coerced."""
    response = reporter_client.patch(article_url("draft-scoop"), {"title": 7}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "title" in response.json()["errors"]


def test_stale_version_is_a_409_naming_who_saved(reporter_client, editor_client, world):
    """Two people edit version 1; the second save is refused with who and when."""
    first = editor_client.patch(
        article_url("draft-scoop"), {"title": "First", "version": 1}, format="json"
    )
    assert first.status_code == HTTPStatus.OK
    second = reporter_client.patch(
        article_url("draft-scoop"), {"title": "Second", "version": 1}, format="json"
    )
    assert second.status_code == HTTPStatus.CONFLICT
    assert second.json()["changed_by"].startswith("user")
    assert Article.objects.get(slug="draft-scoop").title == "First"


# Who may write at all ---------------------------------------------------------------------


def test_anonymous_writes_are_401(anon, world):
    """Writes need a token."""
    response = anon.patch(article_url(world.article.slug), {"title": "X"}, format="json")
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["WWW-Authenticate"] == "Token"


def test_account_without_a_role_cannot_write(reader_client, world):
    """A signed-in account with no role is refused, and drafts stay invisible to it."""
    response = reader_client.patch(article_url(world.article.slug), {"title": "X"}, format="json")
    assert response.status_code == HTTPStatus.FORBIDDEN
    response = reader_client.post(
        article_url("draft-scoop", "transition/"), {"status": "published"}, format="json"
    )
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_inactive_users_token_is_refused(world):
    """A deactivated account's token no longer works."""
    user = editor(is_active=False)
    response = client_for(user).get("/api/v1/claims/")
    assert response.status_code == HTTPStatus.UNAUTHORIZED


def test_unsupported_methods_are_405_even_anonymously(anon, world):
    """DELETE is not offered: 405 with Allow, before any authentication question."""
    response = anon.delete(claim_url(world.verified.pk))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response["Allow"] == "GET, HEAD, PATCH, OPTIONS"
    assert response["Content-Type"] == "application/json"


def test_tokens_are_issued_in_the_admin(admin_client, world):
    """An administrator creates a token in the admin; it then authenticates API writes."""
    user = editor(username="desk-editor")
    response = admin_client.post("/admin/authtoken/tokenproxy/add/", {"user": user.pk})
    assert response.status_code == HTTPStatus.FOUND
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=user).key}")
    response = api.post("/api/v1/articles/draft-scoop/transition/", {"status": "in_review"})
    assert response.status_code == HTTPStatus.OK
