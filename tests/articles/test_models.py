"""The content model's integrity is enforced by the database itself."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from articles.models import (
    Article,
    ArticleStatus,
    Claim,
    ClaimAppearance,
    ClaimKind,
    Source,
)
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimAppearanceFactory,
    ClaimFactory,
    ClaimSourceFactory,
    PublishedArticleFactory,
    SourceFactory,
    editor,
)

pytestmark = pytest.mark.django_db


def test_duplicate_article_slug_is_refused():
    """Two articles cannot share a URL."""
    ArticleFactory(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(slug="same")


def test_duplicate_citation_number_in_one_article_is_refused():
    """Marker [1] points at exactly one source per article."""
    citation = CitationFactory(number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        CitationFactory(article=citation.article, number=1)


def test_same_citation_number_in_two_articles_is_fine():
    """Each article numbers its own citations."""
    CitationFactory(number=1)
    CitationFactory(number=1)
    assert Article.objects.count() == 2


def test_figure_amount_without_unit_is_refused():
    """5000000000 of nothing is not a figure."""
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(kind=ClaimKind.FIGURE, amount=Decimal("5000000000"), unit="")


def test_unit_without_amount_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(unit="USD", amount=None)


def test_figure_claim_needs_an_amount():
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(kind=ClaimKind.FIGURE)


def test_stated_equivalent_needs_its_own_unit():
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(
            kind=ClaimKind.FIGURE,
            amount=Decimal("10100000000000"),
            unit="KRW",
            equivalent_amount=Decimal("7000000000"),
        )


def test_pledge_status_only_on_pledges():
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(kind=ClaimKind.FACT, pledge_status="pending")


def test_published_article_needs_a_publish_time():
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(status=ArticleStatus.PUBLISHED, published_at=None)


def test_unknown_status_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(status="gone")


def test_source_still_cited_cannot_be_deleted():
    """Deleting a cited source would orphan provenance."""
    citation = CitationFactory()
    with pytest.raises(ProtectedError):
        citation.source.delete()
    assert Source.objects.filter(pk=citation.source_id).exists()


def test_source_backing_a_claim_cannot_be_deleted():
    link = ClaimSourceFactory()
    with pytest.raises(ProtectedError):
        link.source.delete()


def test_source_urls_are_stored_normalised_and_unique():
    """The same document with tracking parameters is the same row."""
    SourceFactory(url="https://news.example.org/a/")
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceFactory(url="http://News.Example.org/a?utm_source=x")


def test_claim_with_two_appearances_is_one_claim():
    """The same pledge reported in two articles is one claim."""
    claim = ClaimFactory()
    ClaimAppearanceFactory(claim=claim)
    ClaimAppearanceFactory(claim=claim)
    assert Claim.objects.count() == 1
    assert claim.appearances.count() == 2


def test_published_excludes_drafts_scheduled_and_archived():
    """Readers see published articles whose time has come, nothing else."""
    visible = PublishedArticleFactory()
    ArticleFactory(status=ArticleStatus.DRAFT)
    ArticleFactory(status=ArticleStatus.IN_REVIEW)
    PublishedArticleFactory(published_at=timezone.now() + dt.timedelta(days=1))
    ArticleFactory(status=ArticleStatus.ARCHIVED, published_at=timezone.now())
    assert list(Article.objects.published()) == [visible]


def test_visible_condition_through_a_relation_is_visible_to():
    """The visibility rule as a condition on a joined article picks the appearances of the
    articles ``visible_to`` gives, for readers and for staff."""
    claim = ClaimFactory()
    articles = [
        PublishedArticleFactory(),
        ArticleFactory(status=ArticleStatus.DRAFT),
        PublishedArticleFactory(published_at=timezone.now() + dt.timedelta(days=1)),
        ArticleFactory(status=ArticleStatus.ARCHIVED, published_at=timezone.now()),
    ]
    for position, article in enumerate(articles, start=1):
        ClaimAppearanceFactory(claim=claim, article=article, position=position)
    for user in (AnonymousUser(), editor()):
        through_join = ClaimAppearance.objects.filter(
            Article.objects.visible_condition(user, "article__")
        )
        expected = set(Article.objects.visible_to(user))
        assert {appearance.article for appearance in through_join} == expected
        assert Article.objects.filter(Article.objects.visible_condition(user)).count() == len(
            expected
        )
    assert len(expected) == 4  # staff see all of them


def test_claims_appearing_only_in_drafts_are_not_published():
    public_claim = ClaimFactory()
    ClaimAppearanceFactory(claim=public_claim, article=PublishedArticleFactory())
    draft_claim = ClaimFactory()
    ClaimAppearanceFactory(claim=draft_claim, article=ArticleFactory())
    assert list(Claim.objects.published()) == [public_claim]


@pytest.mark.parametrize(
    ("status", "published_at"),
    [
        (ArticleStatus.PUBLISHED, dt.timedelta(hours=-1)),
        (ArticleStatus.PUBLISHED, dt.timedelta(hours=1)),  # scheduled
        (ArticleStatus.DRAFT, None),
        (ArticleStatus.IN_REVIEW, dt.timedelta(hours=-1)),
        (ArticleStatus.ARCHIVED, dt.timedelta(hours=-1)),
    ],
)
def test_published_with_slug_finds_exactly_what_published_finds(status, published_at):
    """The article page's written-out lookup follows ``published()``: readers get the same
    articles (and 404 for the same others)."""
    article = ArticleFactory(
        status=status, published_at=published_at and timezone.now() + published_at
    )
    found = Article.objects.published_with_slug(article.slug)
    expected = Article.objects.published().filter(slug=article.slug).first()
    assert found == expected
    if found is not None:
        assert (found.title, found.body, found.published_at) == (
            expected.title,
            expected.body,
            expected.published_at,
        )
