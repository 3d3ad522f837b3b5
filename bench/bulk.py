"""Fast bulk writes of plain row dicts: COPY on PostgreSQL, ``bulk_create`` elsewhere.

Rows are dicts keyed by attribute name (``speaker_id``, not ``speaker``). Neither path calls
``save()`` or sends signals, so django-simple-history records nothing. Every database constraint
still holds: COPY goes through the same CHECK, UNIQUE and foreign-key constraints as an INSERT.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import connection, models

BATCH = 5_000


def insert(
    model: type[models.Model], rows: Iterable[dict], *, advance: Callable[[int], None]
) -> int:
    """Write ``rows`` into ``model``'s table in batches; return how many were written."""
    if connection.vendor == "postgresql":
        return _copy(model, rows, advance)
    written = 0
    batch: list[models.Model] = []
    with _explicit_timestamps(model):
        for row in rows:
            batch.append(model(**row))
            if len(batch) == BATCH:
                written += _flush(model, batch, advance)
        written += _flush(model, batch, advance)
    return written


def _flush(model: type[models.Model], batch: list[models.Model], advance) -> int:
    if not batch:
        return 0
    model.objects.bulk_create(batch, batch_size=BATCH)
    count = len(batch)
    batch.clear()
    advance(count)
    return count


def _copy(model: type[models.Model], rows: Iterable[dict], advance) -> int:
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    opts = model._meta
    # Like bulk_create, fill fields a row leaves out with the model's defaults.
    fields = [f for f in opts.concrete_fields if f.attname in first or not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in first}
    names = [f.attname for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    written = 0
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy:
            for row in _chain(first, rows):
                copy.write_row([row.get(name, defaults.get(name)) for name in names])
                written += 1
                if written % BATCH == 0:
                    advance(BATCH)
    advance(written % BATCH)
    return written


def _chain(first: dict, rest: Iterable[dict]) -> Iterable[dict]:
    yield first
    yield from rest


@contextmanager
def _explicit_timestamps(model: type[models.Model]):
    """Let bulk_create keep the times given in the rows instead of stamping "now" on all."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def reset_sequences(model_list: list[type[models.Model]]) -> None:
    """Rows written with explicit keys leave PostgreSQL's sequences behind; move them on."""
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
