"""Counts of related rows as correlated subqueries, for lists that show a page of rows.

``annotate(n=Count("related"))`` joins the related table and groups the whole queryset: an
admin list of 100 sources out of 20,000 aggregated every citation of every source before it
could sort and cut the page, and its row count, date drill-down and filter choices inherited the
join. A scalar subquery per row lets PostgreSQL count only for the rows it returns, through the
related table's foreign-key index, and leaves ``count()`` and ``dates()`` without a join (Django
strips unused annotations from them).
"""

from __future__ import annotations

from django.db.models import F, Func, IntegerField, QuerySet, Subquery


class _CountAll(Func):
    """``COUNT(...)`` that Django does not treat as an aggregate of the subquery's own query, so
    the subquery has no GROUP BY and always returns one row (0 when nothing matches)."""

    function = "COUNT"
    output_field = IntegerField()


class _CountDistinct(_CountAll):
    template = "COUNT(DISTINCT %(expressions)s)"


def count_of(related: QuerySet, field: str = "pk", *, distinct: bool = False) -> Subquery:
    """The number of ``related`` rows (or of distinct ``field`` values among them).

    ``related`` is filtered on ``OuterRef`` to the outer row, e.g.
    ``count_of(Claim.objects.filter(speaker=OuterRef("pk")))``.
    """
    counter = _CountDistinct if distinct else _CountAll
    return Subquery(related.order_by().annotate(n=counter(F(field))).values("n"))
