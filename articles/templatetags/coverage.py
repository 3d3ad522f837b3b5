"""Template helpers for the public pages: figures, dates, JSON-LD and key-figure charts."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from articles.charts import figure_charts
from articles.formatting import format_amount, format_target_date

register = template.Library()

# The same escapes as Django's json_script: nothing inside can close the <script> element.
JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def jsonld(data: dict[str, Any]) -> SafeString:
    """``data`` as a JSON-LD ``<script>`` block, safe against ``</script>`` in any string."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


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


@register.inclusion_tag("includes/figure_charts.html")
def key_figures(claims) -> dict[str, Any]:
    """One accessible SVG bar chart per unit, each followed by a table of the same numbers."""
    return {"charts": figure_charts(claims)}
