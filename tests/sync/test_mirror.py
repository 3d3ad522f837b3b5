"""A client that follows the feed ends with exactly the published data set, whatever happened."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Max, ProtectedError

from articles.models import (
    Article,
    ArticleStatus,
    Claim,
    ClaimAppearance,
    CorrectionNote,
    Source,
    VerificationStatus,
)
from articles.services import (
    article_publish,
    article_transition,
    article_unpublish,
    claim_set_status,
    claim_update_figure,
    entity_merge,
)
from entities.models import Entity, EntityAlias
from sync import state
from sync.services import changes_publish_due
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimAppearanceFactory,
    ClaimFactory,
    EntityFactory,
    EventFactory,
    PersonFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db
FEED = "/api/v1/changes/"


class Mirror:
    """What an API client keeps: apply each change in order, follow next_cursor."""

    def __init__(self, client, page_size: int):
        self.client, self.page_size = client, page_size
        self.cursor = "0"
        self.objects: dict[tuple[str, int], dict] = {}

    def catch_up(self) -> None:
        while True:
            response = self.client.get(FEED, {"cursor": self.cursor, "limit": self.page_size})
            assert response.status_code == 200, response.content
            body = response.json()
            for change in body["results"]:
                key = (change["kind"], change["object_id"])
                if change["data"] is None:
                    self.objects.pop(key, None)
                else:
                    self.objects[key] = change["data"]
            self.cursor = body["next_cursor"]
            if not body["has_more"]:
                return


class Newsroom:
    """Random editorial work through the same services the admin and API use."""

    def __init__(self, rng: random.Random, editor, clock):
        self.rng, self.editor, self.clock = rng, editor, clock

    def pick(self, queryset):
        pks = list(queryset.order_by("pk").values_list("pk", flat=True))
        return queryset.model.objects.get(pk=self.rng.choice(pks)) if pks else None

    def new_entity(self):
        self.rng.choice([EntityFactory, PersonFactory, EventFactory])()

    def new_source(self):
        SourceFactory()

    def new_article(self):
        event = self.pick(Entity.objects.filter(kind="event")) if self.rng.random() < 0.5 else None
        article = ArticleFactory(event=event)
        CitationFactory(
            article=article, number=1, source=self.pick(Source.objects) or SourceFactory()
        )
        for _ in range(self.rng.randint(0, 2)):
            if entity := self.pick(Entity.objects):
                article.mentions.add(entity)

    def new_claim(self):
        article = self.pick(Article.objects)
        if article is None:
            return
        claim = ClaimFactory(speaker=self.pick(Entity.objects.filter(kind="person")))
        if self.rng.random() < 0.9:
            claim.sources.add(self.pick(Source.objects) or SourceFactory())
        if (subject := self.pick(Entity.objects)) and self.rng.random() < 0.5:
            claim.subjects.add(subject)
        self._appear(claim, article)

    def _appear(self, claim, article):
        last = article.appearances.aggregate(last=Max("position"))["last"] or 0
        ClaimAppearanceFactory(claim=claim, article=article, position=last + 1)

    def reuse_claim(self):
        claim, article = self.pick(Claim.objects), self.pick(Article.objects)
        if claim and article and not article.appearances.filter(claim=claim).exists():
            self._appear(claim, article)

    def drop_appearance(self):
        if appearance := self.pick(ClaimAppearance.objects):
            appearance.delete()

    def publish(self):
        if article := self.pick(Article.objects.exclude(status=ArticleStatus.PUBLISHED)):
            article_publish(article=article, by=self.editor)

    def schedule(self):
        if article := self.pick(Article.objects.all()):
            at = self.clock.now + dt.timedelta(hours=self.rng.choice([1, 2, 3]))
            article_publish(article=article, by=self.editor, at=at)

    def unpublish(self):
        if article := self.pick(Article.objects.filter(status=ArticleStatus.PUBLISHED)):
            article_unpublish(article=article, by=self.editor)

    def archive(self):
        if article := self.pick(Article.objects.filter(status=ArticleStatus.PUBLISHED)):
            article_transition(article=article, to_status=ArticleStatus.ARCHIVED, by=self.editor)

    def edit_article(self):
        if article := self.pick(Article.objects):
            article.title = f"Edited headline {self.rng.randint(1, 10**6)}"
            article.save()

    def edit_claim(self):
        if claim := self.pick(Claim.objects):
            claim.text = f"Reworded claim {self.rng.randint(1, 10**6)}."
            claim.save()

    def verify(self):
        if claim := self.pick(Claim.objects):
            status = self.rng.choice(VerificationStatus.values)
            claim_set_status(
                claim=claim, status=status, by=self.editor, correction="Verdict fixed."
            )

    def correct_figure(self):
        if claim := self.pick(Claim.objects):
            billions = self.rng.randint(1, 9)
            claim.appearances.update(passage=f"It invested ${billions} billion.")
            claim_update_figure(
                claim=claim,
                by=self.editor,
                amount=Decimal(billions * 10**9),
                unit="USD",
                correction="The figure was wrong.",
            )

    def add_correction(self):
        if article := self.pick(Article.objects.filter(status=ArticleStatus.PUBLISHED)):
            CorrectionNote.objects.create(article=article, text="A date was wrong.")

    def edit_entity(self):
        if entity := self.pick(Entity.objects):
            if self.rng.random() < 0.5:
                entity.description = f"Described {self.rng.randint(1, 10**6)}"
                entity.save()
            else:
                EntityAlias.objects.create(
                    entity=entity, name=f"Alias {self.rng.randint(1, 10**9)}"
                )

    def edit_source(self):
        if source := self.pick(Source.objects):
            source.title = f"Retitled source {self.rng.randint(1, 10**6)}"
            source.save()

    def relink(self):
        article, claim, entity = (
            self.pick(Article.objects),
            self.pick(Claim.objects),
            self.pick(Entity.objects),
        )
        action = self.rng.choice(["mention", "unmention", "subject", "clear", "unsource"])
        if action == "mention" and article and entity:
            article.mentions.add(entity)
        elif action == "unmention" and article and entity:
            entity.mentioned_in_articles.remove(article)
        elif action == "subject" and claim and entity:
            entity.claims_about.add(claim)
        elif action == "clear" and claim:
            claim.subjects.clear()
        elif action == "unsource" and claim and (source := claim.sources.first()):
            claim.sources.remove(source)

    def merge_entities(self):
        keep, drop = self.pick(Entity.objects), self.pick(Entity.objects)
        if keep and drop and keep != drop:
            entity_merge(keep=keep, drop=drop, by=self.editor)

    def delete_something(self):
        model = self.rng.choice([Article, Claim, Source, Entity])
        if obj := self.pick(model.objects):
            obj.delete()

    def time_passes(self):
        self.clock.advance(hours=self.rng.choice([1, 2]))
        if self.rng.random() < 0.5:
            changes_publish_due()  # the periodic task; otherwise the feed read catches up

    STEPS = {
        new_entity: 2,
        new_source: 2,
        new_article: 3,
        new_claim: 4,
        reuse_claim: 1,
        drop_appearance: 1,
        publish: 6,
        schedule: 2,
        unpublish: 1,
        archive: 1,
        edit_article: 2,
        edit_claim: 2,
        verify: 2,
        correct_figure: 1,
        add_correction: 1,
        edit_entity: 1,
        edit_source: 1,
        relink: 2,
        merge_entities: 1,
        delete_something: 1,
        time_passes: 2,
    }

    def step(self) -> str:
        step = self.rng.choices(list(self.STEPS), weights=list(self.STEPS.values()))[0]
        step(self)
        return step.__name__


EXPECTED_ERRORS = (ValidationError, ProtectedError)


def published_data_set() -> set[tuple[str, int]]:
    """Computed independently of the feed: the QuerySets that decide what is public."""
    return {
        (kind, pk)
        for kind, queryset in [
            ("article", Article.objects.published()),
            ("claim", Claim.objects.published()),
            ("entity", Entity.objects.public()),
            ("source", Source.objects.public()),
        ]
        for pk in queryset.values_list("pk", flat=True)
    }


@pytest.mark.parametrize("seed", range(6))
def test_mirror_equals_published_data_set_after_random_edits(
    client, commit, an_editor, clock, seed
):
    """After random edits, rollbacks and scheduled publications both mirrors equal the data."""
    rng = random.Random(seed)
    newsroom = Newsroom(rng, an_editor, clock)
    follower = Mirror(client, page_size=5)  # reads along the way
    largest = 0
    for number in range(70):
        rollback = rng.random() < 0.1
        try:
            with commit():
                newsroom.step()
                if rollback:
                    raise RuntimeError("abandoned")
        except (*EXPECTED_ERRORS, RuntimeError):
            pass
        if number % 7 == 6:
            follower.catch_up()
            assert set(follower.objects) == published_data_set()
            largest = max(largest, len(follower.objects))
    clock.advance(hours=3)  # every scheduled article is now due; only the feed read notices
    follower.catch_up()
    latecomer = Mirror(client, page_size=50)  # starts from nothing at the end
    latecomer.catch_up()

    expected = published_data_set()
    assert largest > 0, f"seed {seed} never published anything: the test proved nothing"
    for mirror in (follower, latecomer):
        assert set(mirror.objects) == expected
        assert mirror.objects == state.public_payloads(None)
        _assert_matches_database(mirror.objects)
        _assert_closed(mirror.objects)


def _assert_matches_database(objects) -> None:
    for (kind, pk), data in objects.items():
        if kind == "article":
            article = Article.objects.get(pk=pk)
            assert (data["title"], data["slug"]) == (article.title, article.slug)
        elif kind == "claim":
            claim = Claim.objects.get(pk=pk)
            assert (data["text"], data["status"]) == (claim.text, claim.status)
        elif kind == "entity":
            assert data["name"] == Entity.objects.get(pk=pk).name
        else:
            assert data["title"] == Source.objects.get(pk=pk).title


def _assert_closed(objects) -> None:
    """Every id a mirrored object refers to is itself mirrored: nothing unpublished leaks."""
    for (kind, _pk), data in objects.items():
        if kind == "article":
            refs = [("claim", c) for c in data["claims"]]
            refs += [("source", c["source"]) for c in data["citations"]]
            refs += [("entity", e) for e in [data["event"], *data["mentions"]] if e]
        elif kind == "claim":
            refs = [("source", s) for s in data["sources"]]
            refs += [("entity", e) for e in [data["speaker"], *data["subjects"]] if e]
            refs += [("article", a["article"]) for a in data["appearances"]]
        else:
            refs = []
        missing = [ref for ref in refs if ref not in objects]
        assert not missing, f"{kind} {data['id']} refers to unmirrored {missing}"
