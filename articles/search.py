"""Search across published articles, claims and public entities, grouped by type.

On PostgreSQL: full-text search (``websearch`` syntax, English stemming) ranked by relevance.
On SQLite: every word must occur somewhere in the searched fields (case-insensitive).
Only what readers may see is searched: the visibility QuerySet methods come first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from entities.models import Entity, EntityAlias

from .models import Article, Claim

MAX_QUERY_LENGTH = 200
PER_TYPE = 20


@dataclass
class SearchResults:
    query: str
    articles: list[Article] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.articles) + len(self.claims) + len(self.entities)


def _words(query: str) -> list[str]:
    return [word for word in query.split() if word][:12]


def _every_word(fields: list[str], words: list[str]) -> Q:
    return reduce(
        and_, (reduce(or_, (Q(**{f"{name}__icontains": w}) for name in fields)) for w in words)
    )


def _alias_match(words: list[str]) -> Exists:
    return Exists(EntityAlias.objects.filter(_every_word(["name"], words), entity=OuterRef("pk")))


def _fallback(query: str) -> tuple[QuerySet, QuerySet, QuerySet]:
    words = _words(query)
    articles = Article.objects.published().filter(
        _every_word(["title", "standfirst", "body"], words)
    )
    claims = Claim.objects.published().filter(_every_word(["text"], words))
    entities = Entity.objects.public().filter(
        _every_word(["name", "description"], words) | Q(_alias_match(words))
    )
    return articles, claims, entities.order_by("name")


def _full_text(query: str) -> tuple[QuerySet, QuerySet, QuerySet]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    search = SearchQuery(query, search_type="websearch", config="english")

    def ranked(queryset: QuerySet, vector: SearchVector) -> QuerySet:
        return (
            queryset.annotate(document=vector, rank=SearchRank(vector, search))
            .filter(document=search)
            .order_by("-rank", "pk")
        )

    articles = ranked(
        Article.objects.published(),
        SearchVector("title", weight="A", config="english")
        + SearchVector("standfirst", weight="B", config="english")
        + SearchVector("body", weight="C", config="english"),
    )
    claims = ranked(Claim.objects.published(), SearchVector("text", config="english"))
    words = _words(query)
    name_vector = SearchVector("name", weight="A", config="english") + SearchVector(
        "description", weight="B", config="english"
    )
    entities = (
        Entity.objects.public()
        .annotate(document=name_vector, rank=SearchRank(name_vector, search))
        .filter(Q(document=search) | _every_word(["name"], words) | Q(_alias_match(words)))
        .order_by("-rank", "name")
    )
    return articles, claims, entities


def search_everything(query: str) -> SearchResults:
    """Up to ``PER_TYPE`` results of each type for ``query`` (already stripped, non-empty)."""
    backend = _full_text if connection.vendor == "postgresql" else _fallback
    articles, claims, entities = backend(query)
    return SearchResults(
        query=query,
        articles=list(articles.select_related("event")[:PER_TYPE]),
        claims=list(claims.for_listing()[:PER_TYPE]),
        entities=list(entities[:PER_TYPE]),
    )
