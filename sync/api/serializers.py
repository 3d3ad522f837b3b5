"""Serializers for the change feed and webhook endpoints (adapters over sync.models)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coverage_site.rest.serializers import _absolute

from ..links import api_urls
from ..models import EVENT_TYPES, ChangeEvent, ObjectKind, WebhookDelivery, WebhookEndpoint

MAX_LIMIT = 500


class ChangeFeedQuerySerializer(serializers.Serializer):
    """The feed's query parameters, so bad input gets a 400 that names the parameter."""

    cursor = serializers.IntegerField(
        required=False,
        default=0,
        min_value=0,
        help_text="The previous page's next_cursor; leave out (or 0) to start at the beginning.",
        error_messages={
            "invalid": "cursor must be the next_cursor of a previous page (a whole number), "
            "or left out to start from the beginning.",
            "min_value": "cursor cannot be negative; leave it out to start from the beginning.",
        },
    )
    limit = serializers.IntegerField(
        required=False,
        default=100,
        min_value=1,
        max_value=MAX_LIMIT,
        help_text=f"Changes per page, 1 to {MAX_LIMIT} (default 100).",
        error_messages={"invalid": f"limit must be a whole number from 1 to {MAX_LIMIT}."},
    )
    kind = serializers.ChoiceField(
        choices=ObjectKind.choices,
        required=False,
        help_text="Only changes to this kind of object.",
        error_messages={
            "invalid_choice": "kind must be one of: " + ", ".join(ObjectKind.values) + "."
        },
    )


class ChangeEventSerializer(serializers.ModelSerializer):
    event = serializers.CharField(source="event_type", read_only=True)
    api_url = serializers.SerializerMethodField()
    data = serializers.JSONField(source="payload", read_only=True, allow_null=True)

    class Meta:
        model = ChangeEvent
        fields = ["id", "kind", "object_id", "action", "event", "occurred_at", "api_url", "data"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_api_url(self, event: ChangeEvent) -> str | None:
        if event.is_tombstone:
            return None
        return _absolute(self.context, self._api_url(event.kind, event.payload))

    @cached_property
    def _api_url(self) -> Callable[[str, dict], str]:
        return api_urls()  # routes looked up once per page, not per item

    @cached_property
    def _occurred_at(self) -> serializers.DateTimeField:
        # DRF looks up the current time zone for every value; it is the same for the whole page.
        field = self.fields["occurred_at"]
        return serializers.DateTimeField(default_timezone=field.default_timezone())

    def to_representation(self, instance: ChangeEvent) -> dict:
        """The fields above, built directly: a feed page is up to 500 of these, and DRF's
        generic walk over the fields was most of the time of a page (same output, tested)."""
        return {
            "id": instance.pk,
            "kind": instance.kind,
            "object_id": instance.object_id,
            "action": instance.action,
            "event": instance.event_type,
            "occurred_at": self._occurred_at.to_representation(instance.occurred_at),
            "api_url": self.get_api_url(instance),
            "data": instance.payload,
        }


class ChangeFeedPageSerializer(serializers.Serializer):
    """Schema of one feed page (documentation only)."""

    results = ChangeEventSerializer(many=True)
    next_cursor = serializers.CharField()
    has_more = serializers.BooleanField()
    next = serializers.URLField()


class WebhookEndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_TYPES),
        allow_empty=False,
        help_text='Event names to receive, e.g. ["claim.status_changed"].',
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "events", "active", "secret", "created_at"]
        read_only_fields = ["id", "secret", "created_at"]

    def validate_events(self, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise serializers.ValidationError("List each event once.")
        return value

    def validate(self, attrs: dict) -> dict:
        user = self.context["request"].user
        limit = settings.WEBHOOKS_MAX_ENDPOINTS_PER_OWNER
        if self.instance is None and user.webhook_endpoints.count() >= limit:
            raise serializers.ValidationError(
                f"You already have {limit} webhook endpoints; delete one you no longer use first."
            )
        return attrs


class WebhookDeliverySerializer(serializers.ModelSerializer):
    change = serializers.IntegerField(source="event_id", read_only=True, allow_null=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_type",
            "change",
            "status",
            "attempts",
            "last_response_code",
            "last_error",
            "next_attempt_at",
            "delivered_at",
            "created_at",
        ]
        read_only_fields = fields
