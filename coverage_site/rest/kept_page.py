"""A list page whose query is compiled once per shape and rerun with new values.

Building a claims page's queryset (visibility, django-filter's filters, the ordering, the
selected columns, the cursor's position and slice) and compiling it to SQL is pure Python work
that gives the same text for every request of the same shape: about a millisecond of an
uncached list. :class:`KeptPage` stands in for that queryset where DRF's ``CursorPagination``
pages it: it records the ordering, the position filter and the slice the paginator asks for,
and runs the whole query through :func:`coverage_site.kept_queries.kept_list`, which compiles
it the first time (with the ORM) and checks that the values given are the query's only
parameters apart from constants and the clock; otherwise it is built and run every time.

The caller's ``key`` must name everything that decides the SQL apart from ``values`` (which
filters are given and how many values each, the fields selected, who is asking).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from types import SimpleNamespace

from django.db import models
from django.db.models import QuerySet

from coverage_site.kept_queries import kept_list


class KeptPage:
    """What ``CursorPagination.paginate_queryset`` uses of a queryset: ``model``,
    ``query.annotations`` (read by the ordering filter), ``order_by``, one ``filter`` by
    position, a slice and iteration; each returns a new stand-in."""

    def __init__(
        self,
        key: Hashable,
        build: Callable[..., QuerySet],
        values: tuple[int | str, ...],
        model: type[models.Model],
        steps: tuple = (),
    ):
        self.key, self.build, self.values, self.model = key, build, values, model
        self.steps = steps
        # The page's own filters add no annotation (the caller keeps those that do out).
        self.query = SimpleNamespace(annotations={})

    def _then(self, step: tuple, values: tuple = ()) -> KeptPage:
        return KeptPage(
            self.key, self.build, (*self.values, *values), self.model, (*self.steps, step)
        )

    def order_by(self, *fields: str) -> KeptPage:
        return self._then(("order_by", fields))

    def filter(self, **lookup: object) -> KeptPage | QuerySet:
        """The cursor's position (``id__gt="53"``). An integer column's position is given as
        the integer the ORM would send, a parameter as it is; any other (a time, which the
        ORM parses) makes the page an ordinary queryset, built and compiled as usual."""
        ((name, value),) = lookup.items()
        field = self.model._meta.get_field(name.split("__", 1)[0])
        if isinstance(field, models.IntegerField) and isinstance(value, str) and value.isdigit():
            return self._then(("filter", name), (int(value),))
        return self._queryset(*self.values).filter(**lookup)

    def __getitem__(self, bounds: slice) -> KeptPage:
        if not isinstance(bounds, slice) or bounds.step is not None:
            raise TypeError("A kept page is only sliced.")
        return self._then(("slice", bounds.start, bounds.stop))

    def _queryset(self, *values: int | str) -> QuerySet:
        count = len(values) - sum(1 for step in self.steps if step[0] == "filter")
        queryset, rest = self.build(*values[:count]), iter(values[count:])
        for step in self.steps:
            if step[0] == "order_by":
                queryset = queryset.order_by(*step[1])
            elif step[0] == "filter":
                queryset = queryset.filter(**{step[1]: next(rest)})
            else:
                queryset = queryset[step[1] : step[2]]
        return queryset

    def __iter__(self) -> Iterator:
        return iter(kept_list((self.key, self.steps), self._queryset, *self.values))
