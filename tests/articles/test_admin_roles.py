"""Each role's rights in the admin, through real requests; a crafted POST fails like a hidden
button would."""

from http import HTTPStatus

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from articles.models import Article, ArticleStatus, Claim, CorrectionNote, VerificationStatus
from tests.admin_forms import submit
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    ClaimSourceFactory,
    PublishedArticleFactory,
    UserFactory,
    editor,
    fact_checker,
    reporter,
)

pytestmark = pytest.mark.django_db


def _change_url(obj) -> str:
    return reverse(f"admin:articles_{obj._meta.model_name}_change", args=[obj.pk])


def _transition(client, article, to_status, **extra):
    url = reverse("admin:articles_article_transition", args=[article.pk])
    return client.post(url, {"to_status": to_status, **extra})


@pytest.fixture
def article():
    article = ArticleFactory(body="Leaders met.[1]")
    CitationFactory(article=article, number=1)
    return article


def test_reporter_edits_article_text(client, article):
    """A reporter's edit to the body is saved."""
    client.force_login(reporter())
    response = submit(client, _change_url(article), "article_form", body="Leaders met again.[1]")
    assert response.status_code == HTTPStatus.FOUND
    assert Article.objects.get(pk=article.pk).body == "Leaders met again.[1]"


def test_reporter_posting_status_published_in_the_form_changes_nothing(client, article):
    """The status field is read-only: a crafted value is ignored, not applied."""
    client.force_login(reporter())
    response = submit(
        client,
        _change_url(article),
        "article_form",
        status="published",
        published_at="2025-01-01 10:00",
        title="Edited",
    )
    assert response.status_code == HTTPStatus.FOUND
    saved = Article.objects.get(pk=article.pk)
    assert (saved.title, saved.status, saved.published_at) == ("Edited", "draft", None)
    assert not saved.transitions.exists()


def test_reporter_sees_no_publish_button(client, article):
    """The workflow panel offers a reporter review, not publishing."""
    client.force_login(reporter())
    page = client.get(_change_url(article)).content.decode()
    assert "Send to review" in page
    assert "Publish now" not in page


def test_reporter_crafted_publish_request_is_forbidden(client, article):
    """POSTing the publish step a reporter is not shown returns 403 and changes nothing."""
    client.force_login(reporter())
    response = _transition(client, article, "published")
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.DRAFT


def test_reporter_cannot_invoke_the_publish_action(client, article):
    """The bulk publish action is absent for reporters, and posting it anyway does nothing."""
    client.force_login(reporter())
    changelist = reverse("admin:articles_article_changelist")
    assert "publish_selected" not in client.get(changelist).content.decode()
    client.post(changelist, {"action": "publish_selected", ACTION_CHECKBOX_NAME: [article.pk]})
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.DRAFT


def test_reporter_cannot_unpublish(client):
    """Taking an article down is publishing work too."""
    published = PublishedArticleFactory(body="No markers.")
    client.force_login(reporter())
    assert _transition(client, published, "draft").status_code == HTTPStatus.FORBIDDEN
    assert Article.objects.get(pk=published.pk).status == ArticleStatus.PUBLISHED


def test_reporter_sends_to_review(client, article):
    """Reporters move their drafts to review; the step is recorded with who."""
    user = reporter()
    client.force_login(user)
    assert _transition(client, article, "in_review").status_code == HTTPStatus.FOUND
    article.refresh_from_db()
    assert article.status == ArticleStatus.IN_REVIEW
    assert article.transitions.get().by == user


def test_reporter_posting_status_verified_on_a_claim_changes_nothing(client):
    """A reporter edits a claim's wording; a crafted verdict is ignored."""
    claim = ClaimSourceFactory().claim
    client.force_login(reporter())
    response = submit(
        client, _change_url(claim), "claim_form", status="verified", text="Reworded claim."
    )
    assert response.status_code == HTTPStatus.FOUND
    claim.refresh_from_db()
    assert (claim.text, claim.status) == ("Reworded claim.", VerificationStatus.UNVERIFIED)


def test_reporter_cannot_invoke_mark_verified(client):
    """The verdict actions are not a reporter's, even when posted by hand."""
    claim = ClaimSourceFactory().claim
    client.force_login(reporter())
    changelist = reverse("admin:articles_claim_changelist")
    client.post(changelist, {"action": "mark_verified", ACTION_CHECKBOX_NAME: [claim.pk]})
    assert Claim.objects.get(pk=claim.pk).status == VerificationStatus.UNVERIFIED


def test_fact_checker_changes_verdict_but_not_wording(client):
    """A fact-checker's verdict and note are saved; a crafted wording change is ignored."""
    claim = ClaimSourceFactory(claim__text="Original wording.").claim
    checker = fact_checker()
    client.force_login(checker)
    response = submit(
        client,
        _change_url(claim),
        "claim_form",
        status="verified",
        status_note="Matches the filing.",
        text="Hacked wording.",
        kind="opinion",
    )
    assert response.status_code == HTTPStatus.FOUND
    claim.refresh_from_db()
    assert (claim.text, claim.kind) == ("Original wording.", "fact")
    assert (claim.status, claim.status_note, claim.status_changed_by) == (
        "verified",
        "Matches the filing.",
        checker,
    )


def test_fact_checker_sees_articles_read_only_and_cannot_post(client, article):
    """Fact-checkers read articles; saving one is forbidden."""
    client.force_login(fact_checker())
    assert client.get(_change_url(article)).status_code == HTTPStatus.OK
    response = client.post(_change_url(article), {"title": "Changed", "body": "x"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Article.objects.get(pk=article.pk).title == article.title


def test_fact_checker_cannot_publish(client, article):
    """A fact-checker's crafted publish request is forbidden."""
    client.force_login(fact_checker())
    assert _transition(client, article, "published").status_code == HTTPStatus.FORBIDDEN
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.DRAFT


def test_editor_publishes_with_the_button(client, article):
    """An editor's publish is applied and recorded."""
    user = editor()
    client.force_login(user)
    assert _transition(client, article, "published").status_code == HTTPStatus.FOUND
    article.refresh_from_db()
    assert article.is_public
    assert (article.transitions.get().to_status, article.transitions.get().by) == (
        "published",
        user,
    )


def test_reporter_cannot_attach_a_correction(client):
    """Corrections are editors' work: a crafted inline row is not saved."""
    published = PublishedArticleFactory(body="No markers.")
    client.force_login(reporter())
    response = submit(
        client,
        _change_url(published),
        "article_form",
        **{
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-text": "Sneaky correction.",
            "corrections-0-published_at_0": "2025-11-01",
            "corrections-0-published_at_1": "10:00",
        },
    )
    assert response.status_code in {HTTPStatus.FOUND, HTTPStatus.OK}
    assert not CorrectionNote.objects.exists()


def test_editor_attaches_a_dated_correction(client):
    """An editor's correction note is saved with who wrote it."""
    published = PublishedArticleFactory(body="No markers.")
    user = editor()
    client.force_login(user)
    response = submit(
        client,
        _change_url(published),
        "article_form",
        **{
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-text": "An earlier version misspelt the venue.",
            "corrections-0-published_at_0": "01/11/2025",
            "corrections-0-published_at_1": "10:00",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    note = CorrectionNote.objects.get()
    assert (note.article, note.created_by) == (published, user)


def test_correction_on_a_draft_is_refused_with_a_message(client, article):
    """A draft has no readers to correct: the form says so and nothing is saved."""
    client.force_login(editor())
    assert "corrections-TOTAL_FORMS" not in client.get(_change_url(article)).content.decode()
    response = submit(
        client,
        reverse("admin:articles_correctionnote_add"),
        "correctionnote_form",
        article=str(article.pk),
        text="Premature.",
        published_at_0="01/11/2025",
        published_at_1="10:00",
    )
    assert response.status_code == HTTPStatus.OK
    assert "Corrections are for published articles" in response.content.decode()
    assert not CorrectionNote.objects.exists()


def test_preview_needs_a_staff_login(client, article):
    """Anonymous visitors are sent to the login page, not shown the draft."""
    url = reverse("admin:articles_article_preview", args=[article.pk])
    response = client.get(url)
    assert response.status_code == HTTPStatus.FOUND
    assert reverse("admin:login") in response["Location"]


def test_claim_without_change_rights_cannot_be_posted(client):
    """A user with no role gets nothing from the admin."""
    claim = ClaimFactory()
    client.force_login(UserFactory())
    response = client.post(_change_url(claim), {"text": "x"})
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_reporter_adds_an_article_as_a_draft(client):
    """New articles start as drafts whatever the form says."""
    client.force_login(reporter())
    response = submit(
        client,
        reverse("admin:articles_article_add"),
        "article_form",
        title="New piece",
        slug="new-piece",
        status="published",
        **{"citations-TOTAL_FORMS": "0"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Article.objects.get(slug="new-piece").status == ArticleStatus.DRAFT


def test_editor_adds_a_verified_claim_with_its_source(client):
    """On the add form the verdict is applied once the inline source exists."""
    from tests.factories import SourceFactory

    source = SourceFactory()
    user = editor()
    client.force_login(user)
    response = submit(
        client,
        reverse("admin:articles_claim_add"),
        "claim_form",
        text="APEC leaders adopted the Gyeongju Declaration.",
        kind="fact",
        status="verified",
        **{"claim_sources-TOTAL_FORMS": "1", "claim_sources-0-source": str(source.pk)},
    )
    assert response.status_code == HTTPStatus.FOUND
    claim = Claim.objects.get()
    assert (claim.status, claim.status_changed_by) == ("verified", user)


def test_fact_checker_cannot_attach_sources_by_crafted_inline_rows(client):
    """Sources are content: a fact-checker's crafted inline row is ignored."""
    from tests.factories import SourceFactory

    claim = ClaimFactory()
    source = SourceFactory()
    client.force_login(fact_checker())
    submit(
        client,
        _change_url(claim),
        "claim_form",
        **{"claim_sources-TOTAL_FORMS": "1", "claim_sources-0-source": str(source.pk)},
    )
    assert not claim.sources.exists()
