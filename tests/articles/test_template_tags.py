"""Template helpers that write markup out by hand give what the templates they replace gave."""

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse, set_script_prefix
from django.utils import timezone

from articles.templatetags.coverage import time_element

# What includes/datetime.html was before it called ``time_element``: two ``date`` filters.
FILTERS = Template(
    '<time datetime="{{ value|date:"Y-m-d\\TH:i:sO" }}">{{ value|date:"j F Y, H:i T" }}</time>'
)
UTC = dt.UTC
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
VALUES = [
    dt.datetime(2025, 11, 1, 5, 29, 57, tzinfo=UTC),
    dt.datetime(2026, 1, 9, 23, 5, 0, 123456, tzinfo=UTC),
    dt.datetime(999, 12, 31, 0, 0, 1, tzinfo=UTC),
    dt.datetime(2025, 3, 9, 7, 30, tzinfo=UTC),  # 2:30 in New York: a skipped hour
    dt.datetime(2025, 11, 2, 5, 30, tzinfo=UTC),  # 1:30 in New York: a repeated hour
    dt.datetime(2025, 6, 1, 12, 0, tzinfo=SEOUL),
    dt.datetime(2025, 6, 1, 12, 0),  # noqa: DTZ001 (naive, as a value without a zone)
    None,
]


@pytest.mark.parametrize("zone", ["UTC", "Asia/Seoul", "America/New_York"])
@pytest.mark.parametrize("value", VALUES)
def test_time_element_writes_what_the_date_filters_wrote(settings, zone, value):
    """The same ``<time>`` element as the two ``date`` filters, in any current time zone."""
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        assert time_element(value) == FILTERS.render(Context({"value": value}))


def test_datetime_include_uses_the_tag(settings):
    """includes/datetime.html renders the same element for a published time."""
    value = dt.datetime(2025, 11, 1, 5, 29, 57, tzinfo=UTC)
    rendered = Template('{% include "includes/datetime.html" %}').render(Context({"value": value}))
    assert rendered == '<time datetime="2025-11-01T05:29:57+0000">1 November 2025, 05:29 UTC</time>'


@pytest.mark.parametrize("zone", ["UTC", "Asia/Seoul", "America/New_York"])
@pytest.mark.parametrize("value", VALUES)
def test_machine_time_writes_what_the_date_filter_wrote(zone, value):
    """The article's ``<meta>`` times read as the ``date`` filter wrote them, in any zone."""
    context = Context({"value": value})
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        expected = Template('{{ value|date:"Y-m-d\\TH:i:sO" }}').render(context)
        assert Template("{% load coverage %}{{ value|machine_time }}").render(context) == expected


@pytest.mark.parametrize("prefix", ["/", "/news&views/"])
def test_route_tag_writes_what_the_url_tag_wrote(prefix):
    """``{% route %}`` links where ``{% url %}`` did, escaped the same way, under a mounted
    prefix too; with autoescaping off neither escapes."""
    names = ["articles:home", "articles:feed_rss", "articles:search"]
    set_script_prefix(prefix)
    try:
        for autoescape in ("on", "off"):
            url = Template(
                f"{{% autoescape {autoescape} %}}"
                + "".join(f"{{% url '{name}' %}}|" for name in names)
                + "{% endautoescape %}"
            ).render(Context())
            route = Template(
                f"{{% load coverage %}}{{% autoescape {autoescape} %}}"
                + "".join(f"{{% route '{name}' %}}|" for name in names)
                + "{% endautoescape %}"
            ).render(Context())
            assert route == url
            if prefix != "/":
                assert ("/news&amp;views/" in route) == (autoescape == "on")
    finally:
        set_script_prefix("/")


def test_route_tag_takes_a_variable():
    """The view name may come from the context, as with ``{% url %}``."""
    rendered = Template("{% load coverage %}{% route name %}").render(
        Context({"name": "articles:claim_list"})
    )
    assert rendered == reverse("articles:claim_list")


def test_route_tag_needs_one_view_name():
    """A ``{% route %}`` without a view name, or with more, is a template syntax error."""
    for source in ("{% load coverage %}{% route %}", "{% load coverage %}{% route 'a' 'b' %}"):
        with pytest.raises(TemplateSyntaxError):
            Template(source)
