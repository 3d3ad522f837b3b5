"""The production storage of static files: WhiteNoise's, with each file's URL kept.

``CompressedManifestStaticFilesStorage`` works a file's URL out from the manifest on every
``{% static %}``: a lookup, then splitting, joining, quoting and unquoting the URL, about
12 µs, twice on every page (the stylesheet and the icon). The URL of a name only changes
when the manifest does, which a process loads once (and ``collectstatic`` rewrites, see
``post_process``), so it is kept per name once worked out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files (WhiteNoise) whose URLs are worked out once per name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: str, force: bool = False) -> str:
        # With DEBUG on, or forced, the parent answers differently (the unhashed name, or
        # the hashed one regardless): left to it, uncached.
        if force or settings.DEBUG:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)
            return url

    def post_process(self, *args: Any, **kwargs: Any) -> Iterator[tuple[str, str, Any]]:
        """The parent's, forgetting the URLs worked out from the manifest it replaces."""
        self._urls.clear()
        yield from super().post_process(*args, **kwargs)
        self._urls.clear()
