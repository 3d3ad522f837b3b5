"""Entity filters for the API: kind, name or alias, full-text ``q``, ``updated_since``."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from coverage_site.rest.filters import (
    ChoicesFilter,
    SearchFilter,
    StrictFilterSet,
    UpdatedSinceFilter,
)

from ..models import Entity, EntityKind
from ..search import search_entities


class EntityFilter(StrictFilterSet):
    kind = ChoicesFilter(choices=EntityKind.choices, help_text="Entity kind; repeat for several.")
    name = django_filters.CharFilter(
        method="filter_name",
        help_text="Name or alias, matched ignoring case, accents and punctuation.",
    )
    q = SearchFilter(
        search=search_entities,
        help_text=(
            "Search names, aliases (misspellings too) and descriptions, as on the search page. "
            "Best matches first unless ordering is given."
        ),
    )
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Entity
        fields: list[str] = []

    def filter_name(self, queryset, name, value) -> QuerySet:
        return queryset.filter(pk__in=Entity.objects.matching_name(value).values("pk"))
