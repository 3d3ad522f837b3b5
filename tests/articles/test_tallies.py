"""The tallies behind the home and entity pages' counts stay equal to the counts made the slow way,
whatever writes the rows, and their reads give what readers see as time passes."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from articles import tallies
from articles.models import (
    Article,
    ArticleStatus,
    ChartUnitTally,
    Citation,
    Claim,
    ClaimAppearance,
    ClaimKind,
    ClaimSource,
    EntityChartUnitTally,
    EntityClaimTally,
    EntityTally,
    EventArticleTally,
    SourceTally,
    VerificationStatus,
    chart_unit,
)
from articles.presenters import featured_event, most_cited_entities
from articles.services import article_publish, article_transition
from entities.models import Entity, EntityKind
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimAppearanceFactory,
    ClaimFactory,
    ClaimSourceFactory,
    EntityFactory,
    EventFactory,
    FigureClaimFactory,
    PersonFactory,
    PublishedArticleFactory,
    SourceFactory,
    editor,
)

pytestmark = pytest.mark.django_db


# --- The reference: the counts made the slow way, from the rows ------------------------------


def _counted_the_slow_way() -> dict[str, Counter]:
    """What each tally should hold: listed claims per (entity, status) and per entity
    involving it, mentions in articles with status published, listed figures per chart unit
    and per (entity, chart unit), published articles per event."""
    claims: Counter = Counter()
    entity_claims: Counter = Counter()
    entity_units: Counter = Counter()
    listed = Claim.objects.exclude(public_from=None).annotate(u=chart_unit())
    for claim in listed.prefetch_related("subjects"):
        involved = {subject.pk for subject in claim.subjects.all()} | {claim.speaker_id}
        for entity in involved - {None}:
            claims[(entity, claim.status)] += 1
            entity_claims[entity] += 1
            if claim.amount is not None:
                entity_units[(entity, claim.u)] += 1
    published = Article.objects.filter(status=ArticleStatus.PUBLISHED)
    mentions = Counter(
        Article.mentions.through.objects.filter(article__in=published).values_list(
            "entity_id", flat=True
        )
    )
    units = Counter(
        Claim.objects.exclude(public_from=None)
        .with_figures()
        .annotate(u=chart_unit())
        .values_list("u", flat=True)
    )
    events = Counter(published.exclude(event=None).values_list("event_id", flat=True))
    sources = Counter(
        Citation.objects.filter(article__in=published).values_list("source_id", flat=True)
    ) + Counter(
        ClaimSource.objects.exclude(claim__public_from=None).values_list("source_id", flat=True)
    )
    return {
        "claims": claims,
        "entity_claims": entity_claims,
        "mentions": mentions,
        "units": units,
        "entity_units": entity_units,
        "events": events,
        "sources": sources,
    }


def _nonzero(rows) -> Counter:
    """``rows`` of key columns then ``n`` as a Counter of their non-zero ``n``."""
    return Counter({(key[0] if len(key) == 1 else tuple(key)): n for *key, n in rows if n})


def _tallied() -> dict[str, Counter]:
    return {
        "claims": _nonzero(EntityClaimTally.objects.values_list("entity_id", "status", "n")),
        "entity_claims": _nonzero(EntityTally.objects.values_list("entity_id", "claims")),
        "mentions": _nonzero(EntityTally.objects.values_list("entity_id", "articles")),
        "units": _nonzero(ChartUnitTally.objects.values_list("unit", "n")),
        "entity_units": _nonzero(
            EntityChartUnitTally.objects.values_list("entity_id", "unit", "n")
        ),
        "events": _nonzero(EventArticleTally.objects.values_list("event_id", "n")),
        "sources": _nonzero(SourceTally.objects.values_list("source_id", "n")),
    }


def assert_tallies_right() -> None:
    """The tallies equal the slow counts, and a recount from scratch changes nothing."""
    expected = _counted_the_slow_way()
    assert _tallied() == expected
    tallies.recount()
    assert _tallied() == expected


def _published_claim(article, *, speaker=None, subjects=(), **kwargs) -> Claim:
    claim = ClaimFactory(speaker=speaker, **kwargs)
    claim.subjects.set(subjects)
    ClaimAppearanceFactory(claim=claim, article=article)
    return claim


# --- Write paths -------------------------------------------------------------------------------


def test_claim_writes_keep_the_entity_and_unit_tallies():
    """Saving, subjects added and removed, status and speaker changes, figures, ``update()``
    and deletes, in either order of a claim and its subject rows."""
    article = PublishedArticleFactory()
    chair, group, other = PersonFactory(), EntityFactory(), EntityFactory()
    claim = _published_claim(article, speaker=chair, subjects=[chair, group])
    assert_tallies_right()
    claim.status = VerificationStatus.VERIFIED
    claim.save()
    assert_tallies_right()
    claim.speaker = other
    claim.save()
    assert_tallies_right()
    claim.subjects.remove(chair)
    claim.subjects.add(other)  # now both speaker and subject: counted once
    assert_tallies_right()
    claim.subjects.clear()
    assert_tallies_right()
    Claim.objects.filter(pk=claim.pk).update(status=VerificationStatus.DISPUTED, speaker=group)
    assert_tallies_right()
    figure = FigureClaimFactory(equivalent_amount=Decimal(7), equivalent_unit="EUR")
    figure.subjects.set([group])
    ClaimAppearanceFactory(claim=figure, article=article)
    assert_tallies_right()
    Claim.objects.filter(pk=figure.pk).update(equivalent_amount=None, equivalent_unit="")
    assert_tallies_right()
    figure.delete()  # Django deletes the subject rows first
    assert_tallies_right()
    raw = _published_claim(article, speaker=chair, subjects=[group, other])
    with connection.cursor() as cursor:  # the claim first, then its other rows
        cursor.execute("DELETE FROM articles_claim WHERE id = %s", [raw.pk])
        cursor.execute("DELETE FROM articles_claim_subjects WHERE claim_id = %s", [raw.pk])
        cursor.execute("DELETE FROM articles_claimappearance WHERE claim_id = %s", [raw.pk])
    assert_tallies_right()


def test_figure_writes_keep_the_entity_unit_tallies():
    """A figure's unit, equivalent, amount, speaker and subjects changed, its status changed
    (no unit count moves), listed and unlisted, deleted: the per-entity unit counts follow."""
    article = PublishedArticleFactory()
    chair, group, other = PersonFactory(), EntityFactory(), EntityFactory()
    figure = FigureClaimFactory(speaker=chair, unit="MW")
    figure.subjects.set([chair, group])  # the speaker as a subject: counted once
    assert_tallies_right()  # not listed yet
    ClaimAppearanceFactory(claim=figure, article=article)
    assert_tallies_right()
    figure.equivalent_amount, figure.equivalent_unit = Decimal(3), "USD"
    figure.save()
    assert_tallies_right()
    figure.status = VerificationStatus.VERIFIED
    figure.save()
    assert_tallies_right()
    Claim.objects.filter(pk=figure.pk).update(speaker=other, unit="GW")
    assert_tallies_right()
    figure.subjects.remove(group)
    figure.subjects.add(PersonFactory())
    assert_tallies_right()
    Claim.objects.filter(pk=figure.pk).update(
        kind=ClaimKind.STATEMENT, amount=None, unit="", equivalent_amount=None, equivalent_unit=""
    )
    assert_tallies_right()
    Claim.objects.filter(pk=figure.pk).update(kind=ClaimKind.FIGURE, amount=9, unit="EUR")
    assert_tallies_right()
    ClaimAppearance.objects.filter(claim=figure).delete()  # unlisted
    assert_tallies_right()
    ClaimAppearanceFactory(claim=figure, article=article)
    Claim.subjects.through.objects.filter(claim=figure, entity=chair).update(entity=group)
    assert_tallies_right()
    figure.delete()
    assert_tallies_right()


def test_bulk_writes_keep_the_tallies():
    """``bulk_create`` of claims, subjects and appearances, and ``update()`` of articles."""
    article, entity = ArticleFactory(), EntityFactory()
    claims = Claim.objects.bulk_create(
        [Claim(text=f"Claim {n}", text_key=f"claim {n}", speaker=entity) for n in range(3)]
        + [
            Claim(text=f"Figure {n}", text_key=f"figure {n}", amount=n + 1, unit=unit)
            for n, unit in enumerate(["USD", "USD", "MW"])
        ]
    )
    Claim.subjects.through.objects.bulk_create(
        [Claim.subjects.through(claim=claim, entity=EntityFactory()) for claim in claims]
    )
    ClaimAppearance.objects.bulk_create(
        [
            ClaimAppearance(claim=claim, article=article, passage="x", position=n + 1)
            for n, claim in enumerate(claims)
        ]
    )
    assert_tallies_right()
    Article.objects.filter(pk=article.pk).update(
        status=ArticleStatus.PUBLISHED, published_at=timezone.now()
    )
    assert_tallies_right()
    assert {e.pk: e.claim_count for e in most_cited_entities()}[entity.pk] == 3
    Claim.subjects.through.objects.filter(claim__unit="USD").delete()
    assert_tallies_right()


def test_article_writes_keep_the_mention_and_event_tallies():
    """Mentions added and removed, publishing, archiving, the event changed, deletes."""
    summit, forum = EventFactory(), EventFactory()
    article = ArticleFactory(event=summit, body="Leaders met.")
    chair = PersonFactory()
    article.mentions.add(chair, EntityFactory())
    claim = _published_claim(article, subjects=[chair])
    ClaimSourceFactory(claim=claim)
    assert_tallies_right()
    article_publish(article=article, by=editor())
    assert_tallies_right()
    article.refresh_from_db()
    article.event = forum
    article.save()
    article.mentions.remove(chair)
    assert_tallies_right()
    article_transition(article=article, to_status=ArticleStatus.ARCHIVED, by=editor())
    assert_tallies_right()
    Article.objects.filter(pk=article.pk).update(status=ArticleStatus.PUBLISHED)
    article.mentions.add(chair)
    assert_tallies_right()
    article.mentions.clear()
    article.mentions.add(chair)
    assert_tallies_right()
    ClaimAppearance.objects.filter(article=article).delete()
    article.delete()
    assert_tallies_right()


def test_citation_and_backing_writes_keep_the_source_tally():
    """Citations and claims' sources added, moved and removed; articles published,
    unpublished and deleted; claims listed and unlisted, ``update()`` and raw deletes in
    either order: each source's count of listed links follows."""
    article, other = ArticleFactory(), PublishedArticleFactory()
    cited, backing, spare = SourceFactory(), SourceFactory(), SourceFactory()
    citation = CitationFactory(article=article, source=cited, number=1)
    CitationFactory(article=other, source=cited, number=1)
    claim = ClaimFactory()
    ClaimSourceFactory(claim=claim, source=backing)
    assert_tallies_right()  # the draft's citation and the unlisted claim's backing: none
    article_publish(article=article, by=editor())
    ClaimAppearanceFactory(claim=claim, article=other)
    assert_tallies_right()
    citation.source = spare
    citation.save()
    ClaimSource.objects.filter(claim=claim).update(source=cited)
    assert_tallies_right()
    Article.objects.filter(pk=article.pk).update(status=ArticleStatus.DRAFT)
    ClaimAppearance.objects.filter(claim=claim).delete()  # unlisted
    assert_tallies_right()
    Article.objects.filter(pk=article.pk).update(status=ArticleStatus.PUBLISHED)
    ClaimAppearanceFactory(claim=claim, article=article)
    assert_tallies_right()
    claim.delete()  # Django deletes the backing rows first
    article.delete()
    assert_tallies_right()
    raw = CitationFactory(article=other, source=backing, number=2)
    with connection.cursor() as cursor:  # the article first, then its citations
        cursor.execute("DELETE FROM articles_article WHERE id = %s", [other.pk])
        cursor.execute("DELETE FROM articles_citation WHERE id = %s", [raw.pk])
        cursor.execute("DELETE FROM articles_citation WHERE article_id = %s", [other.pk])
    assert_tallies_right()


def test_a_scheduled_article_counts_exactly_when_its_time_comes():
    """The tallies count a scheduled article's coverage at once; the reads leave it out
    until its time, and then count it, with nothing run in between."""
    event = EventFactory(name="Summit")
    PublishedArticleFactory(event=EventFactory(name="Alpha forum"))
    at = timezone.now() + dt.timedelta(hours=1)
    later = [PublishedArticleFactory(event=event, published_at=at) for _ in range(2)]
    speaker = PersonFactory(name="Chair")
    later[0].mentions.add(speaker)
    _published_claim(later[0], speaker=speaker)
    figure = FigureClaimFactory(unit="GPU", status=VerificationStatus.FALSE)
    figure.subjects.add(speaker)
    figure.appearances.create(article=later[1], passage="x", position=1)
    assert_tallies_right()
    assert featured_event().name == "Alpha forum"
    assert most_cited_entities() == []
    assert Claim.objects.published_status_counts(speaker) == {}
    assert Claim.objects.published_entity_counts(speaker) == ({}, {})
    assert tallies.published_unit_sizes() == {}
    with mock.patch("django.utils.timezone.now", return_value=at + dt.timedelta(seconds=1)):
        assert (featured_event().name, featured_event().article_count) == ("Summit", 2)
        ranked = [(e.name, e.claim_count, e.article_count) for e in most_cited_entities()]
        assert ranked == [("Chair", 2, 1)]
        assert Claim.objects.published_status_counts(speaker) == {"unverified": 1, "false": 1}
        assert Claim.objects.published_entity_counts(speaker.pk) == (
            {"unverified": 1, "false": 1},
            {"GPU": 1},
        )
        assert tallies.published_unit_sizes() == {"GPU": 1}


def _ranked_the_slow_way(limit: int) -> list[tuple[int, int, int]]:
    """``tallies.most_cited``'s answer counted from the published rows, entity by entity."""
    ranked = []
    for entity in Entity.objects.exclude(kind=EntityKind.EVENT):
        claims = Claim.objects.published().involving_by_ids(entity).count()
        articles = Article.objects.published().filter(mentions=entity).count()
        if claims or articles:
            ranked.append((-claims, -articles, entity.name, entity.pk))
    return [(pk, -claims, -articles) for claims, articles, _, pk in sorted(ranked)[:limit]]


def test_the_most_cited_walk_stops_only_when_no_entity_below_can_make_the_list(
    django_assert_num_queries,
):
    """The ranking walks the entities by their listed counts and corrects them for what is
    scheduled: an entity whose coverage is mostly scheduled falls below entities it leads
    on the tallies, ties (also across the walk's rounds) break on articles then name, and
    the list is the same whatever the size of a round."""
    now_article = PublishedArticleFactory()
    later = PublishedArticleFactory(published_at=timezone.now() + dt.timedelta(hours=1))
    star = PersonFactory(name="Star")  # 4 listed claims, 1 of them published
    for _ in range(3):
        _published_claim(later, speaker=star)
    _published_claim(now_article, speaker=star)
    beta, gamma, delta = (PersonFactory(name=name) for name in ("Beta", "Gamma", "Delta"))
    for entity in (beta, gamma):  # tied on (2 claims, 0 articles): by name
        _published_claim(now_article, speaker=entity, subjects=[entity])
        _published_claim(now_article, subjects=[entity])
    _published_claim(now_article, subjects=[delta])
    now_article.mentions.add(delta, PersonFactory(name="Alpha"))  # Alpha: no claim
    later.mentions.add(star, PersonFactory(name="Omega"))  # Omega: scheduled mention only
    epsilon = PersonFactory(name="Epsilon")  # tied with Star on (1 claim, 0 articles)
    _published_claim(now_article, speaker=epsilon)
    _published_claim(now_article, speaker=EventFactory(name="Summit"))  # events left out
    _published_claim(ArticleFactory(), speaker=PersonFactory(name="Drafted"))

    assert _ranked_the_slow_way(7) == [
        (beta.pk, 2, 0),
        (gamma.pk, 2, 0),
        (delta.pk, 1, 1),
        (epsilon.pk, 1, 0),
        (star.pk, 1, 0),  # first on the tallies: (4, 1) listed
        (Entity.objects.get(name="Alpha").pk, 0, 1),
    ]
    for limit in range(1, 8):
        expected = _ranked_the_slow_way(limit)
        for batch in (1, 2, 3, 50):
            assert tallies.most_cited(limit, batch=batch) == expected, (limit, batch)
    with django_assert_num_queries(2):  # one round of the walk, then the entities
        assert [e.name for e in most_cited_entities(limit=5)] == [
            "Beta",
            "Gamma",
            "Delta",
            "Epsilon",
            "Star",
        ]
    with mock.patch("django.utils.timezone.now", return_value=later.published_at):
        assert tallies.most_cited(2, batch=1) == [(star.pk, 4, 1), (beta.pk, 2, 0)]


def test_published_status_counts_agree_with_counting_the_entitys_claims():
    """Each status's count is that of the entity's published claims (the slow GROUP BY);
    a claim by and about the entity counts once; drafts and scheduled claims do not."""
    entity = PersonFactory()
    article = PublishedArticleFactory()
    scheduled = PublishedArticleFactory(published_at=timezone.now() + dt.timedelta(days=1))
    _published_claim(article, speaker=entity, subjects=[entity])
    _published_claim(article, subjects=[entity], status=VerificationStatus.FALSE)
    _published_claim(article, speaker=entity, status=VerificationStatus.FALSE)
    _published_claim(scheduled, speaker=entity, status=VerificationStatus.VERIFIED)
    _published_claim(ArticleFactory(), speaker=entity, status=VerificationStatus.VERIFIED)
    slow = dict(
        Claim.objects.published()
        .involving_by_ids(entity)
        .values_list("status")
        .annotate(Count("pk"))
        .order_by()
    )
    assert slow == {"unverified": 1, "false": 2}
    assert Claim.objects.published_status_counts(entity) == slow
    assert Claim.objects.published_status_counts(entity.pk) == slow


def test_charted_published_draws_what_charted_does():
    """The home page's charts, their sizes read from the tallies, equal ``charted``'s."""
    article = PublishedArticleFactory()
    for amount, unit in ((5, "USD"), (7, "USD"), (3, "GPU")):
        figure = FigureClaimFactory(amount=Decimal(amount), unit=unit)
        ClaimAppearanceFactory(claim=figure, article=article)
    FigureClaimFactory(unit="MW")  # unpublished: no MW chart
    slow = Claim.objects.published().charted(1).order_by("pk")
    fast = Claim.objects.charted_published(1).order_by("pk")
    assert [(c.pk, c.chart_unit_size) for c in fast] == [(c.pk, c.chart_unit_size) for c in slow]
    assert sorted(c.chart_unit_size for c in fast) == [1, 2]


def test_recount_tallies_command_repairs_the_tallies():
    """``manage.py recount_tallies`` puts tallies written wrongly right again."""
    _published_claim(PublishedArticleFactory(), speaker=PersonFactory())
    EntityClaimTally.objects.update(n=99)
    ChartUnitTally.objects.create(unit="XYZ", n=4)
    EntityChartUnitTally.objects.create(entity=EntityFactory(), unit="XYZ", n=2)
    call_command("recount_tallies", stdout=StringIO())
    assert_tallies_right()


def test_the_bench_data_builder_leaves_the_tallies_right():
    call_command("build_bench_data", "--scale", "0.001", "--no-progress", stdout=StringIO())
    assert sum(_tallied()["claims"].values()) > 0
    assert_tallies_right()
