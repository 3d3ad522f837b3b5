"""Model instances from the rows of hand-written SQL, as ``Model.objects.raw()`` builds them.

``raw()`` works out, on every query, which model fields its columns are (from the cursor's
description), the order to build instances in and the backend's converters: on the article
page that was about 150 µs per query, more than the database round trip itself. Here the
caller names the leading columns (the model's ``attname`` s, in the order selected) and that
work is done once per model and column list, with the same converters ``raw()`` applies
(decimals and dates on SQLite, for example); fields not selected are deferred, as with
``raw()``. Columns after the named ones are handed back as they came, for the caller's own use
(a role, a position, a number).

Instances are what ``Model.from_db`` builds, written straight into their ``__dict__``:
``Model.__init__`` walks every field of the model and sends ``pre_init`` and ``post_init``,
about ten times the cost (some 60 instances on a large article page). That is only done while
no receiver listens to those signals for the model; otherwise, and for a model whose
``from_db`` does more than Django's, ``from_db`` builds them, unless the model says what it
adds in a ``loaded_from_db(instance)`` static method (``entities.Entity`` does).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from inspect import getattr_static
from typing import Any

from django.db import connections
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.signals import post_init, pre_init

_Converters = list[tuple[int, list, Any]]
# Per model, column names and database: the converters to apply (by column position), the
# positions of the columns in the model's field order (which ``from_db`` expects) and whether
# the fields may be written straight into an instance's ``__dict__``.
_LOADERS: dict[tuple[type[Model], tuple[str, ...], str], tuple[_Converters, list[int]]] = {}


def _loader(
    model: type[Model], names: tuple[str, ...], using: str
) -> tuple[_Converters, list[int]]:
    key = (model, names, using)
    if key not in _LOADERS:
        connection = connections[using]
        converters = []
        for position, name in enumerate(names):
            column = model._meta.get_field(name).get_col(model._meta.db_table)
            functions = connection.ops.get_db_converters(column)
            functions += column.get_db_converters(connection)
            if functions:
                converters.append((position, functions, column))
        attnames = [field.attname for field in model._meta.concrete_fields]
        if len(set(names)) != len(names) or not set(names) <= set(attnames):
            raise ValueError(f"{names} are not distinct concrete fields of {model.__name__}.")
        order = [names.index(name) for name in attnames if name in names]
        # Written into ``__dict__`` only when setting them does nothing else (a foreign key's
        # id only drops a cached related object, which a new instance does not have).
        plain = all(
            not hasattr(getattr_static(model, name), "__set__")
            or isinstance(getattr_static(model, name), ForeignKeyDeferredAttribute)
            for name in names
        )
        _LOADERS[key] = (converters, order, plain)
    return _LOADERS[key]


def instances(
    model: type[Model],
    names: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    using: str = "default",
    converted: bool = False,
) -> list[tuple[Any, tuple[Any, ...]]]:
    """Each row as ``(instance, extras)``: an instance of ``model`` built from the first
    ``len(names)`` columns, which hold the fields ``names`` in that order, and the row's
    remaining columns. ``converted`` rows hold Python values already (a ``values_list()``
    queryset's), which are not converted again."""
    names = tuple(names)
    count = len(names)
    converters, order, plain = _loader(model, names, using)
    if converted or not converters:
        # The row's own values (PostgreSQL's, for the fields the pages read, need no converter).
        built = [(row[:count], tuple(row[count:])) for row in rows]
    else:
        built = _converted(rows, count, converters, connections[using])
    if not (plain and _builds_fast(model)):
        return [
            (model.from_db(using, names, [values[position] for position in order]), extras)
            for values, extras in built
        ]
    loaded = getattr(model, "loaded_from_db", None)
    new = model.__new__
    for index, (values, extras) in enumerate(built):
        instance = new(model)
        instance.__dict__.update(zip(names, values, strict=True))
        state = instance._state = ModelState()
        state.adding, state.db = False, using
        built[index] = (loaded(instance) if loaded else instance, extras)
    return built


def _converted(
    rows: Iterable[Sequence[Any]], count: int, converters: _Converters, connection: Any
) -> list[tuple[list[Any], tuple[Any, ...]]]:
    """Each row's first ``count`` values with ``converters`` applied, and its other values."""
    built = []
    for row in rows:
        values = list(row[:count])
        for position, functions, column in converters:
            value = values[position]
            for function in functions:
                value = function(value, column, connection)
            values[position] = value
        built.append((values, tuple(row[count:])))
    return built


def _builds_fast(model: type[Model]) -> bool:
    """May ``model``'s instances be written straight into their ``__dict__`` (see above)?"""
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return False
    own_from_db = model.from_db.__func__ is Model.from_db.__func__  # type: ignore[attr-defined]
    return own_from_db or hasattr(model, "loaded_from_db")
