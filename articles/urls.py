from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import feeds, views
from .sitemaps import SITEMAPS

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="article_detail"),
    path("claims/", views.claim_list, name="claim_list"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("pledges/", views.pledge_list, name="pledge_list"),
    path("sources/<int:pk>/", views.source_detail, name="source_detail"),
    path("search/", views.search, name="search"),
    path("feed/rss/", feeds.LatestArticlesFeed(), name="feed_rss"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed_atom"),
    path("entities/<slug:slug>/feed/rss/", feeds.EntityArticlesFeed(), name="entity_feed_rss"),
    path(
        "entities/<slug:slug>/feed/atom/",
        feeds.EntityArticlesAtomFeed(),
        name="entity_feed_atom",
    ),
    path("sitemap.xml", views.sitemap_index, name="sitemap"),
    path("sitemap-<str:section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("news-sitemap.xml", views.news_sitemap, name="news_sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
]
