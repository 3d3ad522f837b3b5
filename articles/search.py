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

import datetime as dt
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.postgres.search import SearchRank
from django.db.models import BooleanField, F, Func, Q, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat

from coverage_site.fulltext import (
    AmongIds,
    Document,
    Terms,
    headline,
    id_array,
    in_any_field,
    on_postgresql,
    safe_snippet,
    web_query,
)
from coverage_site.kept_queries import kept_list
from entities.models import Entity
from entities.search import matching_entities, search_entities

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
    among = None
    if candidates:
        matching, unchecked = _likely_best(queryset, query, web_query(query), candidates)
        if not matching and not unchecked:
            return queryset.none()
        among = (id_array(matching), id_array(unchecked))
    return _ranked_articles(queryset, query, among, snippets=snippets)


def _ranked_articles(
    queryset: QuerySet, text: str, among: tuple[str, str] | None, *, snippets: bool
) -> QuerySet:
    """The matches of ``text`` in ``queryset``, ranked: all of them, or only the candidates
    ``among``, two ``id_array`` texts (see ``_likely_best``): ids known to match ``text``, and
    ids to match against it here."""
    search = web_query(text)
    results = queryset.alias(document=Document())
    if among is None:
        results = results.filter(document=search)
    else:
        matching, unchecked = among
        # ``@@`` as the function it stands for: the planner cannot read the GIN index for it
        # (all of a common word's matches) and fetches the candidates by id instead.
        match = Func(Document(), search, function="ts_match_vq", output_field=BooleanField())
        results = results.filter(AmongIds(matching) | (AmongIds(unchecked) & match))
    results = results.annotate(
        head_rank=SearchRank(Document("search_head"), search),
        search_rank=SearchRank(Document(), search),
    ).order_by("-head_rank", "-search_rank", "-published_at", "pk")
    if snippets:
        document = Concat("standfirst", Value("\n"), "body", output_field=TextField())
        results = results.annotate(
            title_headline=headline("title", search, whole=True),
            text_headline=headline(document, search),
        )
    return results


def _listed(key: Hashable | None, build: Callable[..., QuerySet], *values) -> list:
    """``list(build(*values))``, kept compiled under ``key`` (``kept_list``) unless None."""
    return kept_list(key, build, *values) if key else list(build(*values))


def _words(query: str) -> list[str]:
    """The words and phrases ``query`` asks for, without quotes."""
    return [term.replace('"', " ") for term in Terms.parse(query).include]


def _likely_best(
    queryset: QuerySet, query: str, search, count: int, *, kept: bool = False
) -> tuple[set[int], set[int]]:
    """Up to ``2 * count`` article ids to rank: the ``count`` best by headline and standfirst,
    and the ``count`` newest matching anywhere; as two sets, the ids found by matching the
    whole ``query`` and the others (``unchecked``), only known to have one of its words in
    their headline or standfirst. The ranking query matches just those against the full
    document again: each match reads and decompresses a TOASTed document, a few milliseconds
    for the page's two hundred candidates.

    Ranking every match of a common word means reading thousands of full documents (TOASTed,
    with the body); these two ``LIMIT``-ed lists need neither. The first reads the small
    ``search_head`` document of the articles with any included word in their headline or
    standfirst (a headline match should beat a body-only one); the second is ``_newest``. An
    old article matching in its body only is left out when more than ``count`` newer ones
    match: an approximation the search page accepts. ``kept``: ``queryset`` is the published
    articles, and the statements are kept compiled (the search page).
    """
    words = _words(query)
    any_word = " or ".join(f'"{word}"' for word in words)
    # A value, not a subquery: with a parameter the planner guesses a narrow range and reads
    # every document in it instead of walking newest first and stopping early.
    floor = _listed(kept and ("search:article-floor", count), _article_floor)
    floor = floor[0] if floor else None

    def walk(source: QuerySet, text: str, any_word: str, *floor: dt.datetime) -> QuerySet:
        others = []
        if words:
            best_head = (
                source.order_by()
                .alias(head=Document("search_head"))
                .filter(head=web_query(any_word))
                .alias(head_rank=SearchRank(Document("search_head"), web_query(text)))
                .order_by("-head_rank", "-published_at")
            )
            others.append(best_head)
        matches = _matches(source, web_query(text))
        return _walk(matches, "published_at", floor[0] if floor else None, others, count)

    floor_values = [] if floor is None else [floor]
    if kept:
        key = ("search:article-walk", count, bool(words), floor is not None)
        build = lambda *values: walk(Article.objects.published(), *values)  # noqa: E731
        rows = kept_list(key, build, query, any_word, *floor_values)
    else:
        rows = list(walk(queryset, query, any_word, *floor_values))
    unindexed = (F("published_at") + timedelta(0)).desc()
    matches = _matches(queryset, search)
    found = _newest(rows, matches, "published_at", floor, unindexed, count, walk_on=True)
    unchecked = {row["pk"] for row in rows if not row["newest"]}
    unchecked -= {row["pk"] for row in rows if row["newest"]}
    return found - unchecked, unchecked


def _article_floor() -> QuerySet:
    """The publication time ``RECENT_ARTICLES`` articles down (see ``_newest``)."""
    return (
        Article.objects.filter(published_at__isnull=False)
        .order_by("-published_at")
        .values_list("published_at", flat=True)[RECENT_ARTICLES : RECENT_ARTICLES + 1]
    )


def _matches(queryset: QuerySet, search) -> QuerySet:
    return queryset.order_by().alias(document=Document()).filter(document=search)


def _walk(matches: QuerySet, field: str, floor, others: list[QuerySet], count: int) -> QuerySet:
    """``_newest``'s first query: ``pk`` and ``newest`` (true for the walk's rows)."""
    recent = matches.order_by(f"-{field}")
    if floor is not None:  # None: the table is small, walk it all
        recent = recent.filter(**{f"{field}__gte": floor})
    parts = [part.values("pk").annotate(newest=Value(False))[:count] for part in others]
    walk = recent.values("pk").annotate(newest=Value(True))[:count]
    return walk.union(*parts, all=True) if parts else walk


def _newest(
    rows: list[dict],
    matches: QuerySet,
    field: str,
    floor,
    unindexed_order,
    count: int,
    *,
    walk_on: bool = False,
) -> set:
    """Ids of the ``count`` newest (greatest ``field``) of ``matches``, and of the first
    ``count`` of each of other lists, given the ``rows`` of their ``_walk``.

    Walking the ``field`` index newest first stops after ``count`` matches of a common word,
    where the GIN index would read thousands of rows; but when few match, an unbounded walk
    reads the whole table (the planner cannot tell a rare phrase or a typo from a common word).
    So the first query (``_walk``) walks only down to ``floor`` (the value some thousand rows
    down, or ``None`` for no bound), with the other lists alongside: usually the only query.
    When it finds fewer than ``count``, a second one takes the newest matches through the GIN
    index (ordering by ``unindexed_order``, an expression the ``field`` index cannot serve,
    keeps the planner from walking). With ``walk_on``, if the walk found at least a quarter of
    ``count``, the second query walks on below ``floor`` instead: the rest are likely near,
    and a quoted phrase of common words costs the GIN index a recheck of every row holding
    all the words (articles' documents are TOASTed: tens of milliseconds).
    """
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
    if candidates:
        likely = _likely_claims(queryset, query, candidates)
        if not likely:
            return queryset.none()
        return _best_claims(queryset, query, id_array(likely), ranked=ranked, snippets=snippets)
    search = web_query(query)
    results = queryset.alias(document=Document()).filter(document=search)
    return _ranked_claims(results, search, ranked=ranked, snippets=snippets)


def _likely_claims(queryset: QuerySet, query: str, count: int, *, kept: bool = False) -> set:
    """Ids of the ``count`` newest matches of ``query`` in ``queryset`` (and of the ``count``
    newest with every word, for ``a or b``); ``kept`` as for ``_likely_best``."""
    words = _words(query)
    every_word = ""
    if len(words) > 1 and _OR.search(query):
        every_word = " ".join(f'"{word}"' for word in words)

    def walk(source: QuerySet, text: str, every_word: str) -> QuerySet:
        search = web_query(text)
        others = []
        if with_every_word:
            # Not narrowed to ``queryset``: checking visibility claim by claim for every such
            # match costs more than the few invisible ones, dropped below, save.
            with_all = Claim.objects.alias(document=Document())
            with_all = with_all.filter(document=web_query(every_word))
            others.append(with_all.filter(document=search).order_by("-pk"))
        return _walk(_matches(source, search), "pk", _claims_floor(), others, count)

    with_every_word = bool(every_word)
    if kept:
        key = ("search:claim-walk", count, with_every_word)
        build = lambda *values: walk(Claim.objects.published(), *values)  # noqa: E731
        rows = kept_list(key, build, query, every_word)
    else:
        rows = list(walk(queryset, query, every_word))
    matches = _matches(queryset, web_query(query))
    return _newest(rows, matches, "pk", _claims_floor(), -F("pk"), count)


def _claims_floor() -> Coalesce:
    floor = Claim.objects.order_by("-pk").values("pk")[RECENT_CLAIMS : RECENT_CLAIMS + 1]
    return Coalesce(Subquery(floor), 0)


def _best_claims(
    queryset: QuerySet, text: str, among: str, *, ranked: bool = True, snippets: bool = False
) -> QuerySet:
    """The ``PER_TYPE`` best of ``queryset`` among the candidates ``among`` (an ``id_array``
    of matches of ``text``), as a query by primary key.

    The candidates all match already: matching them again would let the planner read every
    match through the GIN index (it guesses a handful for several words, where there may be
    thousands) instead of fetching a hundred rows by primary key. The best few are picked in
    a subquery, so the caller's joins (speakers) are planned for those few: for a hundred
    rows the planner hashed every entity.
    """
    search = web_query(text)
    best = queryset.filter(AmongIds(among)).alias(rank=SearchRank(Document(), search))
    results = queryset.filter(pk__in=best.order_by("-rank", "pk").values("pk")[:PER_TYPE])
    return _ranked_claims(results, search, ranked=ranked, snippets=snippets)


def _ranked_claims(results: QuerySet, search, *, ranked: bool, snippets: bool) -> QuerySet:
    """``results`` best first (``search_rank``) if ``ranked``, with their whole text marked
    (``text_headline``) if ``snippets``."""
    if ranked:
        results = results.annotate(search_rank=SearchRank(Document(), search)).order_by(
            "-search_rank", "pk"
        )
    if snippets:
        results = results.annotate(text_headline=headline("text", search, whole=True))
    return results


def search_everything(query: str) -> SearchResults:
    """Up to ``PER_TYPE`` public results of each type for ``query`` (stripped, non-empty)."""
    if on_postgresql():
        results = _search_postgresql(query)
    else:
        results = SearchResults(
            query=query,
            articles=list(search_articles(Article.objects.published(), query)[:PER_TYPE]),
            claims=list(search_claims(Claim.objects.published(), query).for_listing()[:PER_TYPE]),
            entities=list(search_entities(Entity.objects.public(), query)[:PER_TYPE]),
        )
    _add_snippets(results, Terms.parse(query))
    return results


def _search_postgresql(query: str) -> SearchResults:
    """``search_everything`` on PostgreSQL: the statements ``search_articles``,
    ``search_claims`` and ``search_entities`` make with ``candidates``, each kept compiled
    per connection (``kept_queries.kept_list``) and rerun with the texts made from ``query``
    and the candidates' ids as values: building and compiling them was most of the page's
    Python time. The claims' subjects and articles are read by ``listing_details``."""
    results = SearchResults(query=query)
    matching, unchecked = _likely_best(
        Article.objects.published(), query, web_query(query), CANDIDATES, kept=True
    )
    if matching or unchecked:
        among = (id_array(matching), id_array(unchecked))
        results.articles = kept_list("search:articles", _page_articles, query, *among)
    likely = _likely_claims(Claim.objects.published(), query, CANDIDATES, kept=True)
    if likely:
        results.claims = kept_list("search:claims", _page_claims, query, id_array(likely))
        Claim.objects.listing_details(results.claims)
    terms = Terms.parse(query)
    fuzzy_text = " ".join(terms.include)
    excluded = " or ".join(f'"{term}"' for term in terms.exclude)
    shape = (bool(fuzzy_text), bool(excluded))

    def entities(text: str, fuzzy_text: str, excluded: str) -> QuerySet:
        found = matching_entities(
            Entity.objects.public(),
            text,
            fuzzy_text,
            excluded,
            *shape,
            snippets=True,
            candidates=CANDIDATES,
        )
        return found[:PER_TYPE]

    results.entities = kept_list(("search:entities", *shape), entities, query, fuzzy_text, excluded)
    return results


def _page_articles(text: str, matching: str, unchecked: str) -> QuerySet:
    # The page shows the headline, the link and the snippets (computed by the database from
    # the text): loading every body would be wasted.
    among = (matching, unchecked)
    found = _ranked_articles(Article.objects.published(), text, among, snippets=True)
    return found.only("title", "slug")[:PER_TYPE]


def _page_claims(text: str, among: str) -> QuerySet:
    found = _best_claims(Claim.objects.published(), text, among, snippets=True)
    return found.select_related("speaker")[:PER_TYPE]


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
