"""The benchmark data set: 10,000 articles, 100,000 claims, 5,000 entities, 20,000 sources.

Deterministic for a seed, written in one transaction by ``bench.bulk`` (COPY on PostgreSQL) with
explicit primary keys. Bulk writes skip ``save()``, signals and django-simple-history, so the
columns ``save()`` derives (``name_key``, ``text_key``) are computed here and no history rows are
written: fine for load testing. The data is publishable as it stands: every body marker has a
citation, every claim a source, every figure is stated in its passage, and every published
article's time is in the past except a few deliberately scheduled ones.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, models, transaction
from django.db.models import Max

from articles.caching import content_changed
from articles.models import (
    Article,
    ArticleStatus,
    Citation,
    Claim,
    ClaimAppearance,
    ClaimSource,
    Source,
)
from articles.stored_body import store_bodies
from entities.models import Entity, EntityAlias, EntityRelation

from . import bulk, text
from .progress import Progress

FULL_SIZE = {"articles": 10_000, "claims": 100_000, "entities": 5_000, "sources": 20_000}
MIN_SCALE, MAX_SCALE = 0.001, 10.0
HIDDEN_ARTICLE_EVERY = 20  # one article in 20 is a draft, in review, archived or scheduled
BUSY_CLAIM_EVERY = 20  # one claim in 20 is about the busy entity
HIDDEN_STATES = ["draft", "in_review", "archived", "scheduled"]
SECOND_APPEARANCE_SHARE = 0.10  # claims repeated in a second article
EXTRA_SOURCE_SHARE = 0.30  # claims backed by one more source than their articles cite
# Every date lies before this anchor, so a seed gives the same rows whenever it is built;
# scheduled articles lie after SCHEDULED_FROM, far enough ahead to stay hidden.
ANCHOR = dt.datetime(2025, 11, 1, 9, 0, tzinfo=dt.UTC)
SCHEDULED_FROM = dt.datetime(2099, 1, 1, 9, 0, tzinfo=dt.UTC)
YEAR_SECONDS = 365 * 24 * 3600
KEYED = [Source, Entity, Article, Claim]

ProgressFactory = Callable[[str, int], Progress]


def sizes_for(scale: float) -> dict[str, int]:
    """Row counts of the four main tables at ``scale`` (1.0 is the full data set)."""
    return {name: max(1, round(count * scale)) for name, count in FULL_SIZE.items()}


@dataclass
class _Plan:
    """Which claims each article states, in order, and the sources behind them."""

    article_claims: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    citations: dict[int, list[int]] = field(default_factory=dict)
    claim_sources: dict[int, set[int]] = field(default_factory=dict)


class BenchDataBuilder:
    """Builds the data set into the default database, all or nothing."""

    def __init__(self, *, scale: float, seed: int, progress: ProgressFactory):
        if not MIN_SCALE <= scale <= MAX_SCALE:
            raise ValueError(f"--scale must be between {MIN_SCALE} and {MAX_SCALE}, not {scale}.")
        self.scale = scale
        self.seed = seed
        self.sizes = sizes_for(scale)
        self.progress = progress

    def rows(self, offsets: dict[type[models.Model], int] | None = None) -> dict[str, list]:
        """Every row of the data set as dicts, keyed by table; the same for the same seed."""
        self.rng = random.Random(self.seed)
        self.offsets = offsets or dict.fromkeys(KEYED, 0)
        sources = self._sources()
        entities = self._entities()
        claims = self._claims(entities)
        plan = self._plan(claims, sources)
        articles = self._articles(entities, claims, plan)
        return {
            "sources": sources,
            "entities": entities,
            "entity aliases": list(self._aliases(entities)),
            "entity relations": self._relations(entities, sources),
            "articles": articles,
            "citations": list(self._citations(articles, plan)),
            "mentions": list(self._mentions(articles, entities)),
            # Appearances go in before the claims (foreign keys are checked at commit): each
            # claim's public_from is then computed as the claim is inserted, where the other
            # order had the appearances' trigger rewrite every claim row, leaving the claims
            # table twice its size.
            "claim appearances": list(self._appearances(articles, plan)),
            "claims": claims,
            "claim subjects": list(self._subjects(claims)),
            "claim sources": list(self._claim_sources(claims, plan)),
        }

    def build(self) -> dict:
        """Write every row; return a manifest: counts, the busy entity, public article slugs."""
        if Entity.objects.filter(slug=text.BUSY_ENTITY_SLUG).exists():
            raise ValueError(
                "This database already holds bench data; build into a fresh database "
                "(make bench drops and recreates its own)."
            )
        with transaction.atomic():
            offsets = {m: m.objects.aggregate(top=Max("pk"))["top"] or 0 for m in KEYED}
            tables = self.rows(offsets)
            for label, rows in tables.items():
                bar = self.progress(label, len(rows))
                bulk.insert(_MODELS[label], rows, advance=bar.advance)
                bar.close()
            bulk.reset_sequences(KEYED)
            content_changed()  # bulk writes send no signals; cached pages must go
        store_bodies(Article.objects.values_list("pk", flat=True))  # nor store bodies
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return self._manifest()

    def _id(self, model: type[models.Model], index: int) -> int:
        return self.offsets[model] + index + 1

    def _moment(self, within_seconds: int = YEAR_SECONDS) -> dt.datetime:
        return ANCHOR - dt.timedelta(seconds=self.rng.randrange(1, within_seconds))

    def _sources(self) -> list[dict]:
        rows = []
        for i in range(self.sizes["sources"]):
            at = self._moment()
            values = text.source(self.rng, i)
            rows.append({"id": self._id(Source, i), **values, "created_at": at, "updated_at": at})
        return rows

    def _entities(self) -> list[dict]:
        rows = []
        for i in range(self.sizes["entities"]):
            at = self._moment()
            values = text.entity(self.rng, i)
            rows.append({"id": self._id(Entity, i), **values, "created_at": at, "updated_at": at})
        return rows

    def _aliases(self, entities: list[dict]) -> Iterable[dict]:
        for entity in entities:
            for name, key in text.aliases(self.rng, entity):
                row = {"entity_id": entity["id"], "name": name, "name_key": key}
                yield {**row, "updated_at": ANCHOR}

    def _relations(self, entities: list[dict], sources: list[dict]) -> list[dict]:
        seen, rows = set(), []
        for subject in entities:
            other = self.rng.choice(entities)
            kind = text.relation_kind(self.rng, subject, other)
            key = (subject["id"], kind, other["id"])
            if other["id"] == subject["id"] or key in seen:
                continue
            seen.add(key)
            source = self.rng.choice(sources)["id"] if self.rng.random() < 0.5 else None
            rows.append(
                {
                    "subject_id": subject["id"],
                    "kind": kind,
                    "object_id": other["id"],
                    "source_id": source,
                    "updated_at": ANCHOR,
                }
            )
        return rows

    def _claims(self, entities: list[dict]) -> list[dict]:
        cast = text.Cast.from_entities(entities)
        bar = self.progress("drafting claims", self.sizes["claims"])
        rows = []
        for i in range(self.sizes["claims"]):
            busy = i % BUSY_CLAIM_EVERY == 0
            values, subjects = text.claim(self.rng, cast, busy=busy)
            created = self._moment()
            edited = dt.timedelta(seconds=self.rng.randrange(0, 30 * 86400))
            row = {"id": self._id(Claim, i), **values, "created_at": created}
            row["updated_at"] = min(created + edited, ANCHOR)
            rows.append((row, subjects))
            if i % 5000 == 4999:
                bar.advance(5000)
        bar.close()
        self._claim_subjects = {row["id"]: subjects for row, subjects in rows}
        return [row for row, _ in rows]

    def _plan(self, claims: list[dict], sources: list[dict]) -> _Plan:
        plan = _Plan()
        n_articles = self.sizes["articles"]
        for a in range(n_articles):
            count = min(self.rng.randint(3, 8), len(sources))
            plan.citations[a] = [s["id"] for s in self.rng.sample(sources, count)]
            plan.article_claims[a] = []
        for claim in claims:
            homes = [self.rng.randrange(n_articles)]
            if n_articles > 1 and self.rng.random() < SECOND_APPEARANCE_SHARE:
                homes.append((homes[0] + self.rng.randrange(1, n_articles)) % n_articles)
            backing = plan.claim_sources.setdefault(claim["id"], set())
            if self.rng.random() < EXTRA_SOURCE_SHARE:
                backing.add(self.rng.choice(sources)["id"])
            for a in homes:
                number = self.rng.randrange(len(plan.citations[a])) + 1
                plan.article_claims[a].append((claim["id"], number))
                backing.add(plan.citations[a][number - 1])
        return plan

    def _articles(self, entities: list[dict], claims: list[dict], plan: _Plan) -> list[dict]:
        wording = {c["id"]: c["text"] for c in claims}
        events = [e["id"] for e in entities if e["kind"] == "event"]
        self._placed: dict[int, list[tuple[str, str]]] = {}
        rows = []
        for a in range(self.sizes["articles"]):
            stated = [(wording[pk], number) for pk, number in plan.article_claims[a]]
            values, self._placed[a] = text.article(self.rng, a, stated, len(plan.citations[a]))
            values.update(self._publication(a))
            created = min(values["published_at"] or self._moment(), ANCHOR)
            event = self.rng.choice(events) if events and self.rng.random() < 0.7 else None
            values.update(id=self._id(Article, a), event_id=event, version=1)
            rows.append({**values, "created_at": created, "updated_at": created})
        return rows

    def _publication(self, index: int) -> dict:
        if index % HIDDEN_ARTICLE_EVERY != 3:
            return {"status": ArticleStatus.PUBLISHED, "published_at": self._moment()}
        status = HIDDEN_STATES[index // HIDDEN_ARTICLE_EVERY % len(HIDDEN_STATES)]
        if status == "scheduled":
            later = SCHEDULED_FROM + dt.timedelta(days=self.rng.randint(0, 400))
            return {"status": ArticleStatus.PUBLISHED, "published_at": later}
        if status == "archived":
            return {"status": ArticleStatus.ARCHIVED, "published_at": self._moment()}
        return {"status": status, "published_at": None}

    def _citations(self, articles: list[dict], plan: _Plan) -> Iterable[dict]:
        for a, article in enumerate(articles):
            for number, source_id in enumerate(plan.citations[a], start=1):
                yield {"article_id": article["id"], "number": number, "source_id": source_id}

    def _mentions(self, articles: list[dict], entities: list[dict]) -> Iterable[dict]:
        for article in articles:
            for entity in self.rng.sample(entities, min(self.rng.randint(2, 5), len(entities))):
                yield {"article_id": article["id"], "entity_id": entity["id"]}

    def _subjects(self, claims: list[dict]) -> Iterable[dict]:
        for claim in claims:
            for entity_id in self._claim_subjects[claim["id"]]:
                yield {"claim_id": claim["id"], "entity_id": entity_id}

    def _claim_sources(self, claims: list[dict], plan: _Plan) -> Iterable[dict]:
        for claim in claims:
            for source_id in sorted(plan.claim_sources[claim["id"]]):
                yield {"claim_id": claim["id"], "source_id": source_id}

    def _appearances(self, articles: list[dict], plan: _Plan) -> Iterable[dict]:
        for a, article in enumerate(articles):
            stated = zip(plan.article_claims[a], self._placed[a], strict=True)
            for position, ((claim_id, _), (section, passage)) in enumerate(stated, start=1):
                yield {
                    "claim_id": claim_id,
                    "article_id": article["id"],
                    "passage": passage,
                    "section": section,
                    "position": position,
                    "updated_at": article["updated_at"],
                }

    def _manifest(self) -> dict:
        public = Article.objects.published().order_by("pk").values_list("slug", flat=True)
        busy = Claim.objects.filter(subjects__slug=text.BUSY_ENTITY_SLUG)
        return {
            "scale": self.scale,
            "seed": self.seed,
            "counts": {
                "articles": Article.objects.count(),
                "public_articles": Article.objects.published().count(),
                "claims": Claim.objects.count(),
                "entities": Entity.objects.count(),
                "sources": Source.objects.count(),
                "claim_appearances": ClaimAppearance.objects.count(),
                "busy_entity_claims": busy.count(),
            },
            "busy_entity": text.BUSY_ENTITY_SLUG,
            "search_term": text.SEARCH_TERM,
            "public_article_slugs": list(public),
        }


_MODELS: dict[str, type[models.Model]] = {
    "sources": Source,
    "entities": Entity,
    "entity aliases": EntityAlias,
    "entity relations": EntityRelation,
    "articles": Article,
    "citations": Citation,
    "mentions": Article.mentions.through,
    "claims": Claim,
    "claim subjects": Claim.subjects.through,
    "claim sources": ClaimSource,
    "claim appearances": ClaimAppearance,
}
