"""``reverse()`` for one-argument routes, at the cost of a string join after the first call.

A list of 50 claims with their sources links about 250 items (API and page addresses), and
Django's ``reverse()`` walks the resolver, the script prefix and the language for each one:
about a tenth of the time of such a request. The address of a route with one argument is the
same text around the argument, so it is reversed once with a stand-in value and the text kept.

A value is only spliced in when ``reverse()`` would have produced exactly that text: a
non-negative integer, or a slug when the route takes slugs (both need no percent-encoding);
anything else goes through ``reverse()`` as before, errors included. The cache key includes the
URLconf, the script prefix and the language, so ``override_settings(ROOT_URLCONF=...)``, a
mounted prefix or translated routes get their own templates.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

_DIGITS = "9081726354"
_SLUG = "zq-stand_in"
_SLUG_RE = re.compile(r"[-a-zA-Z0-9_]+")

# (view_name, kwarg, urlconf, script prefix, language) -> (head, tail, takes_slugs) or None
_templates: dict[tuple, tuple[str, str, bool] | None] = {}
# (view_name, urlconf, script prefix, language) -> path
_fixed: dict[tuple, str] = {}


def routing_state() -> tuple[str, str, str | None]:
    """What a route's path depends on besides its arguments: the URLconf, the script prefix
    and the language (context-local reads, the cost of a cached lookup)."""
    return (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language())


def reverse_fixed(view_name: str, state: tuple | None = None) -> str:
    """``reverse(view_name)`` for a route without arguments (the site's navigation), kept
    once reversed: its path only depends on ``routing_state()``, which a caller reversing
    several in the same request may pass, read once."""
    key = (view_name, *(state or routing_state()))
    try:
        return _fixed[key]
    except KeyError:
        path = _fixed[key] = reverse(view_name)
        return path


def _template(key: tuple) -> tuple[str, str, bool] | None:
    view_name, kwarg = key[0], key[1]
    try:
        path = reverse(view_name, kwargs={kwarg: _DIGITS})
    except NoReverseMatch:
        return None
    if path.count(_DIGITS) != 1:
        return None
    head, tail = path.split(_DIGITS)
    try:
        if reverse(view_name, kwargs={kwarg: "1"}) != f"{head}1{tail}":
            return None
    except NoReverseMatch:
        return None
    try:
        takes_slugs = reverse(view_name, kwargs={kwarg: _SLUG}) == f"{head}{_SLUG}{tail}"
    except NoReverseMatch:
        takes_slugs = False
    return head, tail, takes_slugs


def reverse_one(view_name: str, kwarg: str, value) -> str:
    """``reverse(view_name, kwargs={kwarg: value})``, from a cached template when it is safe."""
    return _splice(_current_template(view_name, kwarg), view_name, kwarg, value)


def reverser(view_name: str, kwarg: str, state: tuple | None = None) -> Callable[[object], str]:
    """``reverse_one`` for many values in one request: the URLconf, script prefix and language
    (context-local reads, most of the cost of a call) are looked up once, here, or passed as
    ``state`` (``routing_state()``) by a caller making several reversers."""
    template = _current_template(view_name, kwarg, state)
    return lambda value: _splice(template, view_name, kwarg, value)


def route_template(
    view_name: str, kwarg: str, state: tuple | None = None
) -> tuple[str, str, bool] | None:
    """``(head, tail, takes_slugs)``: the route's address is ``head + value + tail`` for a
    non-negative integer (and a slug when ``takes_slugs``); None when that cannot be relied on.
    A caller looking up several routes in one request may pass ``routing_state()``, read once."""
    return _current_template(view_name, kwarg, state)


def slug_pattern() -> re.Pattern:
    """The slugs ``route_template`` splices in (others need ``reverse()``)."""
    return _SLUG_RE


def _current_template(
    view_name: str, kwarg: str, state: tuple | None = None
) -> tuple[str, str, bool] | None:
    key = (view_name, kwarg, *(state or routing_state()))
    try:
        return _templates[key]
    except KeyError:
        template = _templates[key] = _template(key)
        return template


def _splice(template: tuple[str, str, bool] | None, view_name: str, kwarg: str, value) -> str:
    if template is not None:
        head, tail, takes_slugs = template
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return f"{head}{value}{tail}"
        if takes_slugs and isinstance(value, str) and _SLUG_RE.fullmatch(value):
            return f"{head}{value}{tail}"
    return reverse(view_name, kwargs={kwarg: value})
