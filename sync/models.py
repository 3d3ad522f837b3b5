"""The public change feed and the webhooks that push it to API clients.

ChangeEvent is the append-only feed: its id is the cursor clients follow. PublicState holds, per
article, claim, entity and source, the last state the feed published, which is exactly what a
client that followed the feed now holds. WebhookEndpoint is a client's receiver; each event it
subscribes to becomes a WebhookDelivery, whose every attempt is logged as a WebhookAttempt.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .validators import validate_event_types, validate_webhook_url


class ObjectKind(models.TextChoices):
    ARTICLE = "article", "Article"
    CLAIM = "claim", "Claim"
    ENTITY = "entity", "Entity"
    SOURCE = "source", "Source"


class ChangeAction(models.TextChoices):
    CREATED = "created", "Created (entered the public set)"
    UPDATED = "updated", "Updated"
    STATUS_CHANGED = "status_changed", "Verification status changed"
    CORRECTED = "corrected", "Corrected"
    UNPUBLISHED = "unpublished", "Unpublished"
    DELETED = "deleted", "Deleted"


REMOVALS = (ChangeAction.UNPUBLISHED, ChangeAction.DELETED)
_ACTIONS_BY_KIND = {
    ObjectKind.ARTICLE: ["created", "updated", "corrected", "unpublished", "deleted"],
    ObjectKind.CLAIM: [
        "created",
        "updated",
        "status_changed",
        "corrected",
        "unpublished",
        "deleted",
    ],
    ObjectKind.ENTITY: ["created", "updated", "unpublished", "deleted"],
    ObjectKind.SOURCE: ["created", "updated", "unpublished", "deleted"],
}


def event_type(kind: str, action: str) -> str:
    """Webhook event name of a change: ``claim.status_changed``; an article enters as published."""
    if kind == ObjectKind.ARTICLE and action == ChangeAction.CREATED:
        return "article.published"
    return f"{kind}.{action}"


EVENT_TYPES = [
    event_type(kind, action) for kind, actions in _ACTIONS_BY_KIND.items() for action in actions
]


class ChangeEvent(models.Model):
    """One change to the public data set; the feed lists these in id order (the cursor)."""

    kind = models.CharField(max_length=10, choices=ObjectKind.choices)
    object_id = models.PositiveBigIntegerField()
    action = models.CharField(max_length=20, choices=ChangeAction.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    payload = models.JSONField(
        null=True,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text="Public state after the change; empty for a tombstone (unpublished, deleted).",
    )

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["kind", "object_id"], name="sync_event_object_idx"),
            # The feed filtered by kind (``?kind=article``) walks one kind in cursor order.
            models.Index(fields=["kind", "id"], name="sync_event_kind_cursor_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(payload__isnull=True, action__in=REMOVALS)
                | (Q(payload__isnull=False) & ~Q(action__in=REMOVALS)),
                name="%(app_label)s_%(class)s_tombstone_has_no_payload",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.event_type} {self.object_id}"

    @property
    def event_type(self) -> str:
        return event_type(self.kind, self.action)

    @property
    def is_tombstone(self) -> bool:
        return self.action in REMOVALS


class PublicState(models.Model):
    """The last state the feed published for one object; no row means the object is not public."""

    kind = models.CharField(max_length=10, choices=ObjectKind.choices)
    object_id = models.PositiveBigIntegerField()
    digest = models.CharField(max_length=64, help_text="SHA-256 of the canonical JSON payload.")
    payload = models.JSONField(encoder=DjangoJSONEncoder)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "object_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="%(app_label)s_%(class)s_unique_object"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class SyncLock(models.Model):
    """One row, written first by every recording transaction so cursors follow commit order."""

    touched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"sync lock {self.pk}"


class DueCheck(models.Model):
    """One row: where ``changes_publish_due`` starts looking for scheduled articles come due.

    The feed runs that look on every read; with this row it considers only articles published
    after ``look_after`` (an index range on ``published_at``) instead of comparing every
    published article with the feed's state.
    """

    look_after = models.DateTimeField(
        help_text="Articles published after this may not be announced yet (earlier ones are)."
    )

    def __str__(self) -> str:
        return f"due articles: look after {self.look_after:%Y-%m-%d %H:%M:%S}"


def generate_secret() -> str:
    return secrets.token_hex(32)


class WebhookEndpoint(models.Model):
    """An API client's receiver: where to POST which events, signed with its own secret."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(
        "URL",
        max_length=1000,
        validators=[validate_webhook_url],
        help_text="http(s) address that receives POSTs, e.g. “https://client.example.org/hooks”.",
    )
    description = models.CharField(
        "description", max_length=200, blank=True, help_text="e.g. “Newsdesk claims mirror”."
    )
    events = models.JSONField(
        "events",
        default=list,
        validators=[validate_event_types],
        help_text="Event names to send, e.g. [“claim.status_changed”, “article.published”].",
    )
    secret = models.CharField(max_length=64, default=generate_secret, editable=False)
    active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(url=""), name="%(app_label)s_%(class)s_url_not_empty"
            )
        ]

    def __str__(self) -> str:
        return self.description or self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed (gave up)"


class WebhookDelivery(models.Model):
    """One event sent to one endpoint, retried with exponential backoff until it succeeds."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(
        ChangeEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    event_type = models.CharField("event name", max_length=40)
    payload = models.JSONField(
        encoder=DjangoJSONEncoder, help_text="The body: current and previous state."
    )
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    resend_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="resends"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=DeliveryStatus.PENDING) | Q(next_attempt_at__isnull=False),
                name="%(app_label)s_%(class)s_pending_has_next_attempt",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint.url}"


class WebhookAttempt(models.Model):
    """One HTTP attempt at a delivery: when, how long, and what the receiver answered."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True, help_text="The first 2,000 characters.")
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "number"], name="%(app_label)s_%(class)s_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"attempt {self.number}: {self.response_code or self.error}"

    @property
    def succeeded(self) -> bool:
        return self.response_code is not None and 200 <= self.response_code < 300
