"""``values()`` queries whose only parameters are a list of ids, compiled once and reused.

Building a queryset and compiling it to SQL is pure Python work that gives the same text every
time for the same shape and number of ids: for the claims list's subjects-and-sources query it
was about a third of the ORM's share of a request. :func:`rows_by_ids` compiles the queryset
the first time (with the ORM, so the SQL and the value conversions are exactly Django's) and
later runs the kept SQL with the new ids, through the connection's cursor wrapper (execute
wrappers, query logging and ``assertNumQueries`` see it as before).

It is only kept when the compiled parameters are exactly the ids given, in order (after the
``before`` parameters the caller names), so a queryset with any other parameter is simply run
as it is, every time.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable, Sequence

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.core.signals import setting_changed
from django.db import connections
from django.db.models import QuerySet
from django.dispatch import receiver

MAX_ENTRIES = 256  # shapes x page sizes per connection; cleared when full

# connection wrapper -> {(key, number of ids): (sql, column names, compiler, converters)}
_compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def rows_by_ids(
    key: Hashable,
    ids: list[int],
    queryset: Callable[[list[int]], QuerySet],
    *,
    before: Sequence = (),
) -> list[dict]:
    """``list(queryset(ids))`` for a ``values()`` queryset whose SQL depends on ``key`` and on
    the number of ids only, compiled once per connection, ``key`` and number of ids.

    ``before`` are parameters that come before the ids in the SQL, e.g. those of a subquery
    whose own SQL text is part of ``key`` (the same text, the same place for its parameters).
    """
    alias = "default"
    connection = connections[alias]
    kept = _compiled.setdefault(connection, {})
    entry = kept.get((key, len(ids)))
    if entry is None:
        qs = queryset(ids)
        if qs.db != alias:
            return list(qs)
        entry = _compile(qs, [*before, *ids])
        if entry is None:
            return list(qs)
        if len(kept) >= MAX_ENTRIES:
            kept.clear()
        kept[key, len(ids)] = entry
    sql, names, compiler, converters = entry
    with connection.cursor() as cursor:
        cursor.execute(sql, [*before, *ids])
        rows = cursor.fetchall()
    if converters:
        rows = compiler.apply_converters(rows, converters)
    return [dict(zip(names, row, strict=True)) for row in rows]


def subquery_key(queryset: QuerySet) -> tuple[tuple, list]:
    """What decides the SQL of ``queryset`` used as a subquery (``field__in=queryset``), and its
    parameters: its model, tables and joins, its WHERE clause (compiled alone, a small part of
    compiling the whole query) and what else shapes its rows. Selected columns and ordering
    are left out: a subquery selects the key and is not ordered."""
    query = queryset.query
    compiler = query.get_compiler(using=queryset.db)
    try:
        where_sql, where_params = compiler.compile(query.where)
    except FullResultSet:  # no condition at all
        where_sql, where_params = "", []
    except EmptyResultSet:  # matches nothing (the query is then run as it is, uncompiled)
        where_sql, where_params = None, []
    joins = tuple(
        (alias, join.table_name, getattr(join, "join_type", None), getattr(join, "join_cols", ()))
        for alias, join in query.alias_map.items()
    )
    shape = (
        query.distinct,
        tuple(query.distinct_fields),
        query.low_mark,
        query.high_mark,
        query.group_by is None,
        tuple(query.annotations),
        tuple(query.extra),
        query.combinator,
    )
    key = (queryset.db, query.model._meta.label, joins, shape, where_sql)
    return key, list(where_params)


def _compile(qs: QuerySet, expected: list) -> tuple | None:
    query = qs.query
    if query.extra_select or query.annotation_select or not query.values_select:
        return None
    compiler = query.get_compiler(using=qs.db)
    try:
        sql, params = compiler.as_sql()
    except (EmptyResultSet, FullResultSet):
        return None
    if list(params) != expected:
        return None
    fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
    converters = compiler.get_converters(fields)
    return sql, list(query.values_select), compiler, converters


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    """A test changing settings (time zone, database) gets freshly compiled queries."""
    _compiled.clear()
