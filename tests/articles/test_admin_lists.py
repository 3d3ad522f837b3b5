"""The admin lists' count columns: right for every row, and sortable."""

import pytest
from django.urls import reverse

from tests.factories import (
    ArticleFactory,
    ClaimAppearanceFactory,
    ClaimFactory,
    PersonFactory,
    editor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_editor(client):
    client.force_login(editor())
    return client


def _rows(client, url_name: str, **params) -> list:
    return list(client.get(reverse(url_name), params).context["cl"].result_list)


def test_a_claim_quoted_twice_in_an_article_is_counted_once(as_editor):
    article = ArticleFactory(title="Quoted twice")
    claim = ClaimFactory()
    ClaimAppearanceFactory(article=article, claim=claim, position=1)
    ClaimAppearanceFactory(article=article, claim=claim, position=2)
    ClaimAppearanceFactory(article=article, position=3)
    ArticleFactory(title="No claims")
    counts = {
        row.title: row.claims for row in _rows(as_editor, "admin:articles_article_changelist")
    }
    assert counts == {"Quoted twice": 2, "No claims": 0}


def test_the_entity_list_counts_claims_as_speaker_and_sorts_by_them(as_editor):
    quiet, talkative, silent = (PersonFactory(name=n) for n in ("Quiet", "Talkative", "Silent"))
    ClaimFactory(speaker=quiet)
    for _ in range(3):
        ClaimFactory(speaker=talkative)
    column = 1 + ["name", "kind", "wikidata_id", "needs_review", "claim_count"].index("claim_count")
    rows = _rows(as_editor, "admin:entities_entity_changelist", o=f"-{column}")
    spoken = [
        (row.name, row.spoken) for row in rows if row.pk in {quiet.pk, talkative.pk, silent.pk}
    ]
    assert spoken == [("Talkative", 3), ("Quiet", 1), ("Silent", 0)]
