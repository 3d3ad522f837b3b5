from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "sync"
    verbose_name = "Change feed and webhooks"

    def ready(self) -> None:
        from . import signals

        signals.connect()
