"""Entities as API clients see them: slug-identified, with aliases and both links."""

from __future__ import annotations

from rest_framework import serializers

from coverage_site.rest.serializers import ApiURLField, FastReadMixin, PageURLField, ShapedMixin

from ..models import Entity


class EntitySummarySerializer(FastReadMixin, serializers.ModelSerializer):
    """An entity embedded in another item (``expand=speaker``)."""

    api_url = ApiURLField("api:entity-detail", lookup_field="slug")
    url = PageURLField()

    class Meta:
        model = Entity
        fields = ["slug", "name", "kind", "description", "updated_at", "api_url", "url"]


class EntitySerializer(ShapedMixin, serializers.ModelSerializer):
    """A person, organisation, place, event, project or product, with its aliases."""

    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    wikidata_url = serializers.CharField(read_only=True)
    api_url = ApiURLField("api:entity-detail", lookup_field="slug")
    url = PageURLField()

    class Meta:
        model = Entity
        fields = [
            "slug",
            "name",
            "kind",
            "description",
            "aliases",
            "wikidata_id",
            "wikidata_url",
            "created_at",
            "updated_at",
            "api_url",
            "url",
        ]
