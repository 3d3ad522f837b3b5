"""Collect which public-facing objects a transaction touched, and record them once it commits.

Signal receivers call ``touch``; the first touch in a transaction registers one
``transaction.on_commit`` callback that hands the whole set to ``sync.services.changes_record``.
A rolled-back transaction drops its callback, so nothing is recorded or sent for it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, transaction

logger = logging.getLogger(__name__)
_local = threading.local()


class _Batch:
    """The objects touched by one transaction; called by Django after it commits."""

    def __init__(self) -> None:
        self.keys: set[tuple[str, int]] = set()

    def __call__(self) -> None:
        if getattr(_local, "batch", None) is self:
            _local.batch = None
        from .services import changes_record

        try:
            changes_record(keys=self.keys)
        except Exception:
            # The edit itself is committed; the hourly reconcile repairs the feed.
            logger.exception("Recording changes failed for %d object(s)", len(self.keys))


def _pending(using: str) -> _Batch | None:
    batch = getattr(_local, "batch", None)
    connection = transaction.get_connection(using)
    if batch is None or not connection.in_atomic_block:
        return None
    # A rollback discards the registered callback; then this batch is stale.
    if not any(entry[1] is batch for entry in connection.run_on_commit):
        return None
    return batch


def touch(kind: str, ids: Iterable[int | None], using: str = DEFAULT_DB_ALIAS) -> None:
    """Note that objects of ``kind`` with ``ids`` changed in the current transaction."""
    keys = {(kind, pk) for pk in ids if pk is not None}
    if not keys:
        return
    batch = _pending(using)
    if batch is not None:
        batch.keys |= keys
        return
    batch = _Batch()
    batch.keys |= keys
    _local.batch = batch
    transaction.on_commit(batch, using=using)
