"""The curated gazetteer shipped as data: it loads, and bad data is refused with a reason."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from entities.gazetteer import alias_language, load_gazetteer, parse_gazetteer
from entities.models import EntityKind


def test_gazetteer_loads_with_the_names_summit_coverage_needs():
    """Aliases, Korean-script names, roles, kinds and relations are there."""
    gazetteer = load_gazetteer()
    assert gazetteer.find("AWS").name == "Amazon Web Services"
    assert gazetteer.find("Korea").name == "South Korea"
    assert gazetteer.find("최태원").name == "Chey Tae-won"
    assert gazetteer.find("Chey Tae-won").description == "Chairman of SK Group"
    assert gazetteer.find("Stargate project").kind == EntityKind.PROJECT
    assert gazetteer.find("APEC CEO Summit 2025").kind == EntityKind.EVENT
    relations = {(r.subject, r.kind, r.object) for r in gazetteer.relations}
    assert ("Chey Tae-won", "chairman_of", "SK Group") in relations


def test_every_wikidata_id_is_unique_and_well_formed():
    """IDs are optional; those given are distinct and look like Q884."""
    ids = [e.wikidata_id for e in load_gazetteer().entries if e.wikidata_id]
    assert len(ids) == len(set(ids))
    assert all(i[0] == "Q" and i[1:].isdigit() for i in ids)
    assert load_gazetteer().find("South Korea").wikidata_id == "Q884"


def test_alias_language_marks_korean_script():
    """Korean-script aliases are stored with the language “ko”."""
    assert alias_language("SK하이닉스") == "ko"
    assert alias_language("AWS") == ""


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"entities": [{"name": "X", "kind": "planet"}]}, "needs a name and a kind"),
        ({"entities": [{"name": "X", "kind": "place", "wikidata_id": "884"}]}, "not a Wikidata"),
        (
            {
                "entities": [
                    {"name": "South Korea", "kind": "place", "aliases": ["Korea"]},
                    {"name": "North Korea", "kind": "place", "aliases": ["korea"]},
                ]
            },
            "names both",
        ),
        (
            {
                "entities": [
                    {"name": "A", "kind": "place", "wikidata_id": "Q1"},
                    {"name": "B", "kind": "place", "wikidata_id": "Q1"},
                ]
            },
            "given to both",
        ),
        (
            {
                "entities": [{"name": "A", "kind": "person"}],
                "relations": [{"subject": "A", "kind": "ceo_of", "object": "B"}],
            },
            "must link two different entries",
        ),
        (
            {
                "entities": [{"name": "A", "kind": "person"}, {"name": "B", "kind": "place"}],
                "relations": [{"subject": "A", "kind": "lives_in", "object": "B"}],
            },
            "unknown kind",
        ),
    ],
)
def test_bad_gazetteer_data_is_refused(data, reason):
    """An ambiguous alias, a malformed ID or a dangling relation stops loading."""
    with pytest.raises(ImproperlyConfigured, match=reason):
        parse_gazetteer(data)
