"""What `make bench` measures: the one table to adjust when pages and API endpoints change.

A path may use placeholders filled from the data set's manifest: ``{article}`` (a public
article's slug), ``{busy_entity}`` (the entity about one claim in twenty) and ``{search_term}``.
Every endpoint is measured twice: ``cached=False`` on a server with the public cache turned off
(``PUBLIC_CACHE_SECONDS=0``), the cost of a page a reader asks for first, after an editor's
change or on a cache outage; ``cached=True`` on a server with the cache on, where after the first
request the same URL is a cache hit. ``rotate=True`` sends each request to the next public
article in turn (many pages measured, not one page over and over).
``target`` is the least share of the bare view's requests/s the endpoint should reach.
An endpoint that answers 404 is reported as "endpoint not available (404)" and skipped.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoint:
    key: str
    label: str
    path: str
    rotate: bool = False
    cached: bool = False
    target: float | None = None


BARE = Endpoint("bare", "bare view (baseline)", "/bench/bare")
CLAIMS = "/api/v1/claims/?status=verified&kind=figure&expand=sources"  # a page of 50

ENDPOINTS: list[Endpoint] = [
    BARE,
    Endpoint("article", "article, uncached", "/articles/{article}/", rotate=True, target=0.20),
    Endpoint("entity_busy", "busy entity, uncached", "/entities/{busy_entity}/"),
    Endpoint("claims_api", "claims API, uncached", CLAIMS, target=0.12),
    Endpoint("changes", "change feed, uncached", "/api/v1/changes/"),
    Endpoint("search", "search, uncached", "/search/?q={search_term}"),
    # Not named by the issue, but the page readers arrive on.
    Endpoint("home", "home page, uncached", "/"),
    Endpoint("article_cached", "article, cached", "/articles/{article}/", cached=True, target=0.80),
    Endpoint("entity_busy_cached", "busy entity, cached", "/entities/{busy_entity}/", cached=True),
    Endpoint("claims_api_cached", "claims API, cached", CLAIMS, cached=True),
    Endpoint("changes_cached", "change feed, cached", "/api/v1/changes/", cached=True),
    Endpoint("search_cached", "search, cached", "/search/?q={search_term}", cached=True),
    Endpoint("home_cached", "home page, cached", "/", cached=True),
]


@dataclass(frozen=True)
class Page:
    """A page the sweep requests one at a time (``bench/sweep.py``); ``editor`` signs it in."""

    key: str
    label: str
    path: str
    editor: bool = False


# Everything else a reader, an API client or an editor opens, for the sweep's growth figures.
# Placeholders as above.
SWEEP: list[Page] = [
    Page("claims_explorer", "claims explorer", "/claims/"),
    Page("claims_explorer_deep", "claims explorer, page 40", "/claims/?page=40"),
    Page("pledges", "pledge tracker", "/pledges/"),
    Page("entity_page_deep", "busy entity, page 20", "/entities/{busy_entity}/?page=20"),
    Page("entity_feed", "busy entity's RSS feed", "/entities/{busy_entity}/feed/rss/"),
    Page("feed", "RSS feed", "/feed/rss/"),
    Page("sitemap", "sitemap.xml", "/sitemap.xml"),
    Page("api_articles", "API: articles", "/api/v1/articles/"),
    Page("api_entities", "API: entities", "/api/v1/entities/"),
    Page("api_sources", "API: sources", "/api/v1/sources/"),
    Page("api_claims_search", "API: claims matching a word", "/api/v1/claims/?q={search_term}"),
    Page("admin_index", "admin: home", "/admin/", editor=True),
    Page("admin_articles", "admin: articles", "/admin/articles/article/", editor=True),
    Page("admin_claims", "admin: claim queue", "/admin/articles/claim/", editor=True),
    Page(
        "admin_claims_search",
        "admin: claim queue searched",
        "/admin/articles/claim/?q={search_term}",
        editor=True,
    ),
    Page("admin_sources", "admin: sources", "/admin/articles/source/", editor=True),
    Page("admin_entities", "admin: entities", "/admin/entities/entity/", editor=True),
    Page(
        "admin_autocomplete",
        "admin: entity autocomplete",
        "/admin/autocomplete/?term=pacific&app_label=articles&model_name=claim&field_name=speaker",
        editor=True,
    ),
    Page("admin_change_log", "admin: change log", "/admin/sync/changeevent/", editor=True),
]

# Run after the data set is built, before the server starts: management commands (with their
# arguments) that derive data bulk inserts skip, e.g. a change-feed backfill or search vectors.
# Commands that do not exist are reported and skipped.
POST_BUILD_COMMANDS: list[list[str]] = [
    # Bulk inserts send no signals: without this, the change feed's first read would find every
    # published article unannounced and record them all (minutes at full size) as `make setup`
    # avoids by running the same command.
    ["sync_reconcile"],
]

# The seed import timed against the "< 1 s" target, as `make setup` runs it: a management command
# and its arguments.
SEED_IMPORT = [
    "import_report",
    "articles/seed/apec-ceo-summit-2025-report.txt",
    "--status",
    "published",
]
