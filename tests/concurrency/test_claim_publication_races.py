"""``Claim.public_from`` stays right when two transactions change what it depends on at once:
the triggers lock before they recompute, so the later transaction sees the earlier's rows."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction

from articles.models import Article, ArticleStatus, Claim, ClaimAppearance
from tests.factories import ArticleFactory, ClaimFactory, PublishedArticleFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("on_postgres")]


def _together(first, second):
    """Run ``first`` and ``second`` in their own transactions on their own connections:
    ``second`` starts once ``first`` has written, and ``first`` commits a moment after
    ``second`` has started its write (which the triggers' locks make wait for the commit)."""
    written, started = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def run_first():
        try:
            with transaction.atomic():
                first()
                written.set()
                started.wait(timeout=10)
                time.sleep(0.3)  # let the second write reach the lock before this commits
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            written.set()
            connection.close()

    def run_second():
        try:
            written.wait(timeout=10)
            with transaction.atomic():
                started.set()
                second()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            started.set()
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors


def _published(claim: Claim) -> bool:
    return Claim.objects.published().filter(pk=claim.pk).exists()


def test_an_article_unpublished_while_a_claim_is_added_to_it():
    article = PublishedArticleFactory()
    claim = ClaimFactory()

    def add():
        ClaimAppearance.objects.create(claim=claim, article=article, passage="x", position=1)

    def unpublish():
        Article.objects.filter(pk=article.pk).update(status=ArticleStatus.DRAFT)

    _together(add, unpublish)
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.DRAFT
    assert not _published(claim)


def test_an_article_published_while_a_claim_is_added_to_it():
    article = ArticleFactory()
    claim = ClaimFactory()
    at = PublishedArticleFactory.build().published_at

    def add():
        ClaimAppearance.objects.create(claim=claim, article=article, passage="x", position=1)

    def publish():
        Article.objects.filter(pk=article.pk).update(
            status=ArticleStatus.PUBLISHED, published_at=at
        )

    _together(add, publish)
    assert _published(claim)


def test_two_articles_of_one_claim_published_at_once():
    """Each transaction alone would compute the claim's time without the other's article."""
    early, late = ArticleFactory(), ArticleFactory()
    claim = ClaimFactory()
    ClaimAppearance.objects.create(claim=claim, article=early, passage="x", position=1)
    ClaimAppearance.objects.create(claim=claim, article=late, passage="x", position=1)
    base = PublishedArticleFactory.build().published_at

    def publish(article, at):
        return lambda: Article.objects.filter(pk=article.pk).update(
            status=ArticleStatus.PUBLISHED, published_at=at
        )

    # The early article's transaction commits first; the late one's, computed alone, would
    # miss the early article and overwrite its time with a later one.
    _together(publish(early, base - dt.timedelta(hours=1)), publish(late, base))
    claim.refresh_from_db()
    assert claim.public_from == Article.objects.get(pk=early.pk).published_at
