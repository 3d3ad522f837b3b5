"""Mounts every API viewset under /api/v1/."""

from rest_framework.routers import DefaultRouter

from articles.api.views import ArticleViewSet, ClaimViewSet, SourceViewSet
from coverage_site.rest.views import ApiRootView
from entities.api.views import EntityViewSet

router = DefaultRouter()
router.APIRootView = ApiRootView
router.register("articles", ArticleViewSet, basename="article")
router.register("claims", ClaimViewSet, basename="claim")
router.register("entities", EntityViewSet, basename="entity")
router.register("sources", SourceViewSet, basename="source")

app_name = "api"
urlpatterns = router.urls

# Change feed and webhooks (sync app); appended so parallel registrations above merge cleanly.
from sync.api.views import ChangeFeedViewSet, WebhookEndpointViewSet  # noqa: E402

router.register("changes", ChangeFeedViewSet, basename="change")
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")
urlpatterns = router.urls
