"""The hub's headline event: the one with the most published articles."""

import pytest

from articles.presenters import featured_event
from tests.factories import (
    ArticleFactory,
    ClaimAppearanceFactory,
    ClaimFactory,
    EventFactory,
    PublishedArticleFactory,
)

pytestmark = pytest.mark.django_db


def test_the_event_with_most_published_articles_is_featured_with_its_counts():
    """Drafts do not count; the claims counted are those published in the event's articles."""
    busy, quiet = EventFactory(name="Busy summit"), EventFactory(name="Quiet summit")
    first, second = PublishedArticleFactory(event=busy), PublishedArticleFactory(event=busy)
    PublishedArticleFactory(event=quiet)
    for _ in range(3):
        ArticleFactory(event=quiet)  # drafts
    claim = ClaimFactory()
    ClaimAppearanceFactory(claim=claim, article=first)
    ClaimAppearanceFactory(claim=claim, article=second)  # one claim, counted once
    ClaimAppearanceFactory(article=ArticleFactory(event=busy))  # a draft's claim
    event = featured_event()
    assert (event, event.article_count, event.claim_count) == (busy, 2, 1)


def test_events_with_as_many_articles_are_chosen_between_by_name():
    for name in ("Zeta summit", "Alpha summit"):
        PublishedArticleFactory(event=EventFactory(name=name))
    assert featured_event().name == "Alpha summit"


def test_without_published_event_coverage_the_first_public_event_is_shown():
    """An event readers can reach only through a published claim is shown with no coverage;
    an event only drafts are about is not."""
    ArticleFactory(event=EventFactory(name="Alpha summit"))
    claim = ClaimFactory()
    claim.subjects.set([EventFactory(name="Beta summit")])
    ClaimAppearanceFactory(claim=claim, article=PublishedArticleFactory())
    event = featured_event()
    assert (event.name, event.article_count, event.claim_count) == ("Beta summit", 0, 0)


def test_no_public_event_features_none():
    ArticleFactory(event=EventFactory())
    assert featured_event() is None
