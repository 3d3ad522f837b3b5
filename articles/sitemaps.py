"""sitemap.xml sections and the Google News sitemap (articles of the last two days)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import timezone

from entities.models import Entity

from .models import Article, Claim, Source

NEWS_WINDOW = dt.timedelta(days=2)


class SiteSitemap(Sitemap):
    """Absolute URLs on ``SITE_URL``, whatever host the request came in on."""

    limit = 5000

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def lastmod(self, item):
        return item.updated_at


class PagesSitemap(SiteSitemap):
    changefreq = "hourly"

    def items(self) -> list[str]:
        return ["articles:home", "articles:claim_list", "articles:pledge_list"]

    def location(self, item: str) -> str:
        return reverse(item)

    def lastmod(self, item):
        return None


class ArticleSitemap(SiteSitemap):
    def items(self):
        return Article.objects.published().order_by("-published_at", "pk")


class ClaimSitemap(SiteSitemap):
    def items(self):
        return Claim.objects.published().order_by("pk")


class EntitySitemap(SiteSitemap):
    def items(self):
        return Entity.objects.public_listing().order_by("pk")


class SourceSitemap(SiteSitemap):
    def items(self):
        return Source.objects.public_listing().order_by("pk")


SITEMAPS = {
    "pages": PagesSitemap,
    "articles": ArticleSitemap,
    "claims": ClaimSitemap,
    "entities": EntitySitemap,
    "sources": SourceSitemap,
}


def news_articles():
    """Published articles of the last two days, for the Google News sitemap."""
    return Article.objects.published().filter(published_at__gte=timezone.now() - NEWS_WINDOW)
