"""Property-based: the figure parser never crashes and never invents a figure."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from articles.figures import parse_figures

NUMBERS = st.one_of(
    st.integers(min_value=0, max_value=10**15).map(str),
    st.integers(min_value=1000, max_value=10**12).map(lambda n: f"{n:,}"),
    st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False).map(str),
)
PIECES = st.one_of(
    NUMBERS,
    st.sampled_from(
        ["$", "US$", "€", "¥", "£", "₩", " ", "(", ")", ",", ".", "[1]", "[2][3]", " by 2027"]
    ),
    st.sampled_from(
        [" million", " billion", " trillion", "bn", "m", " won", " yen", " GPUs", " MW", " GW"]
    ),
    st.text(max_size=8),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=25).map("".join))
def test_any_text_parses_without_error_and_figures_point_into_it(text):
    for figure in parse_figures(text):
        assert text[figure.start : figure.end] == figure.text
        assert figure.amount >= 0
        assert isinstance(figure.amount, Decimal)
        assert figure.unit
        if figure.equivalent_amount is not None:
            assert figure.equivalent_unit


@settings(max_examples=200, deadline=None)
@given(
    amount=st.integers(min_value=1, max_value=999),
    scale=st.sampled_from([("million", 10**6), ("billion", 10**9), ("trillion", 10**12)]),
    symbol=st.sampled_from([("$", "USD"), ("€", "EUR"), ("£", "GBP"), ("¥", "JPY")]),
)
def test_symbol_amounts_round_trip(amount, scale, symbol):
    word, factor = scale
    mark, code = symbol
    (figure,) = parse_figures(f"They pledged {mark}{amount} {word} on Monday.")
    assert (figure.amount, figure.unit) == (Decimal(amount * factor), code)
