from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularSwaggerSplitView

from coverage_site.rest.errors import api_not_found
from coverage_site.rest.views import SchemaView

from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("coverage_site.api_router")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^api/", api_not_found),  # any other /api/ address: a JSON 404, even with DEBUG
    path("", include("entities.urls")),
    path("", include("articles.urls")),
]

admin.site.site_header = "Summit Coverage — editors"
admin.site.site_title = "Summit Coverage"

handler404 = "coverage_site.rest.errors.handler404"
handler500 = "coverage_site.rest.errors.handler500"

if settings.BENCH_BARE_VIEW:  # `make bench` only; off unless the environment turns it on
    urlpatterns.append(path("", include("bench.urls")))
