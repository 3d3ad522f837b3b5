"""Finding entities by name, alias or description, typos included.

On PostgreSQL an entity matches when its document (name A, aliases B, description C; see
``migrations/0002_search.py``) matches the web-search query, or when its name or an alias is
trigram-similar (pg_trgm ``%``) to the words asked for, so “SK Hinix” finds SK hynix. Results are
ranked by full-text rank plus name similarity. On SQLite every word must occur in the name, the
description or an alias. The caller passes the entities it may show (``Entity.objects.public()``
or ``visible_to(user)``); this module only narrows and orders them.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchRank, TrigramDistance, TrigramSimilarity
from django.db.models import Exists, OuterRef, Q, QuerySet

from coverage_site.fulltext import Document, Terms, headline, on_postgresql, web_query

from .models import Entity, EntityAlias


def search_entities(
    queryset: QuerySet, query: str, *, snippets: bool = False, candidates: int | None = None
) -> QuerySet:
    """Entities of ``queryset`` matching ``query``, best first (``search_rank`` annotated).

    ``candidates=N`` (the search page) keeps only the ``N`` closest names and the ``N`` closest
    aliases among the trigram matches: a common word is trigram-similar to many names, and
    finding the closest few through the GiST indexes (``migrations/0003_search_trigram_gist``)
    is what keeps a misspelt query fast. Full-text matches are never capped.

    ``snippets=True`` also annotates ``name_headline`` and ``description_headline`` (raw
    ``ts_headline`` output on PostgreSQL; turn them into HTML with ``fulltext.safe_snippet``).
    """
    terms = Terms.parse(query)
    if not on_postgresql():
        return queryset.filter(terms.match(_in_entity)).order_by("name", "pk")
    fuzzy_text = " ".join(terms.include)
    excluded = " or ".join(f'"{term}"' for term in terms.exclude)
    return matching_entities(
        queryset,
        query,
        fuzzy_text,
        excluded,
        fuzzy=bool(fuzzy_text),
        excluding=bool(excluded),
        snippets=snippets,
        candidates=candidates,
    )


def matching_entities(
    queryset: QuerySet,
    text: str,
    fuzzy_text: str,
    excluded: str,
    fuzzy: bool,
    excluding: bool,
    *,
    snippets: bool = False,
    candidates: int | None = None,
) -> QuerySet:
    """``search_entities`` on PostgreSQL, from the query ``text``, its included words
    (``fuzzy_text``) and its excluded ones (``excluded``, web-search syntax).

    Whether there are any (``fuzzy``, ``excluding``) is said apart: the SQL's shape follows
    them and nothing else, so the search page keeps it compiled with the texts as values
    (``kept_queries.kept_list``)."""
    search = web_query(text)
    # Each branch can use its own index (GIN on the document, trigram GIN or, for the closest
    # few, GiST on the names), so the candidates are found without reading every entity.
    entities, aliases = Entity.objects.order_by(), EntityAlias.objects.order_by()
    found = entities.alias(document=Document()).filter(document=search).values("pk")
    if fuzzy:
        similar = entities.filter(name__trigram_similar=fuzzy_text).values("pk")
        alias_similar = aliases.filter(name__trigram_similar=fuzzy_text).values("entity_id")
        if candidates:
            closest = TrigramDistance("name", fuzzy_text)
            similar = similar.order_by(closest)[:candidates]
            alias_similar = alias_similar.order_by(closest)[:candidates]
        fuzzy_found = similar.union(alias_similar)
        if excluding:
            fuzzy_found = entities.filter(pk__in=fuzzy_found).alias(document=Document())
            fuzzy_found = fuzzy_found.exclude(document=web_query(excluded)).values("pk")
        found = found.union(fuzzy_found)
    results = (
        queryset.filter(pk__in=found)
        .annotate(
            search_rank=SearchRank(Document(), search) + TrigramSimilarity("name", fuzzy_text)
        )
        .order_by("-search_rank", "name", "pk")
    )
    if snippets:
        results = results.annotate(
            name_headline=headline("name", search, whole=True),
            description_headline=headline("description", search, whole=True),
        )
    return results


def _in_entity(term: str) -> Q:
    """The term occurs in the name, the description or an alias, ignoring case (SQLite)."""
    alias = EntityAlias.objects.filter(entity=OuterRef("pk"), name__icontains=term)
    return Q(name__icontains=term) | Q(description__icontains=term) | Q(Exists(alias))
