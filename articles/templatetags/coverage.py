"""Template helpers for the public pages: figures, dates, JSON-LD and key-figure charts."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Context
from django.template.defaultfilters import date as date_filter
from django.templatetags.static import StaticNode
from django.utils.dates import MONTHS
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime

from articles.charts import charts_html, escape_html, figure_charts
from articles.formatting import format_amount, format_target_date
from articles.models import ARTICLE_ROUTE
from coverage_site.fast_reverse import reverse_fixed, reverser, routing_state

register = template.Library()

# The same escapes as Django's json_script: nothing inside can close the <script> element.
JSON_ESCAPES = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"))
# ``json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)``'s encoder, built once (an
# encoder keeps no state between calls).
JSON_LD_ENCODER = DjangoJSONEncoder(ensure_ascii=False)


@register.filter
def jsonld(data: dict[str, Any]) -> SafeString:
    """``data`` as a JSON-LD ``<script>`` block, safe against ``</script>`` in any string.

    The escapes are three ``replace`` calls: ``str.translate`` looks every character of the
    text (an article's is some 6 kB) up in its table, which took longer."""
    text = JSON_LD_ENCODER.encode(data)
    for character, escaped in JSON_ESCAPES:
        text = text.replace(character, escaped)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


@register.filter
def figure(claim) -> str:
    """A claim's figure as stated: “₩10.1 trillion ($7 billion)”, “35,000 GPUs”."""
    text = format_amount(claim.amount, claim.unit)
    if text and claim.equivalent_amount is not None:
        text += f" ({format_amount(claim.equivalent_amount, claim.equivalent_unit)})"
    return text


@register.filter
def target_date(claim) -> str:
    """The date a figure refers to, or a pledge's target, at its stated precision."""
    return format_target_date(claim.figure_date, claim.figure_date_precision)


@register.tag
def route(parser: template.base.Parser, token: template.base.Token) -> RouteNode:
    """``{% route 'view_name' %}``: ``{% url 'view_name' %}`` for a route without arguments,
    reversed once per process (``base.html`` links ten of them on every page)."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one argument: a view name.")
    return RouteNode(parser.compile_filter(bits[1]))


class RouteNode(template.Node):
    """``{% route %}``'s node: the routing state is read once per rendering, not once per
    link, and the path is written as ``simple_tag`` would write it (escaped unless
    autoescaping is off) without its per-call handling of arguments, which cost more than
    the lookup itself."""

    def __init__(self, view_name: template.base.FilterExpression) -> None:
        self.view_name = view_name

    def render(self, context: Context) -> str:
        path = reverse_fixed(self.view_name.resolve(context), _rendering_routing_state(context))
        return SafeString(html.escape(path)) if context.autoescape else path


_ROUTING_STATE = object()  # the rendering's routing_state(), in its render context


def _rendering_routing_state(context: Context) -> tuple:
    cache = context.render_context
    state = cache.get(_ROUTING_STATE)
    if state is None:
        state = cache[_ROUTING_STATE] = routing_state()
    return state


@register.tag
def fixed(parser: template.base.Parser, token: template.base.Token) -> FixedNode:
    """``{% fixed %}…{% endfixed %}``: markup whose only tags are ``{% route %}`` and
    ``{% static %}`` with literal arguments (the site's navigation, its stylesheet and icon),
    written once per routing state and settings and then reused as it is.

    Those eleven tags in ``base.html`` cost some 80 µs of every page (``{% static %}`` asks the
    storage for the hashed name each time), for text that only changes with the URLconf, the
    script prefix, the language or the settings. Anything that could depend on a page's
    context (a variable, another tag, a filter) is refused when the template is parsed."""
    nodelist = parser.parse(("endfixed",))
    parser.delete_first_token()
    for node in nodelist:
        if not _is_fixed(node):
            raise template.TemplateSyntaxError(
                f"{{% fixed %}} takes text, {{% route %}} and {{% static %}} with literal "
                f"arguments only, not {node!r}."
            )
    return FixedNode(nodelist)


def _is_literal(expression: template.base.FilterExpression) -> bool:
    return isinstance(expression.var, str) and not expression.filters


def _is_fixed(node: template.Node) -> bool:
    if isinstance(node, template.base.TextNode):
        return True
    if isinstance(node, RouteNode):
        return _is_literal(node.view_name)
    if isinstance(node, StaticNode):
        return node.varname is None and _is_literal(node.path)
    return False


class FixedNode(template.Node):
    """``{% fixed %}``'s node: its text per (routing state, autoescaping, settings version)."""

    MAX_TEXTS = 64  # any number of languages or prefixes may come: keep it bounded

    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist
        self.texts: dict[tuple, str] = {}

    def render(self, context: Context) -> str:
        key = (_rendering_routing_state(context), context.autoescape, _settings_version)
        try:
            return self.texts[key]
        except KeyError:
            text = self.nodelist.render(context)
            if len(self.texts) >= self.MAX_TEXTS:
                self.texts.clear()
            self.texts[key] = text
            return text


_settings_version = 0


@receiver(setting_changed)
def _settings_changed(**kwargs) -> None:
    """A changed setting (``STATIC_URL``, ``STORAGES``, in tests) may change a static path."""
    global _settings_version
    _settings_version += 1


# includes/datetime.html's two formats: a machine-readable one and one for readers.
MACHINE_FORMAT = "Y-m-d\\TH:i:sO"
READER_FORMAT = "j F Y, H:i T"


@register.simple_tag
def time_element(value: dt.datetime) -> SafeString:
    """``includes/datetime.html`` written by hand: a ``<time>`` element for ``value`` in the
    current time zone, the same markup as the include with its two ``date`` filters.

    Those filters cost about 70 µs a date (a list of fifty articles spent more on its dates
    than on anything else), so a time in UTC, the site's zone, is formatted directly here;
    any other zone goes through the filters as before.
    """
    if value is None:
        return mark_safe('<time datetime=""></time>')  # noqa: S308 (no value in it)
    local = template_localtime(value)
    if isinstance(local, dt.datetime) and local.tzinfo is not None and _is_utc(local):
        machine = _machine_utc(local)
        reader = f"{local.day} {MONTHS[local.month]} {local.year:04d}, {local:%H:%M} UTC"
    else:
        machine, reader = date_filter(local, MACHINE_FORMAT), date_filter(local, READER_FORMAT)
    return format_html('<time datetime="{}">{}</time>', machine, reader)


@register.simple_tag
def article_items(articles) -> SafeString:
    """``<li><a href="{{ article.get_absolute_url }}">{{ article.title }}</a> <span
    class="muted">{% time_element article.published_at %}</span></li>`` for each article, the
    links from one reverser."""
    link = reverser(*ARTICLE_ROUTE)
    items = (
        f'<li><a href="{escape_html(link(article.slug))}">{escape_html(article.title)}</a>'
        f' <span class="muted">{time_element(article.published_at)}</span></li>'
        for article in articles
    )
    return mark_safe("".join(items))  # noqa: S308 (every value escaped)


@register.filter(expects_localtime=True)
def machine_time(value: dt.datetime) -> str:
    """``value|date:'Y-m-d\\TH:i:sO'`` (the article's ``<meta>`` times), formatted directly
    for a time in UTC, as ``time_element`` does, and by the ``date`` filter otherwise."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None and _is_utc(value):
        return _machine_utc(value)
    return date_filter(value, MACHINE_FORMAT)


def _machine_utc(local: dt.datetime) -> str:
    return f"{local.year:04d}-{local:%m-%dT%H:%M:%S}+0000"


def _is_utc(value: dt.datetime) -> bool:
    return value.utcoffset() == dt.timedelta(0) and value.tzname() == "UTC"


@register.simple_tag
def key_figures(claims) -> SafeString:
    """One accessible SVG bar chart per unit, each followed by a table of the same numbers."""
    return charts_html(figure_charts(claims))
