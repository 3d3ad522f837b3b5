"""Plans made once per connection for a page whose statements have a fixed shape (PostgreSQL).

A statement run often is prepared (``coverage_site/prepared.py``), and PostgreSQL then plans it
with each run's values (a custom plan) until a plan made without them (the generic plan) looks
no dearer. The visibility rules compare with the clock, a parameter: making a generic plan, the
planner guesses that a third of the rows pass ``published_at <= $1`` where nearly all do, finds
it dearer, and keeps making custom plans. On the busy entity page of the full benchmark data
that was 6 to 10 ms of PostgreSQL's 25 a request, to plan statements whose generic plans are
the same or better: the relations' nested EXISTS took 4.4 ms to plan and 0.7 ms to run, the
entity's own row 2.5 ms in all and 0.5 ms on its generic plan.

``generic_plans()`` runs a block in a transaction whose statements use their generic plans
(``SET LOCAL``, so nothing outlives the block, which a pooler in transaction mode needs). It
also turns JIT compilation off for them: the generic plan of a statement reading the few
scheduled claims guesses a third of all claims, and its cost would have PostgreSQL compile it
(25 ms) to run a 2 ms plan. It suits a page whose statements are kept compiled
(``kept_queries``), each of a shape whose best plan does not depend on the values: the view
picks between shapes where it does (the entity page's walk or lookup by ids). Statements that
look up full-text matches need their values planned (``prepared.py``) and must stay outside.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

# Sets both for the rest of the transaction and returns what they were (read first, in the CTE).
_GENERIC = """
    WITH before AS MATERIALIZED (
        SELECT current_setting('plan_cache_mode') AS plan_cache_mode, current_setting('jit') AS jit
    )
    SELECT plan_cache_mode, jit,
        set_config('plan_cache_mode', 'force_generic_plan', true), set_config('jit', 'off', true)
    FROM before
"""
_RESTORE = "SELECT set_config('plan_cache_mode', %s, true), set_config('jit', %s, true)"


@contextmanager
def generic_plans(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block's statements on generic plans, without JIT, in one transaction
    (PostgreSQL; elsewhere the block just runs): one statement more, and the transaction's
    BEGIN and COMMIT.

    Inside a transaction already (the tests'), the block joins it and puts both settings
    back as they were when it ends, with a statement sent on the driver's connection: it is
    not one of the block's queries, and production never sends it. After a database error
    the enclosing transaction's rollback puts them back."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        with transaction.atomic(using=using):
            _use_generic_plans(connection)
            yield
        return
    before = _use_generic_plans(connection)
    try:
        yield
    except DatabaseError:
        raise
    except BaseException:
        connection.connection.execute(_RESTORE, before)
        raise
    connection.connection.execute(_RESTORE, before)


def _use_generic_plans(connection) -> tuple[str, str]:
    """Sets the transaction's statements on generic plans without JIT; returns the settings
    they had."""
    with connection.cursor() as cursor:
        cursor.execute(_GENERIC)
        return cursor.fetchone()[:2]
