"""Model instances from the rows of hand-written SQL, as ``Model.objects.raw()`` builds them.

``raw()`` works out, on every query, which model fields its columns are (from the cursor's
description), the order to build instances in and the backend's converters: on the article
page that was about 150 µs per query, more than the database round trip itself. Here the
caller names the leading columns (the model's ``attname`` s, in the order selected) and that
work is done once per model and column list. Instances come from ``Model.from_db`` with the
same converters ``raw()`` applies (decimals and dates on SQLite, for example); fields not
selected are deferred, as with ``raw()``. Columns after the named ones are handed back as they
came, for the caller's own use (a role, a position, a number).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections
from django.db.models import Model

_Converters = list[tuple[int, list, Any]]
# Per model, column names and database: the converters to apply (by column position) and the
# positions of the columns in the model's field order, which ``from_db`` expects.
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
        _LOADERS[key] = (converters, order)
    return _LOADERS[key]


def instances(
    model: type[Model],
    names: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    using: str = "default",
) -> list[tuple[Any, tuple[Any, ...]]]:
    """Each row as ``(instance, extras)``: an instance of ``model`` built from the first
    ``len(names)`` columns, which hold the fields ``names`` in that order, and the row's
    remaining columns."""
    names = tuple(names)
    count = len(names)
    converters, order = _loader(model, names, using)
    connection = connections[using]
    built = []
    for row in rows:
        values = list(row[:count])
        for position, functions, column in converters:
            value = values[position]
            for function in functions:
                value = function(value, column, connection)
            values[position] = value
        instance = model.from_db(using, names, [values[position] for position in order])
        built.append((instance, tuple(row[count:])))
    return built
