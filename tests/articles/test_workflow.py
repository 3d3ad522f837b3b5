"""Workflow rules, decided once in articles.services and articles.roles."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles.models import Article, ArticleStatus, CorrectionNote, VerificationStatus
from articles.services import (
    CorrectionRequired,
    EditConflict,
    PublishBlocked,
    article_publish,
    article_save_if_unchanged,
    article_transition,
    claim_set_status,
)
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimAppearanceFactory,
    ClaimFactory,
    ClaimSourceFactory,
    PublishedArticleFactory,
    editor,
    fact_checker,
    reporter,
)

pytestmark = pytest.mark.django_db


def _citable_article(**kwargs):
    article = ArticleFactory(body="Leaders met.[1]", **kwargs)
    CitationFactory(article=article, number=1)
    return article


def test_editor_publishes_and_the_transition_is_recorded():
    article = _citable_article()
    by = editor()
    article_publish(article=article, by=by)
    article.refresh_from_db()
    assert article.is_public
    step = article.transitions.get()
    assert (step.from_status, step.to_status, step.by) == ("draft", "published", by)


@pytest.mark.parametrize("make_user", [reporter, fact_checker])
def test_only_editors_may_publish(make_user):
    article = _citable_article()
    with pytest.raises(PermissionDenied):
        article_publish(article=article, by=make_user())
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.DRAFT


def test_reporter_may_send_to_review():
    article = _citable_article()
    article_transition(article=article, to_status=ArticleStatus.IN_REVIEW, by=reporter())
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.IN_REVIEW


def test_publishing_with_a_dangling_marker_lists_the_problem():
    article = ArticleFactory(body="One.[1] Two.[2]")
    CitationFactory(article=article, number=1)
    with pytest.raises(PublishBlocked) as blocked:
        article_publish(article=article, by=editor())
    assert blocked.value.problems == ["Marker [2] in the body has no citation."]


def test_publishing_with_an_unsourced_claim_is_refused():
    article = _citable_article()
    ClaimAppearanceFactory(article=article)
    with pytest.raises(PublishBlocked) as blocked:
        article_publish(article=article, by=editor())
    assert "has no source" in blocked.value.problems[0]


def test_scheduled_article_stays_hidden_until_its_time():
    article = _citable_article()
    article_publish(article=article, by=editor(), at=timezone.now() + dt.timedelta(hours=2))
    assert not Article.objects.published().exists()
    Article.objects.filter(pk=article.pk).update(
        published_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert Article.objects.published().exists()


def test_claim_without_source_cannot_be_verified():
    claim = ClaimFactory()
    with pytest.raises(ValidationError):
        claim_set_status(claim=claim, status=VerificationStatus.VERIFIED, by=fact_checker())


def test_reporter_cannot_verify():
    claim = ClaimSourceFactory().claim
    with pytest.raises(PermissionDenied):
        claim_set_status(claim=claim, status=VerificationStatus.VERIFIED, by=reporter())


def test_verdict_records_who_and_when():
    claim = ClaimSourceFactory().claim
    checker = fact_checker()
    claim_set_status(claim=claim, status=VerificationStatus.VERIFIED, by=checker, note="Filed")
    claim.refresh_from_db()
    assert (claim.status, claim.status_changed_by, claim.status_note) == (
        "verified",
        checker,
        "Filed",
    )
    assert claim.status_changed_at is not None


def test_overturning_a_public_verdict_needs_a_correction():
    claim = ClaimSourceFactory(claim__status=VerificationStatus.VERIFIED).claim
    article = PublishedArticleFactory()
    ClaimAppearanceFactory(claim=claim, article=article)
    with pytest.raises(CorrectionRequired):
        claim_set_status(claim=claim, status=VerificationStatus.FALSE, by=editor())
    claim_set_status(
        claim=claim, status=VerificationStatus.FALSE, by=editor(), correction="It was $4bn."
    )
    assert CorrectionNote.objects.get(article=article).text == "It was $4bn."


def test_second_save_of_a_stale_article_is_a_conflict():
    article = ArticleFactory()
    first, second = Article.objects.get(pk=article.pk), Article.objects.get(pk=article.pk)
    first.title = "First"
    article_save_if_unchanged(article=first, expected_version=1, by=editor())
    second.title = "Second"
    with pytest.raises(EditConflict):
        article_save_if_unchanged(article=second, expected_version=1, by=editor())
    assert Article.objects.get(pk=article.pk).title == "First"


def test_claim_edit_splits_rights_between_wording_and_verdict():
    """Fact-checkers may not reword, reporters may not give verdicts; refusals write nothing."""
    from articles.services import claim_edit

    claim = ClaimSourceFactory(claim__text="As filed.").claim
    with pytest.raises(PermissionDenied):
        claim_edit(claim=claim, by=fact_checker(), changes={"text": "Reworded."})
    with pytest.raises(PermissionDenied):
        claim_edit(claim=claim, by=reporter(), changes={"status_note": "Looks fine."})
    claim.refresh_from_db()
    assert (claim.text, claim.status_note) == ("As filed.", "")


def test_claim_edit_with_nothing_changed_needs_no_rights():
    """Re-saving the same values is not an edit (a fact-checker's form carries the wording)."""
    from articles.services import claim_edit

    claim = ClaimFactory(text="Same.")
    claim_edit(claim=claim, by=fact_checker(), changes={"text": "Same."})
    assert claim.history.count() == 1


def test_figure_change_in_a_published_article_needs_a_correction():
    """A figure readers saw changes only with a note, attached to the article."""
    from decimal import Decimal

    from articles.services import claim_update_figure
    from tests.factories import FigureClaimFactory

    claim = FigureClaimFactory()
    article = PublishedArticleFactory()
    ClaimAppearanceFactory(claim=claim, article=article)
    with pytest.raises(CorrectionRequired):
        claim_update_figure(claim=claim, by=editor(), amount=Decimal("4000000000"))
    claim_update_figure(
        claim=claim, by=editor(), amount=Decimal("4000000000"), correction="Was $5bn."
    )
    assert CorrectionNote.objects.get().article == article


def test_next_statuses_depend_on_the_role():
    """Reporters get review steps only; editors also publish; scheduled can be published now."""
    from articles.services import article_next_statuses

    draft = ArticleFactory()
    assert article_next_statuses(article=draft, user=reporter()) == ["in_review"]
    assert article_next_statuses(article=draft, user=editor()) == ["in_review", "published"]
    assert article_next_statuses(article=draft, user=fact_checker()) == []
    scheduled = ArticleFactory(
        status=ArticleStatus.PUBLISHED, published_at=timezone.now() + dt.timedelta(days=1)
    )
    assert article_next_statuses(article=scheduled, user=editor()) == [
        "draft",
        "published",
        "archived",
    ]


def test_safe_save_never_changes_the_workflow():
    """Saving an old copy (a revert) keeps the current status and publish time."""
    article = PublishedArticleFactory(body="No markers.")
    stale = Article.objects.get(pk=article.pk)
    stale.status, stale.published_at, stale.title = ArticleStatus.DRAFT, None, "Reverted"
    article_save_if_unchanged(article=stale, expected_version=1, by=editor())
    saved = Article.objects.get(pk=article.pk)
    assert (saved.title, saved.status, saved.published_at) == (
        "Reverted",
        ArticleStatus.PUBLISHED,
        article.published_at,
    )


def test_fact_checker_cannot_save_article_text():
    """The safe save is for those who may edit content."""
    article = ArticleFactory()
    with pytest.raises(PermissionDenied):
        article_save_if_unchanged(article=article, expected_version=1, by=fact_checker())


def test_bulk_unpublish_needs_an_editor():
    from articles.services import articles_unpublish

    with pytest.raises(PermissionDenied):
        articles_unpublish(articles=[PublishedArticleFactory()], by=reporter())
