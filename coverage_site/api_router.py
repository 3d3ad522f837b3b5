"""Mounts every API viewset under /api/v1/."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()

app_name = "api"
urlpatterns = router.urls

# Change feed and webhooks (sync app); appended so parallel registrations above merge cleanly.
from sync.api.views import ChangeFeedViewSet, WebhookEndpointViewSet  # noqa: E402

router.register("changes", ChangeFeedViewSet, basename="change")
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")
urlpatterns = router.urls
