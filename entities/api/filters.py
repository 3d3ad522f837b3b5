"""Entity filters for the API: kind, name or alias, full-text ``q``, ``updated_since``."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet

from coverage_site.rest.filters import QFilter, StrictFilterSet, UpdatedSinceFilter

from ..models import Entity, EntityAlias, EntityKind


class EntityFilter(StrictFilterSet):
    kind = django_filters.MultipleChoiceFilter(
        choices=EntityKind.choices, help_text="Entity kind; repeat for several."
    )
    name = django_filters.CharFilter(
        method="filter_name",
        help_text="Name or alias, matched ignoring case, accents and punctuation.",
    )
    q = QFilter(help_text="Words to find in the name, an alias or the description.")
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Entity
        fields: list[str] = []

    def filter_name(self, queryset, name, value) -> QuerySet:
        return queryset.filter(pk__in=Entity.objects.matching_name(value).values("pk"))

    @staticmethod
    def q_word(word: str) -> Q:
        return (
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Exists(EntityAlias.objects.filter(entity=OuterRef("pk"), name__icontains=word))
        )
