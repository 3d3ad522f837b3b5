"""Values built from translated text, built once per language instead of once per request.

A lazy label (a model choice's, a month's name) is looked up in the catalogue of the active
language each time it is turned into text: a few microseconds each, and the article page
turned some thirty of them into text on every request. Their text only depends on the
language, so it is kept per language code.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from django.utils.translation import get_language

T = TypeVar("T")


def per_language(build: Callable[[], T]) -> Callable[[], T]:
    """``build`` called once per active language, its result kept and shared: callers must
    not change it."""
    built: dict[str | None, T] = {}

    @functools.wraps(build)
    def cached() -> T:
        language = get_language()
        try:
            return built[language]
        except KeyError:
            value = built[language] = build()
            return value

    return cached
