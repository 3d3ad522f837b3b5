"""Mounted by coverage_site.urls only when BENCH_BARE_VIEW is on (never by default)."""

from django.urls import path

from . import views

app_name = "bench"

urlpatterns = [
    path("bench/bare", views.bare, name="bare"),
]
