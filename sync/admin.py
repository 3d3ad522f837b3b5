"""Editors' admin for webhook endpoints, their deliveries (with re-send) and the change feed."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from articles import roles

from . import services
from .models import EVENT_TYPES, ChangeEvent, WebhookAttempt, WebhookDelivery, WebhookEndpoint


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(
        label="URL",
        max_length=1000,
        assume_scheme="https",
        help_text="http(s) address that receives POSTs, e.g. “https://client.example.org/hooks”.",
    )
    events = forms.MultipleChoiceField(
        choices=[(name, name) for name in EVENT_TYPES],
        widget=forms.CheckboxSelectMultiple,
        help_text="The events this endpoint receives.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["owner", "url", "description", "events", "active"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "description", "owner", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["url", "description", "owner__username"]
    raw_id_fields = ["owner"]
    readonly_fields = ["secret", "created_at", "updated_at"]
    list_select_related = ["owner"]


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ["number", "started_at", "duration_ms", "response_code", "error", "response_body"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "event_type",
        "endpoint",
        "status",
        "attempts",
        "last_response_code",
        "next_attempt_at",
        "created_at",
    ]
    list_filter = ["status", "event_type"]
    search_fields = ["endpoint__url", "event_type", "last_error"]
    date_hierarchy = "created_at"
    list_select_related = ["endpoint"]
    readonly_fields = [
        "endpoint",
        "event",
        "event_type",
        "payload",
        "status",
        "attempts",
        "next_attempt_at",
        "last_response_code",
        "last_error",
        "delivered_at",
        "resend_of",
        "created_at",
    ]
    inlines = [WebhookAttemptInline]
    actions = ["resend"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Re-send selected deliveries", permissions=["resend"])
    def resend(self, request, queryset) -> None:
        try:
            copies = services.webhook_deliveries_resend(deliveries=list(queryset), by=request.user)
        except PermissionDenied as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(request, f"Queued {len(copies)} delivery(ies) to send again.")

    def has_resend_permission(self, request) -> bool:
        return roles.may_manage_webhooks(request.user)


@admin.register(ChangeEvent)
class ChangeEventAdmin(admin.ModelAdmin):
    """The feed's log, newest first. It only grows (about 130,000 entries for the bench's
    10,000 articles), so the list avoids what aggregates all of it: a date filter with fixed
    ranges instead of the date drill-down (MIN/MAX and DISTINCT dates over the whole log), and
    no second count of the unfiltered log beside a filtered one."""

    list_display = ["id", "kind", "object_id", "action", "occurred_at"]
    list_filter = ["kind", "action", ("occurred_at", admin.DateFieldListFilter)]
    ordering = ["-id"]
    show_full_result_count = False
    readonly_fields = ["kind", "object_id", "action", "occurred_at", "payload"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
