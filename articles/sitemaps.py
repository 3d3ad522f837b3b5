"""The sitemap index and its sections, and the Google News sitemap (articles of the last two
days).

``/sitemap.xml`` is Django's sitemap index: a link to each page of each section
(``/sitemap-<section>.xml?p=N``, ``SiteSitemap.limit`` URLs a page), as Django documents for
large sites. A section page reads its slice of items, with only the fields its URLs and
lastmod need, and never counts the section: only the index does, to know how many pages to
link."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cached_property
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from entities.models import Entity

from .models import Article, Claim, Source

NEWS_WINDOW = dt.timedelta(days=2)


class SlicePaginator(Paginator):
    """A paginator whose ``page(n)`` reads the n-th slice without counting the items (the
    COUNT over every published claim cost more than reading a page); past the last page
    the slice is empty: ``EmptyPage``, which the sitemap view answers with a 404. Only the
    index asks for ``count``, which ``count_items`` gives."""

    def __init__(self, object_list, per_page: int, *, count_items: Callable[[], int]) -> None:
        super().__init__(object_list, per_page)
        self.count_items = count_items

    @cached_property
    def count(self) -> int:
        return self.count_items()

    def page(self, number) -> Page:
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        bottom = (number - 1) * self.per_page
        items = list(self.object_list[bottom : bottom + self.per_page])
        if not items and number > 1:
            raise EmptyPage("That page contains no results")
        return self._get_page(items, number, self)


class SiteSitemap(Sitemap):
    """Absolute URLs on ``SITE_URL``, whatever host the request came in on; ``items()`` a
    queryset of records with ``updated_at``."""

    limit = 5000

    @property
    def paginator(self) -> Paginator:
        return SlicePaginator(self.listed, self.limit, count_items=lambda: self.totals["count"])

    @cached_property
    def listed(self):
        """``items()``, built once per request: building the public entities' or sources'
        queryset reads their held-back ids (``public_listing()``)."""
        return self.items()

    @cached_property
    def totals(self) -> dict:
        """How many items the section has and their newest change, in one query: all the
        index asks of a section (public entities and sources come from their tallies,
        ``public_listing()``, which reads the held-back ids first: one query more each)."""
        return self.listed.aggregate(count=Count("pk"), latest=Max("updated_at"))

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return self.totals["latest"]


class PagesSitemap(SiteSitemap):
    changefreq = "hourly"

    def items(self) -> list[str]:
        return ["articles:home", "articles:claim_list", "articles:pledge_list"]

    def location(self, item: str) -> str:
        return reverse(item)

    @property
    def paginator(self) -> Paginator:
        return Paginator(self.items(), self.limit)

    def lastmod(self, item):
        return None

    def get_latest_lastmod(self):
        return None


class ArticleSitemap(SiteSitemap):
    def items(self):
        return (
            Article.objects.published().order_by("-published_at", "pk").only("slug", "updated_at")
        )


class ClaimSitemap(SiteSitemap):
    def items(self):
        return Claim.objects.published().order_by("pk").only("updated_at")


class EntitySitemap(SiteSitemap):
    def items(self):
        return Entity.objects.public_listing().order_by("pk").only("slug", "updated_at")


class SourceSitemap(SiteSitemap):
    def items(self):
        return Source.objects.public_listing().order_by("pk").only("updated_at")


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
