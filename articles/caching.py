"""When what readers see changes, the public cache moves on. The one module that decides it.

Cached public pages and anonymous API responses (``coverage_site/public_cache.py``) are stored
with the *content generation*, a random token kept in the shared cache, and only served while
it is still the current one.
Saving or deleting a row of any content model (``CONTENT_MODELS``), or changing one of their
many-to-many links, starts a new generation when the transaction commits: every cached response
is missed at once, and nothing rendered from uncommitted data is cached under the new token.
Writes that skip model signals (bulk inserts, queryset updates) call ``content_changed()``
themselves. The signal receivers below only collect; the rules are here.

A scheduled article becomes visible with no write at all. The generation record therefore says
when to look again: at the next scheduled publish time, and at least every ``SCHEDULE_RECHECK``.
The first request after that looks (two small queries); if an article became due since the last
look, a new generation starts, so the article shows up at once, never a cached page without it.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

logger = logging.getLogger(__name__)

CONTENT_MODELS = (
    "articles.Article",
    "articles.ArticleTransition",
    "articles.Citation",
    "articles.Claim",
    "articles.ClaimAppearance",
    "articles.ClaimSource",
    "articles.CorrectionNote",
    "articles.Source",
    # Derived counts, written by database triggers (never by Django: no signal fires) and by
    # ``tallies.recount()``, which calls ``content_changed()`` itself.
    "articles.ChartUnitTally",
    "articles.EntityChartUnitTally",
    "articles.EntityClaimTally",
    "articles.EntityTally",
    "articles.EventArticleTally",
    "articles.SourceTally",
    "entities.Entity",
    "entities.EntityAlias",
    "entities.EntityRedirect",
    "entities.EntityRelation",
)
GENERATION_KEY = "public-cache:generation"
SCHEDULE_RECHECK = dt.timedelta(minutes=5)


def content_changed() -> None:
    """Readers' content was written: start a new generation when this transaction commits
    (at once outside a transaction). Cheap to call many times in one transaction."""
    if not has_pending_changes():
        transaction.on_commit(_new_generation, robust=True)


def has_pending_changes() -> bool:
    """Has this thread's open transaction written content that is not committed yet? Such a
    request must neither read nor fill the shared cache."""
    connection = transaction.get_connection()
    return connection.in_atomic_block and any(
        callback is _new_generation for _, callback, *_ in connection.run_on_commit
    )


def cached_with_generation(key: str) -> tuple[str, object | None]:
    """The current generation token and the value cached under ``key``, in one round trip
    (no query, except when it is time to look for articles that became due)."""
    found = cache.get_many([GENERATION_KEY, key])
    return _token(found.get(GENERATION_KEY)), found.get(key)


def _token(record: dict | None) -> str:
    now = timezone.now()
    if record is None or now.timestamp() >= record["next_check"]:
        record = _look_again(record, now)
    return record["token"]


def _new_generation() -> None:
    try:
        _store(uuid.uuid4().hex, timezone.now())
    except Exception:  # the write is committed; a cache outage must not turn it into an error
        logger.exception("public cache: could not start a new generation")


def _look_again(record: dict | None, now: dt.datetime) -> dict:
    article_model = apps.get_model("articles", "Article")
    if record is None:
        return _store(uuid.uuid4().hex, now)
    since = dt.datetime.fromtimestamp(record["checked_at"], tz=dt.UTC)
    if article_model.objects.became_public_between(since, now).exists():
        return _store(uuid.uuid4().hex, now)
    return _store(record["token"], now)


def _store(token: str, now: dt.datetime) -> dict:
    upcoming = (
        apps.get_model("articles", "Article")
        .objects.scheduled()
        .aggregate(first=Min("published_at"))["first"]
    )
    next_check = min(filter(None, (upcoming, now + SCHEDULE_RECHECK)))
    record = {"token": token, "checked_at": now.timestamp(), "next_check": next_check.timestamp()}
    cache.set(GENERATION_KEY, record, timeout=None)
    return record


def _written(sender, **kwargs) -> None:
    content_changed()


def _linked(sender, action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        content_changed()


def connect_signals() -> None:
    """Called from ``ArticlesConfig.ready()``: every content write calls ``content_changed``."""
    models = [apps.get_model(label) for label in CONTENT_MODELS]
    # Links added with .add()/.set() send m2m_changed only (even through Citation/ClaimSource).
    links = {field.remote_field.through for model in models for field in model._meta.many_to_many}
    for model in {*models, *links}:
        uid = f"public-cache-{model._meta.label}"
        post_save.connect(_written, sender=model, dispatch_uid=uid)
        post_delete.connect(_written, sender=model, dispatch_uid=uid)
    for through in links:
        uid = f"public-cache-links-{through._meta.label}"
        m2m_changed.connect(_linked, sender=through, dispatch_uid=uid)
