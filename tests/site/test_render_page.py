"""``coverage_site.render_page``: ``render()`` that leaves the page's objects to reference
counting rather than to the garbage collector."""

import gc
import weakref

import pytest
from django.shortcuts import render

from coverage_site.render_page import render_page

pytestmark = pytest.mark.django_db


class Marker:
    """An object of the page, whose freeing the tests watch."""

    def __str__(self) -> str:
        return "marker text"


def _freed_without_collection(render_function, rf) -> tuple[bool, bytes]:
    """Whether the context's objects are gone as soon as the response is built, with the
    garbage collector off, and the response's body."""
    marker = Marker()
    freed = weakref.ref(marker)
    gc.disable()
    try:
        response = render_function(rf.get("/"), "404.html", {"exception": marker})
        del marker
        return freed() is None, response.content
    finally:
        gc.enable()


def test_render_page_leaves_no_cycle_holding_the_context(rf):
    """The page's objects are freed when the view returns, not at the next collection."""
    freed, _ = _freed_without_collection(render_page, rf)
    assert freed


def test_django_render_keeps_the_context_in_a_cycle(rf):
    """What ``render_page`` avoids: ``render()``'s context outlives it until a collection."""
    freed, _ = _freed_without_collection(render, rf)
    assert not freed


def test_render_page_writes_what_render_writes(rf):
    """The same body as ``django.shortcuts.render``."""
    assert _freed_without_collection(render_page, rf)[1] == _freed_without_collection(render, rf)[1]


def test_render_page_takes_status_and_content_type_as_render_does(rf):
    """A page answered with another status or media type (the pledge list's 400, the news
    sitemap's XML) keeps them."""
    response = render_page(rf.get("/"), "404.html", {}, status=400, content_type="application/xml")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/xml"
    assert render_page(rf.get("/"), "404.html", {})["Content-Type"] == "text/html; charset=utf-8"
