"""The entity page: what it is, aliases, relations, claims by status, coverage, figures."""

from http import HTTPStatus

import pytest

pytestmark = pytest.mark.django_db


def _page(client, entity) -> str:
    response = client.get(entity.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def test_entity_page_says_what_it_is_with_aliases_and_wikidata(client, summit):
    """Kind, description, aliases and a Wikidata link."""
    html = _page(client, summit.aws)
    assert "<h1>Amazon Web Services</h1>" in html
    assert "Cloud computing arm of Amazon" in html
    assert "Also known as" in html and "AWS" in html
    assert 'href="https://www.wikidata.org/wiki/Q456157">Q456157</a>' in html


def test_alias_in_another_language_is_marked_up(client, summit):
    """A Korean alias carries lang="ko" so screen readers pronounce it right."""
    assert '<span lang="ko">최태원</span>' in _page(client, summit.chey)


def test_relations_read_both_ways_with_their_source(client, summit):
    """“Chey Tae-won is chairman of SK Group” on both entities' pages, with its source."""
    for entity in (summit.chey, summit.sk_group):
        html = " ".join(_page(client, entity).split())
        assert "is chairman of" in html
        assert summit.source.get_absolute_url() in html
    assert 'href="/entities/sk-group/">SK Group</a>' in _page(client, summit.chey)


def test_claims_are_grouped_by_status(client, summit):
    """Claims where the entity is speaker or subject, under a heading per status."""
    html = _page(client, summit.government)
    assert 'id="claims-unverified"' in html
    assert summit.claims["budget"].text in html
    assert summit.claims["gpus"].text in html
    assert summit.claims["investment"].text not in html
    sk = _page(client, summit.sk_group)
    assert 'id="claims-verified"' in sk
    assert 'id="claims-disputed"' not in sk


def test_speaker_page_lists_what_they_said(client, summit):
    """Chey Tae-won's page lists the statement he made."""
    assert summit.claims["testbed"].text in _page(client, summit.chey)


def test_coverage_lists_articles_involving_the_entity(client, summit):
    """Articles mentioning the entity, about it as event, or carrying its claims."""
    for entity in (summit.chey, summit.event, summit.aws):
        assert summit.article.title in _page(client, entity)


def test_entity_without_figures_has_no_chart(client, summit):
    """A person who stated no figure gets no chart."""
    assert "<svg" not in _page(client, summit.chey)


def test_unknown_entity_is_404(client, db):
    """An unknown slug answers the friendly 404."""
    assert client.get("/entities/nobody/").status_code == HTTPStatus.NOT_FOUND


def test_relation_source_known_only_through_it_is_not_linked(client, summit):
    """A relation between public entities keeps its source unlinked if that source is not
    public (cited by no published article or claim)."""
    from entities.models import RelationKind
    from tests.factories import EntityRelationFactory, SourceFactory

    private = SourceFactory(title="Internal briefing note")
    EntityRelationFactory(
        subject=summit.aws, kind=RelationKind.PARTNER_OF, object=summit.sk_group, source=private
    )
    html = _page(client, summit.aws)
    assert "is partner of" in " ".join(html.split())
    assert "Internal briefing note" not in html
    assert private.get_absolute_url() not in html
