from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Coverage"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from coverage_site import pg_datetimes, prepared

        from . import caching, stored_body

        caching.connect_signals()
        stored_body.connect_signals()
        connection_created.connect(prepared.install, dispatch_uid="coverage_site.prepared")
        connection_created.connect(pg_datetimes.install, dispatch_uid="coverage_site.pg_datetimes")
