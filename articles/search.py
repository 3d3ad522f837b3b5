"""Search: the one module behind the search page (``/search/?q=``) and the API's ``q``.

On PostgreSQL: full-text search in web-search syntax (``"exact phrase"``, ``-excluded``,
``or``) with English stemming, over documents kept by the database with weights (articles:
headline A, standfirst B, body C; claims: wording A, speaker's name B; entities: see
``entities/search.py``, which adds trigram matching for misspelt names), GIN-indexed, ranked by
``ts_rank``, with highlighted snippets. On SQLite: every word or quoted phrase must occur
somewhere in the fields (ignoring case), ``-words`` must not, newest first.

Only what the caller may show is searched: the page passes ``Article.objects.published()``,
``Claim.objects.published()`` and ``Entity.objects.public()``; the API passes ``visible_to(user)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.postgres.search import SearchRank
from django.db.models import F, Q, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat

from coverage_site.fulltext import (
    AmongIds,
    Document,
    Terms,
    headline,
    in_any_field,
    on_postgresql,
    safe_snippet,
    web_query,
)
from entities.models import Entity
from entities.search import search_entities

from .models import Article, Claim

MAX_QUERY_LENGTH = 200
PER_TYPE = 20
EXCERPT_CHARS = 160
# How many likely-best matches of each kind the search page ranks (see ``_likely_best``).
CANDIDATES = 5 * PER_TYPE
RECENT_CLAIMS = 5000
RECENT_ARTICLES = 1000
_OR = re.compile(r"\bor\b", re.IGNORECASE)


@dataclass
class SearchResults:
    """Up to ``PER_TYPE`` of each kind; every item carries ``*_html`` snippets to show."""

    query: str
    articles: list[Article] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.articles) + len(self.claims) + len(self.entities)


def search_articles(
    queryset: QuerySet, query: str, *, snippets: bool = False, candidates: int | None = None
) -> QuerySet:
    """Articles of ``queryset`` matching ``query``; on PostgreSQL best first (``search_rank``).

    Headline and standfirst matches come first (``head_rank``, from the small ``search_head``
    document), then the full document's rank, then the newest. ``candidates=N`` (the search
    page) ranks only up to 2N likely-best matches, see ``_likely_best``; without it every match
    is ranked (the API, whose pages go on past the first).
    """
    if not on_postgresql():
        fields = in_any_field("title", "standfirst", "body")
        return queryset.filter(Terms.parse(query).match(fields))
    search = web_query(query)
    results = queryset.alias(document=Document()).filter(document=search)
    if candidates:
        likely = _likely_best(queryset, query, search, candidates)
        results = results.filter(AmongIds(likely)) if likely else results.none()
    results = results.annotate(
        head_rank=SearchRank(Document("search_head"), search),
        search_rank=SearchRank(Document(), search),
    ).order_by("-head_rank", "-search_rank", "-published_at", "pk")
    if snippets:
        text = Concat("standfirst", Value("\n"), "body", output_field=TextField())
        results = results.annotate(
            title_headline=headline("title", search, whole=True),
            text_headline=headline(text, search),
        )
    return results


def _likely_best(queryset: QuerySet, query: str, search, count: int) -> set[int]:
    """Up to ``2 * count`` article ids to rank: the ``count`` best by headline and standfirst,
    and the ``count`` newest matching anywhere.

    Ranking every match of a common word means reading thousands of full documents (TOASTed,
    with the body); these two ``LIMIT``-ed lists need neither. The first reads the small
    ``search_head`` document of the articles with any included word in their headline or
    standfirst (a headline match should beat a body-only one); the second is ``_newest``. An
    old article matching in its body only is left out when more than ``count`` newer ones
    match: an approximation the search page accepts.
    """
    words = [term.replace('"', " ") for term in Terms.parse(query).include]
    matches = queryset.order_by().alias(document=Document()).filter(document=search)
    floor = (
        Article.objects.filter(published_at__isnull=False)
        .order_by("-published_at")
        .values("published_at")[RECENT_ARTICLES : RECENT_ARTICLES + 1]
    )
    others = []
    if words:
        anywhere_in_head = web_query(" or ".join(f'"{word}"' for word in words))
        best_head = (
            queryset.order_by()
            .alias(head=Document("search_head"))
            .filter(head=anywhere_in_head)
            .alias(head_rank=SearchRank(Document("search_head"), search))
            .order_by("-head_rank", "-published_at")
        )
        others.append(best_head)
    unindexed = (F("published_at") + timedelta(0)).desc()
    # A value, not a subquery: with a parameter the planner guesses a narrow range and reads
    # every document in it instead of walking newest first and stopping early.
    floor = floor.first()
    floor = floor["published_at"] if floor else None
    return _newest(matches, "published_at", floor, unindexed, others, count, walk_on=True)


def _newest(
    matches: QuerySet,
    field: str,
    floor,
    unindexed_order,
    others: list[QuerySet],
    count: int,
    *,
    walk_on: bool = False,
) -> set:
    """Ids of the ``count`` newest (greatest ``field``) of ``matches``, and of the first
    ``count`` of each of ``others``.

    Walking the ``field`` index newest first stops after ``count`` matches of a common word,
    where the GIN index would read thousands of rows; but when few match, an unbounded walk
    reads the whole table (the planner cannot tell a rare phrase or a typo from a common word).
    So the first query walks only down to ``floor`` (the value some thousand rows down, or
    ``None`` for no bound), with ``others`` alongside: usually the only query. When it finds
    fewer than ``count``, a second one takes the newest matches through the GIN index
    (ordering by ``unindexed_order``, an expression the ``field`` index cannot serve, keeps
    the planner from walking). With ``walk_on``, if the walk found at least a quarter of
    ``count``, the second query walks on below ``floor`` instead: the rest are likely near,
    and a quoted phrase of common words costs the GIN index a recheck of every row holding
    all the words (articles' documents are TOASTed: tens of milliseconds).
    """
    recent = matches.order_by(f"-{field}")
    if floor is not None:  # None: the table is small, walk it all
        recent = recent.filter(**{f"{field}__gte": floor})
    parts = [part.values("pk").annotate(newest=Value(False))[:count] for part in others]
    walk = recent.values("pk").annotate(newest=Value(True))[:count]
    rows = list(walk.union(*parts, all=True)) if parts else list(walk)
    found = {row["pk"] for row in rows}
    walked = sum(row["newest"] for row in rows)
    if walked < count and floor is not None:
        if walk_on and walked * 4 >= count:
            older = matches.filter(**{f"{field}__lt": floor}).order_by(f"-{field}")
            older = older[: count - walked]
        else:
            older = matches.order_by(unindexed_order)[:count]
        found.update(older.values_list("pk", flat=True))
    return found


def search_claims(
    queryset: QuerySet,
    query: str,
    *,
    ranked: bool = True,
    snippets: bool = False,
    candidates: int | None = None,
) -> QuerySet:
    """Claims of ``queryset`` whose wording or speaker's name match ``query``.

    ``ranked=False`` keeps the caller's order (the API's cursor pages need a stable one).
    ``candidates=N`` (the search page) ranks only the ``N`` newest matches, and the ``N`` newest
    with every word asked for (so ``a or b`` still puts claims with both first): a common word
    matches thousands of claims, and ranking them all was most of the page's time; only the
    ``PER_TYPE`` best of those are returned.
    """
    if not on_postgresql():
        return queryset.filter(Terms.parse(query).match(_in_claim))
    search = web_query(query)
    if candidates:
        results = _best_claims(queryset, query, search, candidates)
    else:
        results = queryset.alias(document=Document()).filter(document=search)
    if ranked:
        results = results.annotate(search_rank=SearchRank(Document(), search)).order_by(
            "-search_rank", "pk"
        )
    if snippets:
        results = results.annotate(text_headline=headline("text", search, whole=True))
    return results


def _best_claims(queryset: QuerySet, query: str, search, count: int) -> QuerySet:
    """The ``PER_TYPE`` best of ``queryset`` among the ``count`` newest matches of ``search``
    (and the ``count`` newest with every word, for ``a or b``), as a query by primary key.

    The candidates all match ``search`` already: matching them again would let the planner
    read every match through the GIN index (it guesses a handful for several words, where
    there may be thousands) instead of fetching a hundred rows by primary key. The best few
    are picked in a subquery, so the caller's joins (speakers) are planned for those few:
    for a hundred rows the planner hashed every entity.
    """
    matches = queryset.order_by().alias(document=Document()).filter(document=search)
    floor = Claim.objects.order_by("-pk").values("pk")[RECENT_CLAIMS : RECENT_CLAIMS + 1]
    others = []
    words = [term.replace('"', " ") for term in Terms.parse(query).include]
    if len(words) > 1 and _OR.search(query):
        # Not narrowed to ``queryset``: checking visibility claim by claim for every such
        # match costs more than the few invisible ones, dropped below, save.
        every_word = web_query(" ".join(f'"{word}"' for word in words))
        with_all = Claim.objects.alias(document=Document()).filter(document=every_word)
        others.append(with_all.filter(document=search).order_by("-pk"))
    likely = _newest(matches, "pk", Coalesce(Subquery(floor), 0), -F("pk"), others, count)
    if not likely:
        return queryset.none()
    best = queryset.filter(AmongIds(likely)).alias(rank=SearchRank(Document(), search))
    return queryset.filter(pk__in=best.order_by("-rank", "pk").values("pk")[:PER_TYPE])


def search_everything(query: str) -> SearchResults:
    """Up to ``PER_TYPE`` public results of each type for ``query`` (stripped, non-empty)."""
    articles = search_articles(
        Article.objects.published(), query, snippets=True, candidates=CANDIDATES
    )
    claims = search_claims(Claim.objects.published(), query, snippets=True, candidates=CANDIDATES)
    entities = search_entities(Entity.objects.public(), query, snippets=True, candidates=CANDIDATES)
    if on_postgresql():
        # The page shows the headline, the link and the snippets (computed by the database
        # from the text): loading every body would be wasted.
        articles = articles.only("title", "slug")
    results = SearchResults(
        query=query,
        articles=list(articles[:PER_TYPE]),
        claims=list(claims.for_listing()[:PER_TYPE]),
        entities=list(entities[:PER_TYPE]),
    )
    _add_snippets(results, Terms.parse(query))
    return results


def _in_claim(term: str) -> Q:
    return Q(text__icontains=term) | Q(speaker__name__icontains=term)


def _add_snippets(results: SearchResults, terms: Terms) -> None:
    """``title_html``/``text_html`` on articles, ``text_html`` on claims, ``name_html`` and
    ``description_html`` on entities: escaped text with ``<mark>`` around what matched."""
    if on_postgresql():
        for article in results.articles:
            article.title_html = safe_snippet(article.title_headline)
            article.text_html = safe_snippet(article.text_headline)
        for claim in results.claims:
            claim.text_html = safe_snippet(claim.text_headline)
        for entity in results.entities:
            entity.name_html = safe_snippet(entity.name_headline)
            entity.description_html = safe_snippet(entity.description_headline)
        return
    for article in results.articles:
        article.title_html = terms.highlight(article.title)
        text = f"{article.standfirst}\n{article.body}"
        article.text_html = terms.highlight(_excerpt(text, terms))
    for claim in results.claims:
        claim.text_html = terms.highlight(claim.text)
    for entity in results.entities:
        entity.name_html = terms.highlight(entity.name)
        entity.description_html = terms.highlight(entity.description)


def _excerpt(text: str, terms: Terms) -> str:
    """About ``EXCERPT_CHARS`` characters of ``text`` around the first term found."""
    text = " ".join(text.split())
    found = [re.search(re.escape(term), text, re.IGNORECASE) for term in terms.include]
    first = min((match.start() for match in found if match), default=0)
    start = max(first - EXCERPT_CHARS // 3, 0)
    excerpt = text[start : start + EXCERPT_CHARS]
    return ("…" if start else "") + excerpt + ("…" if start + EXCERPT_CHARS < len(text) else "")
