from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Coverage"

    def ready(self) -> None:
        from . import caching

        caching.connect_signals()
