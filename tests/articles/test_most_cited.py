"""The hub's most-cited ranking: published claims as speaker or subject, each counted once."""

import pytest

from articles.presenters import most_cited_entities
from tests.factories import (
    ArticleFactory,
    ClaimAppearanceFactory,
    ClaimFactory,
    EntityFactory,
    EventFactory,
    PersonFactory,
    PublishedArticleFactory,
)

pytestmark = pytest.mark.django_db


def published_claim(article, *, speaker=None, subjects=()):
    claim = ClaimFactory(speaker=speaker)
    claim.subjects.set(subjects)
    ClaimAppearanceFactory(claim=claim, article=article)
    return claim


def test_speaker_and_subject_of_one_claim_counts_once_and_drafts_not_at_all():
    """Claims by or about an entity in published articles, each once; drafts do not count."""
    article, draft = PublishedArticleFactory(), ArticleFactory()
    chair, group = PersonFactory(name="Chair"), EntityFactory(name="Group")
    published_claim(article, speaker=chair, subjects=[chair, group])  # chair: speaker and subject
    published_claim(article, speaker=chair)
    published_claim(article, subjects=[group])
    published_claim(draft, speaker=group, subjects=[group])
    ranked = {entity.name: entity.claim_count for entity in most_cited_entities()}
    assert ranked == {"Chair": 2, "Group": 2}


def test_ties_break_on_articles_then_name_and_events_are_left_out():
    """Equal claim counts rank by published articles mentioning the entity, then by name."""
    first, second = PublishedArticleFactory(), PublishedArticleFactory()
    event = EventFactory(name="Summit")
    first.event = event
    first.save()
    zeta, alpha, beta = (EntityFactory(name=name) for name in ("Zeta", "Alpha", "Beta"))
    for entity in (zeta, alpha, beta):
        published_claim(first, subjects=[entity, event])
    zeta.mentioned_in_articles.set([first, second])
    alpha.mentioned_in_articles.set([first])
    published_claim(first, subjects=[beta])
    assert [e.name for e in most_cited_entities()] == ["Beta", "Zeta", "Alpha"]
    assert [e.name for e in most_cited_entities(limit=2)] == ["Beta", "Zeta"]


def test_a_tie_at_the_cut_off_is_broken_by_name():
    """Entities tied with the last place shown compete for it by name."""
    article = PublishedArticleFactory()
    for name in ("Zeta", "Alpha", "Mu"):
        published_claim(article, subjects=[EntityFactory(name=name)])
    assert [e.name for e in most_cited_entities(limit=1)] == ["Alpha"]
    assert [e.name for e in most_cited_entities(limit=2)] == ["Alpha", "Mu"]


def test_events_ranked_above_the_cut_off_leave_their_places_to_the_next():
    """When events have the most claims, the ranking still lists ``limit`` non-events."""
    article = PublishedArticleFactory()
    events = [EventFactory(name=f"Summit {n}") for n in range(3)]
    for count, name in ((3, "Chair"), (2, "Group"), (1, "Ministry")):
        entity = EntityFactory(name=name)
        for _ in range(count):
            published_claim(article, subjects=[entity, *events])
    ranked = [(e.name, e.claim_count) for e in most_cited_entities(limit=2)]
    assert ranked == [("Chair", 3), ("Group", 2)]


def test_names_break_ties_code_point_by_code_point():
    """Tied entities keep the order they always had: names compared as Python compares
    strings (capitals before small letters, accented letters after Z), on either database."""
    article = PublishedArticleFactory()
    for name in ("alpha", "Émile", "Zeta", "Beta"):
        published_claim(article, subjects=[EntityFactory(name=name)])
    assert [e.name for e in most_cited_entities()] == ["Beta", "Zeta", "alpha", "Émile"]
