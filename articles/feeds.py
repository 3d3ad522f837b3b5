"""RSS and Atom feeds of published articles: site-wide and per entity."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from entities.models import Entity
from entities.structured_data import absolute_url

from .models import Article
from .structured_data import SITE_NAME

FEED_LENGTH = 30


class LatestArticlesFeed(Feed):
    """The latest published articles (RSS 2.0)."""

    title = f"{SITE_NAME}: latest coverage"
    description = "New and updated reports from the summits we cover, with their checked claims."

    def link(self) -> str:
        return absolute_url(reverse("articles:home"))

    def feed_url(self) -> str:
        return absolute_url(reverse("articles:feed_rss"))

    def item_link(self, item: Article) -> str:
        return absolute_url(item.get_absolute_url())

    def items(self):
        return Article.objects.published().select_related("event")[:FEED_LENGTH]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.standfirst

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return max(item.updated_at, item.published_at)

    def item_author_name(self, item: Article) -> str:
        return item.byline or SITE_NAME

    def item_categories(self, item: Article) -> list[str]:
        return [item.event.name] if item.event_id else []


class LatestArticlesAtomFeed(LatestArticlesFeed):
    """The same as Atom 1.0."""

    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description

    def feed_url(self) -> str:
        return absolute_url(reverse("articles:feed_atom"))


class EntityArticlesFeed(LatestArticlesFeed):
    """Published articles about one entity (RSS 2.0)."""

    def get_object(self, request, slug: str) -> Entity:
        return get_object_or_404(Entity.objects.public(), slug=slug)

    def title(self, obj: Entity) -> str:
        return f"{SITE_NAME}: {obj.name}"

    def link(self, obj: Entity) -> str:
        return absolute_url(obj.get_absolute_url())

    def feed_url(self, obj: Entity) -> str:
        return absolute_url(reverse("articles:entity_feed_rss", kwargs={"slug": obj.slug}))

    def description(self, obj: Entity) -> str:
        return f"Published coverage involving {obj.name}."

    def items(self, obj: Entity):
        return Article.objects.published().involving(obj).select_related("event")[:FEED_LENGTH]


class EntityArticlesAtomFeed(EntityArticlesFeed):
    """The same as Atom 1.0."""

    feed_type = Atom1Feed

    def subtitle(self, obj: Entity) -> str:
        return self.description(obj)

    def feed_url(self, obj: Entity) -> str:
        return absolute_url(reverse("articles:entity_feed_atom", kwargs={"slug": obj.slug}))
