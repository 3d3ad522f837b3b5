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


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("raised US$ 3 billion", "3000000000", "USD"),
        ("a $7-billion deal", "7000000000", "USD"),
        ("a 300-megawatt campus", "300", "MW"),
        ("1.5 gigawatts of capacity", "1.5", "GW"),
        ("buying 5,000 H100 GPUs", "5000", "GPU"),
        ("the 21 member economies", "21", "economy"),
        ("KRW 1.2 trillion", "1200000000000", "KRW"),
        ("₩1.2 trillion", "1200000000000", "KRW"),
    ],
)
def test_more_written_forms(text, amount, unit):
    """Spaced symbols, hyphenated scales and units, and a modifier before the counted noun."""
    figure = _only(text)
    assert (figure.amount, figure.unit) == (Decimal(amount), unit)


def test_a_year_after_a_date_word_is_not_a_count():
    """“in 2025 GPUs were scarce” has no figure; “2,025 GPUs” does."""
    assert parse_figures("In 2025 GPUs were scarce") == []
    assert _only("they bought 2,025 GPUs").amount == Decimal(2025)


def test_target_word_is_kept():
    """How the year was introduced lets the importer tell “by 2027” from “in 2024”."""
    assert _only("35,000 GPUs by 2027").target_word == "by"
    assert _only("revenue of $5bn in 2024").target_word == "in"
