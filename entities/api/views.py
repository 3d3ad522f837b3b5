"""Read-only entity endpoints."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend

from coverage_site.rest.query import StrictOrderingFilter
from coverage_site.rest.viewsets import ApiViewSet

from ..models import Entity
from .filters import EntityFilter
from .serializers import EntitySerializer


class EntityViewSet(ApiViewSet):
    """People, organisations, places and events the coverage is about, by slug."""

    serializer_class = EntitySerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"  # anything else is a JSON 404 without a query
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    filterset_class = EntityFilter
    ordering_fields = ["name", "kind", "updated_at", "created_at"]
    ordering = ["name", "id"]
    loading = {"aliases": ([], ["aliases"])}

    def visible(self) -> QuerySet:
        # A list is counted and paged over every visible entity: the tallies' way is
        # cheaper. It reads the held-back ids at once, so not for the schema's stand-in view.
        listing = self.action == "list" and not getattr(self, "swagger_fake_view", False)
        return Entity.objects.visible_to(self.request.user, listing=listing)
