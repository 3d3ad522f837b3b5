from django.contrib import admin
from django.urls import include, path

from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("coverage_site.api_router")),
    path("", include("entities.urls")),
    path("", include("articles.urls")),
]

admin.site.site_header = "Summit Coverage — editors"
admin.site.site_title = "Summit Coverage"
