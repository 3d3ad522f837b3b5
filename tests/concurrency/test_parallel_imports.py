"""Parallel imports of the same report on real PostgreSQL connections: one article, no
duplicate claim, entity or source, and every import reports success."""

from pathlib import Path

import pytest

from articles.importer import ImportResult, import_report
from articles.models import Article, Citation, Claim, ClaimAppearance, Source
from entities.models import Entity
from tests.concurrency.test_parallel_edits import _in_threads

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("on_postgres")]

ROOT = Path(__file__).resolve().parents[2]
SEED = (ROOT / "articles/seed/apec-ceo-summit-2025-report.txt").read_bytes()
OTHER = (ROOT / "tests/articles/reports/tokyo-forum.txt").read_bytes()


def _import(text: bytes, title: str):
    return lambda: import_report(text=text, title=title, status="draft")


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Article, Claim, ClaimAppearance, Entity, Source, Citation)
    }


def test_four_imports_of_one_report_at_once_give_one_copy():
    results = _in_threads(*(_import(SEED, "APEC CEO Summit 2025") for _ in range(4)))
    assert all(isinstance(r, ImportResult) for r in results), results
    parallel = _counts()
    Article.objects.all().delete()
    Claim.objects.all().delete()
    Citation.objects.all().delete()
    Source.objects.all().delete()
    Entity.objects.all().delete()
    import_report(text=SEED, title="APEC CEO Summit 2025", status="draft")
    assert parallel == _counts()
    assert parallel["Article"] == 1


def test_two_different_reports_sharing_entities_at_once():
    """Reports naming the same companies do not race each other into duplicate entities."""
    results = _in_threads(
        _import(SEED, "APEC CEO Summit 2025"),
        _import(OTHER, "Tokyo forum"),
        _import(SEED, "APEC CEO Summit 2025"),
    )
    assert all(isinstance(r, ImportResult) for r in results), results
    names = list(Entity.objects.values_list("name_key", flat=True))
    assert len(names) == len(set(names))
    assert Article.objects.count() == 2
