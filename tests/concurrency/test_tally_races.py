"""The coverage tallies stay right when two transactions write what they count at once: the
upserts add up under the row lock, and the link tables' triggers lock the claims (articles)
they count for, so the later transaction sees the earlier's rows."""

import pytest
from django.utils import timezone

from articles.models import Article, ArticleStatus, Claim, EntityClaimTally
from tests.articles.test_tallies import assert_tallies_right
from tests.concurrency.test_claim_publication_races import _together
from tests.factories import (
    ArticleFactory,
    ClaimAppearanceFactory,
    ClaimFactory,
    EntityFactory,
    PublishedArticleFactory,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("on_postgres")]


def _claim_in(article) -> Claim:
    claim = ClaimFactory()
    ClaimAppearanceFactory(claim=claim, article=article)
    return claim


def test_two_claims_given_the_same_subject_at_once_both_count():
    article, entity = PublishedArticleFactory(), EntityFactory()
    first, second = _claim_in(article), _claim_in(article)
    _together(lambda: first.subjects.add(entity), lambda: second.subjects.add(entity))
    assert EntityClaimTally.objects.get(entity=entity).n == 2
    assert_tallies_right()


@pytest.mark.parametrize("subject_first", [True, False])
def test_a_subject_added_while_the_article_is_published(subject_first):
    article, entity = ArticleFactory(), EntityFactory()
    claim = _claim_in(article)

    def add():
        claim.subjects.add(entity)

    def publish():
        Article.objects.filter(pk=article.pk).update(
            status=ArticleStatus.PUBLISHED, published_at=timezone.now()
        )

    _together(*((add, publish) if subject_first else (publish, add)))
    assert EntityClaimTally.objects.get(entity=entity).n == 1
    assert_tallies_right()


@pytest.mark.parametrize("mention_first", [True, False])
def test_a_mention_added_while_the_article_is_unpublished(mention_first):
    article, entity = PublishedArticleFactory(), EntityFactory()

    def mention():
        article.mentions.add(entity)

    def unpublish():
        Article.objects.filter(pk=article.pk).update(status=ArticleStatus.DRAFT)

    _together(*((mention, unpublish) if mention_first else (unpublish, mention)))
    assert_tallies_right()
