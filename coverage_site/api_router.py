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
