"""Querysets of a fixed shape compiled once per connection and rerun with new values.

Building a queryset with nested visibility rules (``Entity.objects.public()``, whose four
EXISTS each hold a published-articles or published-claims filter) and compiling it to SQL is
pure Python work that gives the same text every time: on the entity page it was about a
third of the request's Python time. :func:`kept_list` builds and compiles the queryset the
first time (with the ORM, so the SQL, the joins and the loading of rows are exactly Django's)
and later runs the kept SQL with the new values, through the connection's cursor wrapper
(execute wrappers, query logging and ``assertNumQueries`` see it as before); rows become
model instances (``select_related`` and annotations included) or values as Django loads them.

The SQL is only kept when its parameters are exactly the values that change and constants:
the queryset is built twice, with the caller's values and with stand-ins, and the two must
give the same SQL text, and each parameter must be either the same in both (a constant such
as a status), or the value (stand-in) given in that position, or the clock read while that
build ran (the visibility rules compare with ``timezone.now()``). The clock is read again for
every run, never frozen into the kept statement. Any other queryset (a parameter derived from
a value, SQL that changes with a value, prefetches, whose querysets would hold the build's
clock) is simply built and run every time.
"""

from __future__ import annotations

import copy
import datetime as dt
import weakref
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import ValuesIterable
from django.dispatch import receiver
from django.utils import timezone

MAX_ENTRIES = 256  # shapes per connection; cleared when full

_VALUE, _CLOCK, _CONSTANT = range(3)

# connection wrapper -> {key: (queryset, compiler, sql, slots) or None when not kept}
_kept: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# connection wrapper -> {key: (sql, slots) or None when not kept}, for ``kept_sql``
_kept_sql: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def kept_list(
    key: Hashable, build: Callable[..., QuerySet], *values: int | str | dt.datetime
) -> list:
    """``list(build(*values))``, the queryset compiled once per connection and ``key``.

    ``key`` names the shape: everything that decides the SQL apart from ``values`` (the
    caller's choice of query plan, a page's offsets, how many units). ``values`` are
    integers, strings or aware datetimes, each used as a query parameter as it is (an id, a
    slug, a bound read from the database); a datetime is only kept where the backend passes
    it on as it is (PostgreSQL; SQLite is given text, so such a query is built every time)."""
    connection = connections[DEFAULT_DB_ALIAS]
    entry = _entry(_kept, connection, key, _compile, build, values)
    if entry is None:
        return list(build(*values))
    queryset, compiler, sql, slots, reader = entry
    params = _params(connection, slots, values)
    if reader is not None:
        return reader(connection, sql, params)
    runner = copy.copy(compiler)
    runner.as_sql = lambda *args, **kwargs: (sql, params)
    run = queryset._chain()
    run.query.get_compiler = lambda *args, **kwargs: runner
    return list(run)


def kept_sql(
    key: Hashable, build: Callable[..., tuple[str, list | tuple]], *values: int | str | dt.datetime
) -> tuple[str, tuple]:
    """``build(*values)``, the SQL and parameters of a statement written around ORM-built
    parts, built once per connection and ``key`` and later given the new values and clock.

    The same rules as :func:`kept_list`: the SQL is kept only when building it with stand-ins
    gives the same text and each parameter is a constant, one of ``values`` or the clock."""
    connection = connections[DEFAULT_DB_ALIAS]
    entry = _entry(_kept_sql, connection, key, _compile_sql, build, values)
    if entry is None:
        sql, params = build(*values)
        return sql, tuple(params)
    sql, slots = entry
    return sql, _params(connection, slots, values)


def _entry(
    store: weakref.WeakKeyDictionary,
    connection,
    key: Hashable,
    compile_: Callable[[Callable, tuple], tuple | None],
    build: Callable,
    values: tuple,
) -> tuple | None:
    """The connection's kept entry for ``key`` in ``store``, compiled the first time (None:
    built every time)."""
    kept = store.setdefault(connection, {})
    try:
        return kept[key]
    except KeyError:
        entry = compile_(build, values)
        if len(kept) >= MAX_ENTRIES:
            kept.clear()
        kept[key] = entry
        return entry


def _params(connection, slots: list, values: tuple) -> tuple:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return tuple(
        _value(values, *given) if kind == _VALUE else now if kind == _CLOCK else given
        for kind, given in slots
    )


def _value(values: tuple, position: int, wrap: type | None) -> int | str:
    return values[position] if wrap is None else wrap(values[position])


def _stand_in(position: int, value: int | str | dt.datetime) -> int | str | dt.datetime:
    """A value of the same type that no real one equals."""
    if isinstance(value, int) and not isinstance(value, bool):
        return -1_000_003 - position
    if isinstance(value, str):
        return f"\x1fstand-in {position}"
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return dt.datetime(1, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=position)
    raise TypeError(
        f"kept_list values are integers, strings or aware datetimes, not {type(value).__name__}"
    )


def _build(build: Callable[..., QuerySet], values: tuple) -> tuple | None:
    before = timezone.now()
    queryset = build(*values)
    after = timezone.now()
    if queryset.db != DEFAULT_DB_ALIAS or queryset._prefetch_related_lookups:
        return None
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except (EmptyResultSet, FullResultSet):
        return None
    return queryset, compiler, sql, list(params), before, after


def _compile(build: Callable[..., QuerySet], values: tuple) -> tuple | None:
    stand_ins = tuple(_stand_in(i, value) for i, value in enumerate(values))
    first = _build(build, values)
    second = _build(build, stand_ins)
    if first is None or second is None:
        return None
    queryset, compiler, *built = first
    slots = _slots(values, stand_ins, built, second[2:])
    if slots is None:
        return None
    return queryset, compiler, built[0], slots, _values_reader(queryset, compiler)


@dataclass(frozen=True)
class _ValuesReader:
    """Reads a kept ``values()`` statement whose columns need no conversion: the dicts
    ``ValuesIterable`` would give (the same names, values and order), run through the
    connection's cursor wrapper as ``execute_sql`` runs it, but without cloning the queryset,
    asking every column for its converters (about 35 calls for a page of claims) and
    fetching in chunks of 100."""

    names: tuple[str, ...]
    width: int | None  # the columns shown, when the SQL selects more (``distinct()``)

    def rows(self, fetched: list[tuple]) -> list[dict]:
        names, width = self.names, self.width
        if width is not None:
            fetched = [row[:width] for row in fetched]
        return [dict(zip(names, row, strict=True)) for row in fetched]

    def __call__(self, connection, sql: str, params: tuple) -> list[dict]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return self.rows(cursor.fetchall())


def _values_reader(queryset: QuerySet, compiler) -> _ValuesReader | None:
    """The reader of a ``values()`` queryset whose columns need no conversion; None for
    anything else (converters, composite keys, other iterables): it takes the ORM's path."""
    if queryset._iterable_class is not ValuesIterable:
        return None
    query = queryset.query
    fields = [column[0] for column in compiler.select[: compiler.col_count]]
    if compiler.get_converters(fields) or compiler.has_composite_fields(fields):
        return None
    if query.selected:
        names = tuple(query.selected)
    else:
        names = (*query.extra_select, *query.values_select, *query.annotation_select)
    return _ValuesReader(names, compiler.col_count if compiler.has_extra_select else None)


def kept_lists(queries: Sequence[tuple[Hashable, Callable[..., QuerySet], tuple]]) -> list[list]:
    """``[kept_list(key, build, *values) for key, build, values in queries]``.

    On PostgreSQL the kept ``values()`` statements among them are sent together and their
    rows read in one round trip (psycopg's pipeline mode) rather than one each: a claims
    page's subjects, sources and appearances. They are independent reads, each run as it
    would be alone (the cursor wrappers see each statement)."""
    connection = connections[DEFAULT_DB_ALIAS]
    entries = [
        _entry(_kept, connection, key, _compile, build, values) for key, build, values in queries
    ]
    together = [
        position
        for position, entry in enumerate(entries)
        if entry is not None and entry[4] is not None
    ]
    found: dict[int, list] = {}
    if connection.vendor == "postgresql" and len(together) > 1:
        found = _read_in_one_round_trip(
            connection, [(entries[i], queries[i][2]) for i in together], together
        )
    return [
        found[position] if position in found else kept_list(key, build, *values)
        for position, (key, build, values) in enumerate(queries)
    ]


def _read_in_one_round_trip(connection, kept: list[tuple[tuple, tuple]], positions: list[int]):
    """``{position: rows}`` of kept ``values()`` statements sent in one pipeline."""
    connection.ensure_connection()
    cursors = []
    try:
        with connection.wrap_database_errors, connection.connection.pipeline():
            for (_, _, sql, slots, _), values in kept:
                cursor = connection.cursor()
                cursors.append(cursor)
                cursor.execute(sql, _params(connection, slots, values))
            return {
                position: entry[4].rows(cursor.fetchall())
                for position, (entry, _), cursor in zip(positions, kept, cursors, strict=True)
            }
    finally:
        for cursor in cursors:
            cursor.close()


def _compile_sql(build: Callable[..., tuple[str, list | tuple]], values: tuple) -> tuple | None:
    stand_ins = tuple(_stand_in(i, value) for i, value in enumerate(values))
    built = []
    for given in (values, stand_ins):
        before = timezone.now()
        sql, params = build(*given)
        built.append((sql, list(params), before, timezone.now()))
    slots = _slots(values, stand_ins, *built)
    return None if slots is None else (built[0][0], slots)


def _slots(values: tuple, stand_ins: tuple, first: tuple, second: tuple) -> list | None:
    """Where each parameter of the SQL built with ``values`` (``first``: SQL, parameters and
    the clock's window while it was built) comes from, told by the build with ``stand_ins``
    (``second``); None when the SQL may not be kept."""
    sql, params, *window = first
    other_sql, other_params, *other_window = second
    if sql != other_sql or len(params) != len(other_params) or window[1] >= other_window[0]:
        return None
    slots = []
    for param, other in zip(params, other_params, strict=True):
        if param == other and not _read_from_clock(param, *window):
            slots.append((_CONSTANT, param))
        elif _read_from_clock(param, *window) and _read_from_clock(other, *other_window):
            slots.append((_CLOCK, None))
        else:
            positions = [
                i
                for i, (value, stand_in) in enumerate(zip(values, stand_ins, strict=True))
                if _same(param, value) and _same(other, stand_in)
            ]
            if len(positions) != 1:
                return None
            # A wrapper the ORM put around the value (psycopg's ``Int4`` for ``Value(n)``).
            wrap = None if type(param) is type(values[positions[0]]) else type(param)
            slots.append((_VALUE, (positions[0], wrap)))
    return slots


def _same(param: object, value: object) -> bool:
    return isinstance(param, type(value)) and not isinstance(param, bool) and param == value


def _read_from_clock(param: object, before: dt.datetime, after: dt.datetime) -> bool:
    """Whether ``param`` is the time read while the queryset was built: a datetime between
    ``before`` and ``after``, or the text SQLite is given for one (in the connection's zone)."""
    if isinstance(param, str):
        try:
            param = dt.datetime.fromisoformat(param)
        except ValueError:
            return False
        if timezone.is_naive(param):
            connection = connections[DEFAULT_DB_ALIAS]
            param = timezone.make_aware(param, connection.timezone)
    if not isinstance(param, dt.datetime) or timezone.is_naive(param):
        return False
    return before <= param <= after


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    """A test changing settings (time zone, database) gets freshly compiled queries."""
    _kept.clear()
    _kept_sql.clear()
