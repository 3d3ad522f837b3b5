"""What ``coverage_site.query_plans.generic_plans()`` adds to a page's query count."""

from django.db import connection


def plan_statements() -> int:
    """On PostgreSQL the statement putting the block on generic plans and, when no test
    transaction encloses the block, the BEGIN and COMMIT of its own (Django logs both, and
    they are round trips too). Nothing elsewhere."""
    if connection.vendor != "postgresql":
        return 0
    return 1 if connection.in_atomic_block else 3
