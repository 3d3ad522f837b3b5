"""Parallel editors on real PostgreSQL connections: no lost update, no duplicate."""

import threading

import pytest
from django.db import connection

from articles.models import Article, ClaimSource
from articles.services import EditConflict, article_save_if_unchanged
from tests.factories import ArticleFactory, editor

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("on_postgres")]


def _in_threads(*jobs):
    """Run each job in its own thread (own database connection), started together."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=10)
            results[index] = job()
        except Exception as error:  # noqa: BLE001 - the test inspects what each editor got
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_editors_saving_the_same_version_one_wins_one_is_told():
    article = ArticleFactory(title="Original")
    first, second = editor(username="first"), editor(username="second")

    def save(user, title):
        def job():
            copy = Article.objects.get(pk=article.pk)
            copy.title = title
            return article_save_if_unchanged(article=copy, expected_version=1, by=user)

        return job

    results = _in_threads(save(first, "From first"), save(second, "From second"))
    conflicts = [r for r in results if isinstance(r, EditConflict)]
    saved = [r for r in results if isinstance(r, Article)]
    assert len(conflicts) == 1 and len(saved) == 1, results
    final = Article.objects.get(pk=article.pk)
    assert final.title == saved[0].title
    assert final.version == 2


def test_many_parallel_saves_lose_nothing_when_each_rereads():
    """Ten editors each append a line, retrying on conflict: all ten lines survive."""
    article = ArticleFactory(body="")
    users = [editor(username=f"e{i}") for i in range(10)]

    def append(user, line):
        def job():
            for _ in range(50):
                copy = Article.objects.get(pk=article.pk)
                copy.body += line + "\n"
                try:
                    return article_save_if_unchanged(
                        article=copy, expected_version=copy.version, by=user
                    )
                except EditConflict:
                    continue
            raise AssertionError("never got through")

        return job

    results = _in_threads(*(append(user, f"line {i}") for i, user in enumerate(users)))
    assert all(isinstance(r, Article) for r in results), results
    body = Article.objects.get(pk=article.pk).body
    assert sorted(body.split()) == sorted(" ".join(f"line {i}" for i in range(10)).split())
    assert Article.objects.get(pk=article.pk).version == 11
    assert ClaimSource.objects.count() == 0
