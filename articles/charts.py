"""Key-figure charts: server-rendered, accessible horizontal bar charts, one per unit.

Never two units on one axis. A figure is charted in its own unit, except that a figure whose
source states an equivalent (“10.1 trillion won ($7 billion)”) is charted at that stated
equivalent: the conversion is the source's, never ours, and the original amount is shown
beside it. Every chart comes with a table of the same numbers.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from .formatting import format_amount, format_target_date, unit_name
from .models import Claim

# A narrow drawing keeps its text legible when scaled down to a phone's width.
VIEW_WIDTH = 400
ROW_HEIGHT = 50
BAR_HEIGHT = 16
BAR_SPACE = 300  # leaves room after the longest bar for its value
LABEL_LIMIT = 56
PER_CHART = 12  # the largest figures drawn per unit


@dataclass(frozen=True)
class Bar:
    claim: Claim
    url: str  # the claim's page
    value: Decimal
    value_label: str
    original_label: str  # the amount as stated, when charted at its stated equivalent
    label: str
    label_y: int
    bar_y: int
    value_y: int
    width: int
    value_x: int
    target: str


@dataclass(frozen=True)
class Chart:
    unit: str
    title: str
    slug: str
    bars: list[Bar]
    height: int
    bar_height: int = BAR_HEIGHT
    view_width: int = VIEW_WIDTH

    @property
    def has_conversions(self) -> bool:
        return any(bar.original_label for bar in self.bars)

    @property
    def description(self) -> str:
        count = len(self.bars)
        noun = "figure" if count == 1 else "figures"
        return (
            f"Horizontal bar chart of {count} {noun} in {unit_name(self.unit)}, "
            "largest first, drawn from zero; the same numbers are in the table that follows."
        )


def _chart_unit(claim: Claim) -> tuple[str, Decimal, str]:
    if claim.equivalent_amount is not None:
        return (
            claim.equivalent_unit,
            claim.equivalent_amount,
            format_amount(claim.amount, claim.unit),
        )
    return claim.unit, claim.amount, ""


def _short(text: str) -> str:
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1].rstrip() + "…"


def figure_charts(claims: Iterable[Claim], *, per_chart: int = PER_CHART) -> list[Chart]:
    """One chart per unit for the claims carrying a figure, largest figure first; the unit
    with the most figures first.

    ``claims`` may be only the figures drawn (``Claim.objects.charted(per_chart)``): each
    then carries ``chart_unit_size``, how many figures its unit has in all."""
    grouped: dict[str, list[tuple[Decimal, str, Claim]]] = defaultdict(list)
    sizes: dict[str, int] = defaultdict(int)
    for claim in claims:
        if claim.amount is None:
            continue
        unit, value, original = _chart_unit(claim)
        grouped[unit].append((value, original, claim))
        sizes[unit] = max(sizes[unit] + 1, getattr(claim, "chart_unit_size", None) or 0)
    charts = []
    for unit, items in sorted(grouped.items(), key=lambda it: (-sizes[it[0]], it[0])):
        items.sort(key=lambda item: (-item[0], item[2].pk))
        items = items[:per_chart]
        largest = max(value for value, _, _ in items) or Decimal(1)
        bars = []
        for row, (value, original, claim) in enumerate(items):
            top = row * ROW_HEIGHT
            width = max(1, round(BAR_SPACE * value / largest)) if value > 0 else 0
            bars.append(
                Bar(
                    claim=claim,
                    url=claim.get_absolute_url(),
                    value=value,
                    value_label=format_amount(value, unit),
                    original_label=original,
                    label=_short(claim.text),
                    label_y=top + 15,
                    bar_y=top + 22,
                    value_y=top + 22 + BAR_HEIGHT - 3,
                    width=width,
                    value_x=width + 8,
                    target=format_target_date(claim.figure_date, claim.figure_date_precision),
                )
            )
        charts.append(
            Chart(
                unit=unit,
                title=f"Key figures in {unit_name(unit)}",
                slug=f"chart-{slugify(unit) or 'unit'}",
                bars=bars,
                height=len(bars) * ROW_HEIGHT + 4,
            )
        )
    return charts


def escape_html(value: object) -> str:
    """What autoescaping writes for ``value`` (``conditional_escape``, without its lazy-string
    wrapper, a third of a claim card's cost): safe HTML as it is, anything else escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def charts_html(charts: list[Chart]) -> SafeString:
    """The markup of ``charts``: each an SVG bar chart, then a table of the same numbers.

    Written out in Python, as the template it replaces wrote it (whitespace included, every
    value escaped): the 60 bars of the hub page's five charts took a third of the page's
    Python time to render as a template."""
    _e = escape_html
    parts = []
    for chart in charts:
        slug, title = _e(chart.slug), _e(chart.title)
        parts.append(
            f'\n<section class="chart" aria-labelledby="{slug}-heading">\n'
            f'  <h3 id="{slug}-heading">{title}</h3>\n'
            f'  <svg class="bar-chart" xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="0 0 {chart.view_width} {chart.height}" role="img" '
            f'aria-labelledby="{slug}-title {slug}-desc" focusable="false">\n'
            f'    <title id="{slug}-title">{title}</title>\n'
            f'    <desc id="{slug}-desc">{_e(chart.description)}</desc>\n    '
        )
        for bar in chart.bars:
            parts.append(
                f'\n    <text class="bar-label" x="0" y="{bar.label_y}">{_e(bar.label)}</text>\n'
                f'    <rect class="bar bar-{_e(bar.claim.status)}" x="0" y="{bar.bar_y}" '
                f'width="{bar.width}" height="{chart.bar_height}"/>\n'
                f'    <text class="bar-value" x="{bar.value_x}" y="{bar.value_y}">'
                f"{_e(bar.value_label)}</text>\n    "
            )
        parts.append(
            f'\n    <line class="axis" x1="0" y1="20" x2="0" y2="{chart.height}"/>\n'
            "  </svg>\n"
            f'  <div class="table-wrap" tabindex="0" role="region" '
            f'aria-labelledby="{slug}-caption">\n'
            '    <table class="figures-table">\n'
            f'      <caption id="{slug}-caption">{title}, largest first</caption>\n'
            "      <thead>\n"
            '        <tr><th scope="col">Claim</th><th scope="col">Figure</th>'
            '<th scope="col">As stated</th><th scope="col">Date</th>'
            '<th scope="col">Status</th></tr>\n'
            "      </thead>\n"
            "      <tbody>\n        "
        )
        for bar in chart.bars:
            value = _e(bar.value_label)
            stated = _e(bar.original_label) if bar.original_label else value
            status = _e(bar.claim.status)
            parts.append(
                "\n        <tr>\n"
                f'          <td><a href="{_e(bar.url)}">{_e(bar.claim.text)}</a></td>\n'
                f'          <td class="num">{value}</td>\n'
                f'          <td class="num">{stated}</td>\n'
                f"          <td>{_e(bar.target or '—')}</td>\n"
                f'          <td><span class="status status-{status}">'
                f"{_e(bar.claim.status_label)}</span></td>\n"
                "        </tr>\n        "
            )
        parts.append(
            "\n      </tbody>\n"
            "    </table>\n"
            "  </div>\n  "
            + (
                '<p class="chart-note">Figures stated in another currency are charted at the '
                "equivalent their source gave, never at a rate of ours.</p>"
                if chart.has_conversions
                else ""
            )
            + "\n</section>\n"
        )
    parts.append("\n")
    return mark_safe("".join(parts))  # noqa: S308 (every value escaped above)
