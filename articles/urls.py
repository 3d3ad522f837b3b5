from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("sources/<int:pk>/", views.source_detail, name="source_detail"),
]
