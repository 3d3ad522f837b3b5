"""The admin lists' count columns: right for every row, and sortable."""

import pytest
from django.urls import reverse

from tests.factories import (
    ArticleFactory,
    ClaimAppearanceFactory,
    ClaimFactory,
    EntityAliasFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


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


def test_entity_search_finds_names_aliases_and_wikidata_ids_once_each(as_editor):
    """Every word must match the name, an alias or the Wikidata ID; an entity with two matching
    aliases is listed once."""
    sk = PersonFactory(name="SK Group", wikidata_id="Q484043")
    EntityAliasFactory(entity=sk, name="SK Holdings")
    EntityAliasFactory(entity=sk, name="SK Inc. holdings arm")
    chey = PersonFactory(name="Chey Tae-won")
    EntityAliasFactory(entity=chey, name="최태원")
    PersonFactory(name="Holdings Unrelated Ltd")

    def found(term: str) -> list[str]:
        rows = _rows(as_editor, "admin:entities_entity_changelist", q=term)
        return sorted(row.name for row in rows)

    assert found("holdings") == ["Holdings Unrelated Ltd", "SK Group"]
    assert found("holdings sk") == ["SK Group"]
    assert found("최태원") == ["Chey Tae-won"]
    assert found("q484043") == ["SK Group"]
    assert found('"SK Inc."') == ["SK Group"]
    assert found("holdings nobody") == []


def test_the_autocomplete_boxes_search_entities_by_alias(as_editor):
    chey = PersonFactory(name="Chey Tae-won")
    EntityAliasFactory(entity=chey, name="최태원")
    response = as_editor.get(
        "/admin/autocomplete/",
        {"term": "최태원", "app_label": "articles", "model_name": "claim", "field_name": "speaker"},
    )
    assert response.json()["results"] == [{"id": str(chey.pk), "text": "Chey Tae-won"}]
