"""Figures in prose become structured values."""

from decimal import Decimal

import pytest

from articles.figures import parse_figures


def _only(text: str):
    figures = parse_figures(text)
    assert len(figures) == 1, figures
    return figures[0]


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("investing $5 billion to build", "5000000000", "USD"),
        ("the $500 billion Stargate project", "500000000000", "USD"),
        ("a €3.5bn fund", "3500000000", "EUR"),
        ("spending ¥200 million", "200000000", "JPY"),
        ("a £12m grant", "12000000", "GBP"),
        ("raised USD 2 billion", "2000000000", "USD"),
        ("a 1.5 GW campus", "1.5", "GW"),
        ("a 300 MW site", "300", "MW"),
        ("it hired 1,200 new jobs", "1200", "job"),
        ("a budget of 40 billion yen", "40000000000", "JPY"),
        ("a budget of 3 trillion won", "3000000000000", "KRW"),
    ],
)
def test_amount_and_unit(text, amount, unit):
    figure = _only(text)
    assert figure.amount == Decimal(amount)
    assert figure.unit == unit


def test_won_with_stated_dollar_equivalent():
    figure = _only("tripling its 2026 AI budget to 10.1 trillion won ($7 billion), signaling")
    assert (figure.amount, figure.unit) == (Decimal("10100000000000"), "KRW")
    assert (figure.equivalent_amount, figure.equivalent_unit) == (Decimal("7000000000"), "USD")


def test_count_with_target_year_is_a_pledge():
    figure = parse_figures("The state’s target of controlling 35,000 GPUs by 2027, with more")[0]
    assert (figure.amount, figure.unit, figure.target_year) == (Decimal(35000), "GPU", 2027)
    assert figure.is_pledge


def test_years_ordinals_and_markers_are_not_figures():
    assert parse_figures("Its 2026 budget made Korea the 3rd player in 2025.[1][2]") == []
