"""Key-figure charts: server-rendered, accessible horizontal bar charts, one per unit.

Never two units on one axis. A figure is charted in its own unit, except that a figure whose
source states an equivalent (“10.1 trillion won ($7 billion)”) is charted at that stated
equivalent: the conversion is the source's, never ours, and the original amount is shown
beside it. Every chart comes with a table of the same numbers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

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
# What ``figure_charts`` and includes/figure_charts.html read of a claim (with its pk): a query
# ranking every figure of the site need carry no more than these through its sorts.
CHART_FIELDS = (
    "text",
    "status",
    "amount",
    "unit",
    "equivalent_amount",
    "equivalent_unit",
    "figure_date",
    "figure_date_precision",
)


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
