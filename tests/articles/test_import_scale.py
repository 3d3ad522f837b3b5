"""The importer reads only what a report names: its cost does not grow with the entities and
claims on file, and what it finds there is what it found when it read them all."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from articles.importer import import_report
from articles.models import Claim
from entities.models import Entity, EntityKind
from tests.articles.import_helpers import SECOND, SEED_SIDECAR, seed_bytes
from tests.factories import EntityAliasFactory, EntityFactory

pytestmark = pytest.mark.django_db


def _import_seed():
    return import_report(text=seed_bytes(), sidecar=SEED_SIDECAR)


def test_import_queries_do_not_grow_with_the_entities_on_file():
    """Importing into a site with 200 more entities (with aliases) takes the same queries."""

    def count() -> int:
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            _import_seed()
            transaction.set_rollback(True)
        return len(queries)

    few = count()
    for n in range(200):
        EntityAliasFactory(entity=EntityFactory(name=f"Gazette Holdings {n}"), name=f"GH {n}")
    assert count() == few


def test_entity_on_file_named_in_the_report_is_recognised_and_linked():
    """A place on file is linked where the report names it, not created again."""
    ulsan = EntityFactory(name="Ulsan", slug="ulsan", kind=EntityKind.PLACE)
    result = _import_seed()
    assert ulsan in result.article.mentions.all()
    assert not Entity.objects.filter(name="Ulsan").exclude(pk=ulsan.pk).exists()


def test_claim_with_the_same_figure_about_more_entities_is_another_claim():
    """The second report's $5 billion AWS claim is the seed's only if the entities match."""
    _import_seed()
    aws = Claim.objects.get(text__startswith="AWS and SK Group investing $5 billion")
    aws.subjects.add(EntityFactory())
    import_report(text=SECOND.read_bytes())
    assert aws.appearances.count() == 1
    assert Claim.objects.filter(amount=aws.amount, unit=aws.unit).count() == 2
