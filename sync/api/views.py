"""The change feed and webhook registration under /api/v1/ (thin: logic is in sync.services)."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.db.models import Max
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from articles import roles

from .. import services
from ..models import ChangeEvent, WebhookEndpoint
from .serializers import (
    ChangeEventSerializer,
    ChangeFeedPageSerializer,
    ChangeFeedQuerySerializer,
    WebhookDeliverySerializer,
    WebhookEndpointSerializer,
)

logger = logging.getLogger(__name__)


class OnePageSchema(api_settings.DEFAULT_SCHEMA_CLASS):
    """The feed's list answers one page object (results + cursor), not a bare array."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class ChangeFeedViewSet(viewsets.GenericViewSet):
    """Every change to published articles, claims, entities and sources, oldest first."""

    schema = OnePageSchema()
    queryset = ChangeEvent.objects.order_by("id")
    serializer_class = ChangeEventSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        parameters=[ChangeFeedQuerySerializer],
        responses={
            200: ChangeFeedPageSerializer,
            400: OpenApiResponse(description="A malformed cursor, limit or kind, named."),
        },
    )
    def list(self, request: Request) -> Response:
        """One page of changes after `cursor`; keep the page's `next_cursor` for the next call.

        Apply changes in order: `data` holds the object's public state, or is null when it left
        the public set (`unpublished`, `deleted`). Following the cursor from the start ends
        with exactly the published data set. `has_more` means call again now: the page was
        full, or more scheduled articles came due than one call announces.
        """
        # A plain dict, so an empty value (``?kind=``) is refused rather than read as absent.
        params = ChangeFeedQuerySerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        cursor, limit = params.validated_data["cursor"], params.validated_data["limit"]
        kind = params.validated_data.get("kind")
        more_due = self._catch_up()
        # Before the page: an event committed in between is then on the page, never skipped.
        latest = ChangeEvent.objects.aggregate(latest=Max("id"))["latest"] or 0
        if cursor > latest:
            raise serializers.ValidationError(
                {
                    "cursor": [
                        f"cursor {cursor} is past the latest change ({latest}); use the "
                        "next_cursor you were given, or leave cursor out to start again."
                    ]
                }
            )
        events = self.get_queryset().filter(id__gt=cursor)
        if kind:
            # The page's ids from the (kind, id) index alone, then those rows: filtering the
            # rows on kind in id order walks every other kind's rows in between (the planner
            # assumes kinds are evenly spread; a reconcile writes them in long runs).
            ids = events.filter(kind=kind).values("id")[: limit + 1]
            events = self.get_queryset().filter(id__in=ids)
        page = list(events[: limit + 1])
        has_more = len(page) > limit
        page = page[:limit]
        last_seen = page[-1].pk if page else cursor
        next_cursor = last_seen if has_more else max(latest, last_seen)
        query = {"cursor": next_cursor, "limit": limit, **({"kind": kind} if kind else {})}
        return Response(
            {
                "results": self.get_serializer(page, many=True).data,
                "next_cursor": str(next_cursor),
                "has_more": has_more or more_due,
                "next": request.build_absolute_uri(f"{request.path}?{urlencode(query)}"),
            }
        )

    @staticmethod
    def _catch_up() -> bool:
        """Announce scheduled articles come due before reading; True if some are left for later."""
        try:
            return services.changes_catch_up()
        except Exception:
            logger.exception("Catching up scheduled publications failed")
            return False


class MayRegisterWebhooks(permissions.BasePermission):
    message = "Sign in (session or API token) to manage webhooks."

    def has_permission(self, request, view) -> bool:
        return roles.may_register_webhooks(request.user)


class WebhookEndpointViewSet(viewsets.ModelViewSet):
    """Your webhook endpoints: where signed events you subscribe to are POSTed."""

    serializer_class = WebhookEndpointSerializer
    permission_classes = [MayRegisterWebhooks]
    filter_backends: list = []
    public_cache = False  # per account, never for anonymous readers (coverage_site/public_cache)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookEndpoint.objects.none()
        own = WebhookEndpoint.objects.filter(owner=self.request.user)
        return own.order_by("-created_at", "-id")

    def perform_create(self, serializer) -> None:
        serializer.save(owner=self.request.user)

    @extend_schema(responses=WebhookDeliverySerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=WebhookDeliverySerializer)
    def deliveries(self, request: Request, pk: str | None = None) -> Response:
        """Recent deliveries to this endpoint, newest first, with the receiver's last answer."""
        endpoint = self.get_object()
        deliveries = endpoint.deliveries.order_by("-created_at", "-id")
        page = self.paginate_queryset(deliveries)
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)
