"""Cursor safety under concurrency: a later event never becomes visible before an earlier one."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from articles.models import Article
from sync.models import ChangeEvent
from sync.services import changes_reconcile, changes_record
from tests.factories import CitationFactory, PublishedArticleFactory


def _published_article():
    article = PublishedArticleFactory()
    CitationFactory(article=article, number=1)
    return article


def _waiting_for_a_lock(deadline: float) -> bool:
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_second_recorder_waits_until_the_first_commits(on_postgres):
    """While one recording transaction is open, another waits, so ids follow commit order."""
    first, second = _published_article(), _published_article()
    changes_reconcile()
    before = ChangeEvent.objects.latest("id").pk
    Article.objects.filter(pk__in=[first.pk, second.pk]).update(title="Edited without signals")
    recorded, release = threading.Event(), threading.Event()
    ids: dict[str, int] = {}

    def record(name: str, article: Article, hold: bool) -> None:
        try:
            with transaction.atomic():
                (event,) = changes_record(keys={("article", article.pk)})
                ids[name] = event.pk
                if hold:
                    recorded.set()
                    release.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=record, args=("first", first, True))
    holder.start()
    assert recorded.wait(timeout=30)
    waiter = threading.Thread(target=record, args=("second", second, False))
    waiter.start()
    try:
        assert _waiting_for_a_lock(time.monotonic() + 30), "the second recorder did not wait"
        assert not ChangeEvent.objects.filter(id__gt=before).exists()
    finally:
        release.set()
        holder.join(timeout=30)
        waiter.join(timeout=30)
    assert ids["first"] < ids["second"]
