"""The article body's stored rendering: ``Article.body_html`` and ``Article.body_html_key``.

Rendering a body (Markdown, two sanitiser passes, claim highlights) is the costliest step of
the article page, and its result only changes when the body, the citation numbers, the claims'
passages or statuses, or the renderer change. So the rendering is stored with a key of all of
those (``rendering.body_key``). The page computes the key from what it loads anyway and uses
the stored HTML only when the keys match; otherwise it renders, exactly as without a stored
copy. A stored copy is therefore never served stale: a write path that does not refresh it
only makes the page slower until something does.

Refreshing: saves and deletes of articles, citations, claims and claim appearances collect the
articles concerned, and ``store_bodies`` renders and stores them once the transaction commits.
Bulk writes that send no signals (the importer, a backup restore, the benchmark builder) call
``store_bodies`` or ``store_bodies_on_commit`` themselves.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import translation

from .models import Article, Citation, Claim, ClaimAppearance, VerificationStatus
from .rendering import Highlight, RenderedBody, body_key, render_body

logger = logging.getLogger(__name__)
BATCH = 500
_local = threading.local()


def status_labels() -> dict[str, str]:
    """Each verification status's label in the active language (the highlights show it)."""
    return {value: str(label) for value, label in VerificationStatus.choices}


def rendered_body(
    article: Article, *, citation_numbers: list[int], highlights: list[Highlight]
) -> RenderedBody:
    """``render_body`` of ``article``'s body, from the stored copy when its key matches."""
    key = body_key(article.body, citation_numbers, highlights)
    if article.body_html_key == key and article.body_html:
        return RenderedBody.from_html(article.body_html)
    return render_body(article.body, citation_numbers=citation_numbers, highlights=highlights)


def _batches(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def store_bodies(article_ids: Iterable[int]) -> int:
    """Render and store the body of each article in ``article_ids`` (in the site's language,
    the one readers get), reading what the page would: its citation numbers and each claim's
    first appearance, in position order. Returns how many were stored."""
    ids = sorted(set(article_ids))
    stored = 0
    with translation.override(settings.LANGUAGE_CODE):
        labels = status_labels()
        for batch in _batches(ids):
            numbers: dict[int, list[int]] = defaultdict(list)
            for article_id, number in Citation.objects.filter(article_id__in=batch).values_list(
                "article_id", "number"
            ):
                numbers[article_id].append(number)
            highlights: dict[int, dict[int, Highlight]] = defaultdict(dict)
            appearances = (
                ClaimAppearance.objects.filter(article_id__in=batch)
                .order_by("article_id", "position")
                .values_list("article_id", "claim_id", "passage", "claim__status")
            )
            for article_id, claim_id, passage, status in appearances:
                highlights[article_id].setdefault(
                    claim_id, Highlight(claim_id, passage, status, labels.get(status, status))
                )
            updates = []
            for pk, body in Article.objects.filter(pk__in=batch).values_list("pk", "body"):
                found = list(highlights[pk].values())
                rendered = render_body(body, citation_numbers=numbers[pk], highlights=found)
                storable = rendered.storable
                updates.append(
                    Article(
                        pk=pk,
                        body_html=rendered.html if storable else "",
                        body_html_key=body_key(body, numbers[pk], found) if storable else "",
                    )
                )
            Article.objects.bulk_update(updates, ["body_html", "body_html_key"])
            stored += len(updates)
    return stored


class _Pending:
    """The articles whose bodies a transaction touched; stored once it commits."""

    def __init__(self) -> None:
        self.article_ids: set[int] = set()
        self.claim_ids: set[int] = set()

    def __call__(self) -> None:
        if getattr(_local, "pending", None) is self:
            _local.pending = None
        try:
            ids = set(self.article_ids)
            if self.claim_ids:
                ids |= set(
                    ClaimAppearance.objects.filter(claim_id__in=self.claim_ids).values_list(
                        "article_id", flat=True
                    )
                )
            store_bodies(ids)
        except Exception:  # the write is committed; the page renders the body until stored
            logger.exception("Storing %d article bodies failed", len(self.article_ids))


def store_bodies_on_commit(article_ids: Iterable[int] = (), claim_ids: Iterable[int] = ()) -> None:
    """Store these articles' bodies (and those of the articles showing these claims) when
    the current transaction commits (at once outside a transaction)."""
    article_ids, claim_ids = set(article_ids), set(claim_ids)
    if not (article_ids or claim_ids):
        return
    connection = transaction.get_connection()
    pending = getattr(_local, "pending", None)
    # A rollback discards the registered callback; then the collected set is stale.
    if pending is None or not any(entry[1] is pending for entry in connection.run_on_commit):
        pending = _local.pending = _Pending()
        if connection.in_atomic_block:
            transaction.on_commit(pending, robust=True)
    pending.article_ids |= article_ids
    pending.claim_ids |= claim_ids
    if not connection.in_atomic_block:
        pending()


def _article_written(sender, instance: Article, raw: bool = False, **kwargs) -> None:
    if not raw:
        store_bodies_on_commit(article_ids=[instance.pk])


def _part_written(sender, instance, raw: bool = False, **kwargs) -> None:
    # A citation or an appearance: its article's body.
    if not raw:
        store_bodies_on_commit(article_ids=[instance.article_id])


def _claim_written(sender, instance: Claim, raw: bool = False, **kwargs) -> None:
    if not raw:
        store_bodies_on_commit(claim_ids=[instance.pk])


def connect_signals() -> None:
    """Called from ``ArticlesConfig.ready()``."""
    post_save.connect(_article_written, sender=Article, dispatch_uid="stored-body-article")
    post_save.connect(_claim_written, sender=Claim, dispatch_uid="stored-body-claim")
    for model in (Citation, ClaimAppearance):
        for signal in (post_save, post_delete):
            signal.connect(_part_written, sender=model, dispatch_uid=f"stored-body-{model._meta}")
