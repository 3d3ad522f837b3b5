"""A claim is public exactly while a published article it appears in is: ``Claim.public_from``
(the earliest publish time of those articles) is kept by database triggers, so every way of
writing the rows keeps readers' view right, and a scheduled article's claims appear when its
time passes with nothing to run."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from unittest import mock

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils import timezone

from articles.backup import MODELS, coverage_export
from articles.importer import import_report
from articles.models import Article, ArticleStatus, Claim, ClaimAppearance
from articles.services import (
    article_publish,
    article_transition,
    article_unpublish,
    entity_merge,
)
from tests.articles.import_helpers import SEED_SIDECAR, seed_bytes
from tests.factories import (
    ArticleFactory,
    ClaimAppearanceFactory,
    ClaimFactory,
    ClaimSourceFactory,
    PersonFactory,
    PublishedArticleFactory,
    editor,
)

pytestmark = pytest.mark.django_db


def _by_appearances():
    """The rule ``public_from`` stands for, asked of the appearances directly."""
    return Claim.objects.filter(
        Exists(
            ClaimAppearance.objects.filter(
                claim=OuterRef("pk"), article__in=Article.objects.published()
            )
        )
    )


def _public(client, claim: Claim) -> bool:
    """Whether readers see ``claim``: its page, the API list and ``published()`` agree."""
    cache.clear()
    page = client.get(claim.get_absolute_url()).status_code
    listed = client.get("/api/v1/claims/", {"page_size": 100}).json()["results"]
    in_api = claim.pk in {row["id"] for row in listed}
    in_queryset = Claim.objects.published().filter(pk=claim.pk).exists()
    assert page in (200, 404)
    assert (page == 200) == in_api == in_queryset
    assert set(Claim.objects.published()) == set(_by_appearances())
    return in_queryset


def _claim_in(*articles: Article, **kwargs) -> Claim:
    claim = ClaimFactory(**kwargs)
    ClaimSourceFactory(claim=claim)  # publishing refuses claims without a source
    for article in articles:
        ClaimAppearanceFactory(claim=claim, article=article)
    return claim


def _draft() -> Article:
    return ArticleFactory(body="Leaders met.")  # no citation markers to resolve


def _public_from(claim: Claim) -> dt.datetime | None:
    return Claim.objects.values_list("public_from", flat=True).get(pk=claim.pk)


def test_publishing_and_unpublishing_show_and_hide_the_claims(client):
    chief = editor()
    article = _draft()
    claim = _claim_in(article)
    assert not _public(client, claim)
    article_publish(article=article, by=chief)
    assert _public(client, claim)
    article_unpublish(article=article, by=chief)
    assert not _public(client, claim)


def test_a_scheduled_articles_claims_appear_when_its_time_passes(client):
    article = _draft()
    claim = _claim_in(article)
    at = timezone.now() + dt.timedelta(hours=1)
    article_publish(article=article, by=editor(), at=at)
    assert _public_from(claim) == at
    assert not _public(client, claim)
    with mock.patch("django.utils.timezone.now", return_value=at + dt.timedelta(seconds=1)):
        assert _public(client, claim)


def test_archiving_hides_the_claims(client):
    article = PublishedArticleFactory()
    claim = _claim_in(article)
    assert _public(client, claim)
    article_transition(article=article, to_status=ArticleStatus.ARCHIVED, by=editor())
    assert _public_from(claim) is None
    assert not _public(client, claim)


def test_public_from_follows_the_earliest_published_article(client):
    now = timezone.now()
    early = PublishedArticleFactory(published_at=now - dt.timedelta(hours=2))
    later = PublishedArticleFactory(published_at=now + dt.timedelta(hours=1))
    claim = _claim_in(early, later)
    assert _public_from(claim) == early.published_at
    assert _public(client, claim)

    early.published_at = now + dt.timedelta(hours=3)  # moved later than the scheduled one
    early.save()
    assert _public_from(claim) == later.published_at
    assert not _public(client, claim)

    later.published_at = now - dt.timedelta(minutes=5)  # brought forward
    later.save()
    assert _public_from(claim) == later.published_at
    assert _public(client, claim)


def test_adding_moving_and_removing_an_appearance(client):
    draft, published = _draft(), PublishedArticleFactory()
    claim, other = _claim_in(draft), _claim_in(draft)
    assert not _public(client, claim)

    appearance = ClaimAppearanceFactory(claim=claim, article=published)
    assert _public(client, claim)

    appearance.article = draft  # moved to an unpublished article
    appearance.save()
    assert not _public(client, claim)

    appearance.article = published
    appearance.save()
    assert _public(client, claim)

    appearance.claim = other  # moved to another claim
    appearance.save()
    assert not _public(client, claim)
    assert _public(client, other)

    appearance.delete()
    assert not _public(client, other)


def test_bulk_created_appearances_publish_their_claims(client):
    article = PublishedArticleFactory()
    claims = [ClaimFactory() for _ in range(3)]
    ClaimAppearance.objects.bulk_create(
        ClaimAppearance(claim=claim, article=article, passage=claim.text, position=number)
        for number, claim in enumerate(claims, start=1)
    )
    assert all(_public(client, claim) for claim in claims)


def test_queryset_updates_of_articles(client):
    first, second = PublishedArticleFactory(), PublishedArticleFactory()
    claims = [_claim_in(first), _claim_in(second), _claim_in(first, second)]
    Article.objects.update(status=ArticleStatus.DRAFT)
    assert not any(_public(client, claim) for claim in claims)
    Article.objects.filter(pk=second.pk).update(status=ArticleStatus.PUBLISHED)
    assert [_public(client, claim) for claim in claims] == [False, True, True]


def test_raw_sql_writes(client):
    article = PublishedArticleFactory()
    claim = _claim_in(article)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_article SET status = 'in_review' WHERE id = %s", [article.pk]
        )
    assert not _public(client, claim)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_article SET status = 'published' WHERE id = %s", [article.pk]
        )
        cursor.execute("DELETE FROM articles_claimappearance WHERE claim_id = %s", [claim.pk])
    assert not _public(client, claim)


def test_public_from_cannot_be_written_directly(client):
    claim = _claim_in(PublishedArticleFactory())
    hidden = _claim_in(_draft())
    Claim.objects.update(public_from=None)
    assert _public(client, claim)
    Claim.objects.filter(pk=hidden.pk).update(public_from=timezone.now() - dt.timedelta(days=1))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE articles_claim SET public_from = NULL WHERE id = %s", [claim.pk])
    assert _public(client, claim)
    assert not _public(client, hidden)


def test_sqlite_triggers_end_even_with_recursive_triggers_on(client):
    """The claim's own trigger updates its row; its WHEN clause, not SQLite's default of
    recursive_triggers off, is what stops it there."""
    if connection.vendor != "sqlite":
        pytest.skip("a SQLite setting")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA recursive_triggers = ON")
    try:
        article = _draft()
        claim = _claim_in(article)
        stale = Claim.objects.get(pk=claim.pk)
        article_publish(article=article, by=editor())
        stale.save()
        assert _public(client, claim)
        ClaimAppearanceFactory(claim=claim, article=PublishedArticleFactory())
        assert _public(client, claim)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA recursive_triggers = OFF")


def test_deleting_an_article_hides_claims_seen_only_there(client):
    only, shared = PublishedArticleFactory(), PublishedArticleFactory()
    lone, both = _claim_in(only), _claim_in(only, shared)
    only.delete()
    assert Claim.objects.filter(pk=lone.pk).exists()
    assert not _public(client, lone)
    assert _public(client, both)
    assert _public_from(both) == shared.published_at


def test_a_stale_claim_instance_cannot_overwrite_public_from(client):
    article = _draft()
    claim = _claim_in(article)
    stale = Claim.objects.get(pk=claim.pk)  # loaded while hidden
    article_publish(article=article, by=editor())
    stale.text = "An edited wording."
    stale.save()
    assert _public(client, claim)

    stale = Claim.objects.get(pk=claim.pk)  # loaded while public
    article_unpublish(article=article, by=editor())
    stale.save()
    assert not _public(client, claim)


def test_merging_entities_keeps_the_claims_public(client):
    keep, drop = PersonFactory(), PersonFactory()
    claim = _claim_in(PublishedArticleFactory(), speaker=drop)
    hidden = _claim_in(_draft(), speaker=drop)
    entity_merge(keep=keep, drop=drop, by=editor())
    assert _public(client, claim)
    assert not _public(client, hidden)
    cache.clear()
    assert claim.text in client.get(keep.get_absolute_url()).content.decode()


def test_the_report_importer(client):
    import_report(text=seed_bytes(), sidecar=SEED_SIDECAR, status="published")
    assert Claim.objects.published().count() == Claim.objects.count() > 0
    claim = Claim.objects.order_by("pk").first()
    assert _public(client, claim)
    article_unpublish(article=Article.objects.get(), by=editor())
    assert not Claim.objects.published().exists()


def test_a_restored_backup_recomputes_public_from(client, tmp_path):
    now = timezone.now()
    public = _claim_in(PublishedArticleFactory(published_at=now - dt.timedelta(days=1)))
    scheduled = _claim_in(PublishedArticleFactory(published_at=now + dt.timedelta(days=1)))
    hidden = _claim_in(_draft())
    before = dict(Claim.objects.values_list("pk", "public_from"))
    document = coverage_export()
    assert "public_from" not in json.dumps(document, default=str)  # derived, never exported
    path = tmp_path / "coverage.json"
    call_command("export_coverage", str(path), stdout=StringIO())
    history = [label for label in MODELS if ".Historical" in label]
    for label in [*reversed([m for m in MODELS if m not in history]), *history]:
        apps.get_model(label)._default_manager.all().delete()
    call_command("import_coverage", str(path), stdout=StringIO())
    assert dict(Claim.objects.values_list("pk", "public_from")) == before
    assert [_public(client, claim) for claim in (public, scheduled, hidden)] == [
        True,
        False,
        False,
    ]


def test_history_rows_do_not_carry_public_from():
    historical = apps.get_model("articles", "HistoricalClaim")
    assert "public_from" not in {field.name for field in historical._meta.get_fields()}


def test_the_bench_data_builder(client):
    call_command("build_bench_data", "--scale", "0.001", "--no-progress", stdout=StringIO())
    published = set(Claim.objects.published().values_list("pk", flat=True))
    assert published == set(_by_appearances().values_list("pk", flat=True))
    assert published and Claim.objects.exclude(pk__in=published).exists()
    expected = {
        claim.pk: min(
            (
                appearance.article.published_at
                for appearance in claim.appearances.all()
                if appearance.article.status == ArticleStatus.PUBLISHED
            ),
            default=None,
        )
        for claim in Claim.objects.prefetch_related("appearances__article")
    }
    assert dict(Claim.objects.values_list("pk", "public_from")) == expected
