"""``{% fixed %}``: the shell's navigation and asset links, written once and reused, always the
markup the same tags give without it."""

from __future__ import annotations

from unittest import mock

import pytest
from django.template import Context, Engine, TemplateSyntaxError, engines
from django.templatetags.static import StaticNode
from django.test import override_settings
from django.urls import set_script_prefix

LINKS = (
    '<link rel="icon" href="{% static \'favicon.svg\' %}">'
    "<a href=\"{% route 'articles:home' %}\">Home</a>"
    "<a href=\"{% route 'articles:claim_list' %}\">Claims</a>"
)


def _render(source: str) -> str:
    return engines["django"].from_string("{% load coverage static %}" + source).render({})


@pytest.mark.parametrize("prefix", ["/", "/coverage/"])
def test_fixed_markup_is_the_markup_of_its_tags(prefix):
    """Under a mounted prefix too: each prefix gets its own text."""
    set_script_prefix(prefix)
    try:
        plain = _render(LINKS)
        assert _render("{% fixed %}" + LINKS + "{% endfixed %}") == plain
        assert f'href="{prefix}claims/"' in plain
    finally:
        set_script_prefix("/")


def test_a_prefix_change_between_renderings_is_followed():
    """The same compiled template, rendered under two prefixes, links under each."""
    template = engines["django"].from_string(
        "{% load coverage %}{% fixed %}{% route 'articles:home' %}{% endfixed %}"
    )
    first = template.render({})
    set_script_prefix("/mounted/")
    try:
        assert template.render({}) == "/mounted/"
    finally:
        set_script_prefix("/")
    assert first == template.render({}) == "/"


def test_a_settings_change_is_followed():
    """A new STATIC_URL (as tests and deployments may set) gives the new asset links."""
    template = engines["django"].from_string(
        "{% load coverage static %}{% fixed %}{% static 'css/site.css' %}{% endfixed %}"
    )
    before = template.render({})
    with override_settings(
        STATIC_URL="/assets/",
        STORAGES={
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        },
    ):
        assert template.render({}) == "/assets/css/site.css"
    assert template.render({}) == before


def test_the_tags_inside_run_once_per_state():
    """A second page reuses the text: the storage is not asked for the asset's name again."""
    template = engines["django"].from_string(
        "{% load coverage static %}{% fixed %}" + LINKS + "{% endfixed %}"
    )
    first = template.render({})
    with mock.patch.object(StaticNode, "url", side_effect=AssertionError("asked again")):
        assert template.render({}) == first


def test_autoescaping_off_gets_its_own_text():
    """Rendered with autoescaping off, a link is not escaped, as ``{% route %}`` alone."""
    engine = Engine(autoescape=False, libraries={"coverage": "articles.templatetags.coverage"})
    template = engine.from_string(
        "{% load coverage %}{% fixed %}{% route 'articles:home' %}{% endfixed %}"
    )
    assert template.render(Context({}, autoescape=False)) == "/"


@pytest.mark.parametrize(
    "inside",
    [
        "{{ page_title }}",
        "{% route view_name %}",
        "{% route 'articles:home'|upper %}",
        "{% static path %}",
        "{% static 'css/site.css' as stylesheet %}",
        "{% if preview %}x{% endif %}",
    ],
)
def test_anything_that_could_depend_on_the_page_is_refused(inside):
    """Only text and literal routes and assets: the reuse can never show one page's values on
    another."""
    with pytest.raises(TemplateSyntaxError, match="fixed"):
        _render("{% fixed %}" + inside + "{% endfixed %}")
