"""``timestamptz`` values read from PostgreSQL by psycopg's C loader.

Django 5.2 registers its own ``timestamptz`` loader, a subclass of psycopg's pure-Python one
(to attach its time zone), so every time stamp a query returns is parsed in Python: about
5 µs each against 0.5 µs for psycopg's C loader. A page of the claims API reads about 360.

With ``USE_TZ`` and no ``TIME_ZONE`` in ``DATABASES`` (this project's only configuration)
Django wants ``datetime.timezone.utc`` and sets the session time zone to UTC, and psycopg's C
loader then returns the same datetimes with that same ``tzinfo``: :func:`install` registers it
on such connections (checked on a sample value; anything else keeps Django's loader).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg.adapt import Loader
from psycopg.pq import Format

TIMESTAMPTZ_OID = psycopg.adapters.types["timestamptz"].oid
# psycopg's own loader: its C implementation when the binary package is installed.
_FAST = psycopg.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
_SAMPLE = b"2000-01-02 03:04:05.123456+00"


class UTCTimestamptzLoader(Loader):
    """psycopg's loader, for sessions in UTC; ``timezone`` is what Django's cursor checks."""

    timezone = dt.UTC

    def __init__(self, oid: int, context: Any = None):
        super().__init__(oid, context)
        # The C loader's bound ``load``, which psycopg then calls directly for each value.
        self.load = _FAST(oid, context).load

    def load(self, data: Any) -> dt.datetime:  # replaced per instance in __init__
        raise NotImplementedError


def _gives_utc(pg_connection: psycopg.Connection) -> bool:
    try:
        value = _FAST(TIMESTAMPTZ_OID, pg_connection).load(_SAMPLE)
    except Exception:
        return False
    return value == dt.datetime(2000, 1, 2, 3, 4, 5, 123456, tzinfo=dt.UTC) and (
        value.tzinfo is dt.UTC
    )


def install(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created`` receiver: psycopg's loader where it gives what Django's does."""
    if connection.vendor != "postgresql" or connection.timezone is not dt.UTC:
        return
    pg_connection = connection.connection
    adapters = getattr(pg_connection, "adapters", None)  # psycopg 3 only
    if adapters is None:
        return
    if _gives_utc(pg_connection):
        adapters.register_loader(TIMESTAMPTZ_OID, UTCTimestamptzLoader)
