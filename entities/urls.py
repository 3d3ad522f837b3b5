from django.urls import path

from . import views

app_name = "entities"

urlpatterns = [
    path("entities/<slug:slug>/", views.EntityDetailView.as_view(), name="detail"),
]
