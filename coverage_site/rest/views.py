"""API root, schema and docs views, with the same conditional-GET headers as the resources."""

from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import APIRootView

from .conditional import STARTED, ConditionalMixin


class ApiRootView(ConditionalMixin, APIRootView):
    """The resources of the Summit Coverage API."""

    last_modified = STARTED


class SchemaView(ConditionalMixin, SpectacularAPIView):
    """The OpenAPI 3 schema, JSON by default (``?format=yaml`` for YAML)."""

    renderer_classes = [OpenApiJsonRenderer, OpenApiYamlRenderer]
    last_modified = STARTED
