"""Instances built from hand-written SQL (``coverage_site.rows``) are the ORM's own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models.signals import post_init

from articles.models import Claim
from coverage_site.rows import instances
from entities.models import Entity, EntityRedirect
from tests.factories import EntityFactory, FigureClaimFactory, PublishedArticleFactory

pytestmark = pytest.mark.django_db

FIELDS = ("amount", "id", "figure_date", "text", "speaker_id")  # not the model's order


def _load(model, names, sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return instances(model, names, cursor.fetchall())


def test_values_are_converted_as_the_orm_converts_them():
    """Decimals and dates come back typed on every backend, each in its own field, with the
    extra columns handed back; what was not selected loads on access, as with ``raw()``."""
    speaker = EntityFactory()
    claim = FigureClaimFactory(
        amount=Decimal("12.50"), figure_date=dt.date(2030, 1, 1), speaker=speaker
    )
    sql = "SELECT amount, id, figure_date, text, speaker_id, 'extra' FROM articles_claim"
    [(loaded, extras)] = _load(Claim, FIELDS, sql + " WHERE id = %s", [claim.pk])
    expected = Claim.objects.get(pk=claim.pk)
    assert extras == ("extra",)
    assert (loaded.pk, loaded.text, loaded.amount) == (claim.pk, claim.text, Decimal("12.50"))
    assert loaded.figure_date == dt.date(2030, 1, 1)
    assert loaded.get_deferred_fields() >= {"unit", "status"}
    assert loaded.unit == expected.unit  # read on access
    assert loaded.speaker == speaker
    assert not loaded._state.adding


def test_an_entity_renamed_after_loading_keeps_its_old_address():
    """Entities remember the slug they were loaded with, as ``from_db`` makes them do."""
    entity = EntityFactory(slug="old-name")
    PublishedArticleFactory(event=entity)  # readers have seen its page
    sql = "SELECT id, name, slug, kind FROM entities_entity WHERE id = %s"
    [(loaded, _)] = _load(Entity, ("id", "name", "slug", "kind"), sql, [entity.pk])
    loaded.slug = "new-name"
    loaded.save()
    assert EntityRedirect.objects.filter(old_slug="old-name", entity=entity).exists()


def test_init_signal_receivers_still_hear_of_each_instance():
    """With a ``post_init`` receiver listening, instances are built through ``__init__``."""
    claim = FigureClaimFactory()
    heard = []

    def receiver(sender, instance, **kwargs):
        heard.append(instance.pk)

    post_init.connect(receiver, sender=Claim)
    try:
        sql = "SELECT amount, id, figure_date, text, speaker_id FROM articles_claim WHERE id = %s"
        [(loaded, _)] = _load(Claim, FIELDS, sql, [claim.pk])
    finally:
        post_init.disconnect(receiver, sender=Claim)
    assert heard == [claim.pk]
    assert loaded.amount == claim.amount


def test_rows_of_a_values_list_queryset_are_not_converted_twice():
    """Rows the ORM has already converted (``values_list()``) become the same instances."""
    claim = FigureClaimFactory(amount=Decimal("12.50"), figure_date=dt.date(2030, 1, 1))
    rows = Claim.objects.filter(pk=claim.pk).values_list(*FIELDS, "unit")
    [(loaded, extras)] = instances(Claim, FIELDS, rows, converted=True)
    assert (loaded.pk, loaded.amount, loaded.figure_date) == (
        claim.pk,
        Decimal("12.50"),
        dt.date(2030, 1, 1),
    )
    assert extras == (claim.unit,)
