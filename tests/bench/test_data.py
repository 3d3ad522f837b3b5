"""build_bench_data: the right sizes and shares, every constraint and visibility rule kept."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.utils import timezone

from articles.models import (
    Article,
    ArticleStatus,
    Citation,
    Claim,
    ClaimAppearance,
    ClaimKind,
    ClaimSource,
    Source,
    VerificationStatus,
    normalise_claim_text,
)
from articles.services import citation_problems, figure_appears_in
from articles.source_urls import normalise_url
from bench.data import BenchDataBuilder, sizes_for
from bench.progress import Progress
from bench.text import BUSY_ENTITY_SLUG
from entities.models import Entity, EntityAlias, EntityRelation, normalise_name

pytestmark = pytest.mark.django_db


def _build(scale: float, seed: int = 8) -> dict:
    quiet = lambda label, total: Progress(label, total, enabled=False)  # noqa: E731
    return BenchDataBuilder(scale=scale, seed=seed, progress=quiet).build()


def test_tiny_scale_gives_a_thousandth_of_every_table():
    """--scale 0.001: 10 articles, 100 claims, 5 entities, 20 sources."""
    manifest = _build(0.001)
    assert (Article.objects.count(), Claim.objects.count()) == (10, 100)
    assert (Entity.objects.count(), Source.objects.count()) == (5, 20)
    assert sizes_for(0.001) == {"articles": 10, "claims": 100, "entities": 5, "sources": 20}
    assert manifest["counts"]["claims"] == 100
    assert manifest["busy_entity"] == BUSY_ENTITY_SLUG


def test_shares_of_the_data_set_hold_at_a_hundredth():
    """19 articles in 20 public, the busy entity in 1 claim of 20, every kind and verdict."""
    manifest = _build(0.01)
    public = Article.objects.published().count()
    assert public == 95
    assert manifest["counts"]["public_articles"] == public
    assert len(manifest["public_article_slugs"]) == public
    busy = Claim.objects.filter(subjects__slug=BUSY_ENTITY_SLUG).count()
    assert busy == 50
    others = Entity.objects.exclude(slug=BUSY_ENTITY_SLUG).annotate(n=Count("claims_about"))
    assert busy > max(e.n for e in others if e.kind == "person")
    assert set(Claim.objects.values_list("kind", flat=True)) == set(ClaimKind.values)
    assert set(Claim.objects.values_list("status", flat=True)) == set(VerificationStatus.values)
    assert ClaimAppearance.objects.count() >= 1000
    assert EntityAlias.objects.exists() and EntityRelation.objects.exists()


def test_every_row_passes_model_validation():
    """full_clean() finds nothing: choices, lengths, URLs, slugs and constraints all hold."""
    _build(0.001)
    models = [Source, Entity, EntityAlias, EntityRelation, Article, Citation, Claim, ClaimSource]
    for model in [*models, ClaimAppearance]:
        for row in model.objects.all():
            row.full_clean()


def test_derived_columns_match_what_save_would_compute():
    """bulk writes skip save(), so name_key, text_key and normalised URLs are set by the builder."""
    _build(0.001)
    for entity in Entity.objects.all():
        assert entity.name_key == normalise_name(entity.name)
    for alias in EntityAlias.objects.all():
        assert alias.name_key == normalise_name(alias.name)
    for claim in Claim.objects.all():
        assert claim.text_key == normalise_claim_text(claim.text)
    for source in Source.objects.all():
        assert source.url == normalise_url(source.url)


def test_articles_are_publishable_and_visibility_rules_hold():
    """Public articles are published in the past; the rest stay hidden; citations are sound."""
    _build(0.01)
    now = timezone.now()
    for article in Article.objects.published():
        assert article.status == ArticleStatus.PUBLISHED and article.published_at <= now
    hidden = Article.objects.exclude(pk__in=Article.objects.published())
    kinds = {(a.status, a.published_at is None or a.published_at > now) for a in hidden}
    assert kinds == {
        (ArticleStatus.DRAFT, True),
        (ArticleStatus.IN_REVIEW, True),
        (ArticleStatus.ARCHIVED, False),
        (ArticleStatus.PUBLISHED, True),  # scheduled for later
    }
    for article in Article.objects.prefetch_related("citations"):
        assert citation_problems(article) == [], article.slug


def test_every_claim_appears_in_its_articles_body_with_a_source():
    """Each appearance's passage is in the body; figures are stated in their passages."""
    _build(0.001)
    assert not Claim.objects.filter(appearances=None).exists()
    assert not Claim.objects.filter(claim_sources=None).exists()
    for appearance in ClaimAppearance.objects.select_related("article", "claim"):
        assert appearance.passage in appearance.article.body
        assert appearance.passage.startswith(appearance.claim.text)
        if appearance.claim.amount is not None:
            assert figure_appears_in(appearance.claim, appearance.passage)


def test_same_seed_gives_the_same_rows_and_another_seed_others():
    """Deterministic for a seed."""
    quiet = lambda label, total: Progress(label, total, enabled=False)  # noqa: E731
    first = BenchDataBuilder(scale=0.001, seed=3, progress=quiet).rows()
    again = BenchDataBuilder(scale=0.001, seed=3, progress=quiet).rows()
    other = BenchDataBuilder(scale=0.001, seed=4, progress=quiet).rows()
    assert first == again
    assert first["claims"] != other["claims"]


def test_command_writes_the_manifest_and_reports_counts(tmp_path):
    """The command prints what it built and writes counts and public slugs as JSON."""
    out, err = StringIO(), StringIO()
    manifest = tmp_path / "manifest.json"
    call_command(
        "build_bench_data", "--scale", "0.001", "--manifest", str(manifest), stdout=out, stderr=err
    )
    data = json.loads(manifest.read_text())
    assert data["counts"]["articles"] == 10
    assert data["public_article_slugs"]
    assert "100 claims" in out.getvalue()
    assert "claim appearances" in err.getvalue()  # the progress bar, on stderr


def test_command_refuses_a_database_that_already_holds_bench_data():
    """A second build would collide; the message says to use a fresh database."""
    call_command("build_bench_data", "--scale", "0.001", "--no-progress", stdout=StringIO())
    with pytest.raises(CommandError, match="fresh database"):
        call_command("build_bench_data", "--scale", "0.001", "--no-progress", stdout=StringIO())
    assert Claim.objects.count() == 100


def test_command_refuses_a_scale_out_of_range():
    """A scale of 0 or 50 is refused with the allowed range, and nothing is written."""
    with pytest.raises(CommandError, match="between 0.001 and 10"):
        call_command("build_bench_data", "--scale", "0", stdout=StringIO())
    assert not Article.objects.exists()
