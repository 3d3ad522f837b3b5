"""Render and store every article's body (``articles/stored_body.py``): after a deploy that
raised ``rendering.RENDERER_VERSION``, or on a database filled without model signals."""

from django.core.management.base import BaseCommand

from articles.models import Article
from articles.stored_body import store_bodies


class Command(BaseCommand):
    help = "Render every article's body and store it for the article page."

    def handle(self, *args, **options):
        stored = store_bodies(Article.objects.values_list("pk", flat=True))
        self.stdout.write(f"Stored {stored} article bodies.")
