"""Which statements psycopg 3 may prepare on PostgreSQL (``DATABASE_SERVER_SIDE_BINDING``).

A prepared statement lets PostgreSQL skip parsing and, once it settles on a generic plan after
five executions, planning: on the article page that is about 1.2 ms of its 2 ms of database time.
A generic plan is built without the parameter values, though, and for a full-text match
(``@@ websearch_to_tsquery(...)``) the planner then assumes a handful of rows: at full size the
site search's article query took 50 ms on its generic plan against 15 ms on a custom one (it
sorted 6,000 matches instead of walking the ``published_at`` index). So statements that look
matches up (``@@``, or pg_trgm's ``%`` on a name) are never prepared; they stay on custom plans,
as without the setting. Statements that only rank and highlight candidates already found, by
their ids (the search page's ``_page_articles`` and ``_page_claims``), are prepared like any
other: their plan is a primary-key lookup whatever the words, and the custom plan they had
cost PostgreSQL more to make (about 2.7 ms for the page's articles, estimating each of two
hundred ids) than to run.

A statement bound server-side also carries at most 65,535 parameters (the protocol counts them
in 16 bits), and Django does not split an ``IN`` list on PostgreSQL: ``sync_reconcile`` sends
one of every published id. Such a statement is bound client-side instead, its values written
into the SQL by psycopg as they would be with binding off.
"""

from __future__ import annotations

from typing import Any

import psycopg
from django.db.backends.base.base import BaseDatabaseWrapper

# SQL that PostgreSQL must plan with its parameter values (see the module docstring): a
# full-text match and a trigram match (``%`` as psycopg is given it).
_NEEDS_CUSTOM_PLAN = (" @@ ", " %% ")
# The most parameters one statement bound server-side may carry.
MAX_BOUND_PARAMETERS = 65_535


def never_prepare_full_text(execute, sql: str, params: Any, many: bool, context: dict) -> Any:
    """An execute wrapper: run ``sql`` unprepared if it looks up full-text or trigram
    matches."""
    if not any(marker in sql for marker in _NEEDS_CUSTOM_PLAN):
        return execute(sql, params, many, context)
    pg_connection = context["connection"].connection
    threshold = pg_connection.prepare_threshold
    pg_connection.prepare_threshold = None
    try:
        return execute(sql, params, many, context)
    finally:
        pg_connection.prepare_threshold = threshold


def bind_oversized_client_side(execute, sql: str, params: Any, many: bool, context: dict) -> Any:
    """An execute wrapper: run a statement with more parameters than the protocol allows
    with its values bound client-side (never prepared: its text is unique)."""
    if many or params is None or len(params) <= MAX_BOUND_PARAMETERS:
        return execute(sql, params, many, context)
    with psycopg.ClientCursor(context["connection"].connection) as literal:
        bound_sql = literal.mogrify(sql, params)
    return execute(bound_sql, None, many, context)


def install(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created`` receiver: guard connections that prepare statements."""
    if connection.vendor != "postgresql":
        return
    options = connection.settings_dict["OPTIONS"]
    if options.get("server_side_binding") and bind_oversized_client_side not in (
        connection.execute_wrappers
    ):
        connection.execute_wrappers.insert(0, bind_oversized_client_side)
    if options.get("prepare_threshold") is None:
        return
    if never_prepare_full_text not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, never_prepare_full_text)
