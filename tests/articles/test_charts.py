"""Key-figure charts: one accessible SVG per unit, with the same numbers in a table."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from articles.charts import BAR_SPACE, figure_charts
from articles.formatting import format_amount, format_target_date

pytestmark = pytest.mark.django_db


def _svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(svg) for svg in re.findall(r"<svg.*?</svg>", html, re.DOTALL)]


def test_one_chart_per_unit_never_two_units_on_one_axis(summit):
    """USD figures share a chart; GPUs get their own; KRW is charted at its stated USD."""
    charts = {chart.unit: chart for chart in figure_charts(summit.claims.values())}
    assert set(charts) == {"USD", "GPU"}
    usd = charts["USD"]
    assert [bar.claim for bar in usd.bars] == [
        summit.claims["stargate"],
        summit.claims["budget"],
        summit.claims["investment"],
    ]
    budget = usd.bars[1]
    assert budget.value == Decimal("7000000000")
    assert budget.original_label == "₩10.1 trillion"
    assert [bar.value_label for bar in charts["GPU"].bars] == ["35,000 GPUs"]


def test_bars_are_drawn_to_scale_from_zero(summit):
    """Bar lengths are proportional to the values: $500bn is 100 times $5bn."""
    usd = next(c for c in figure_charts(summit.claims.values()) if c.unit == "USD")
    widths = {bar.claim.pk: bar.width for bar in usd.bars}
    assert widths[summit.claims["stargate"].pk] == BAR_SPACE
    assert widths[summit.claims["investment"].pk] == round(BAR_SPACE * 5 / 500)
    assert widths[summit.claims["budget"].pk] == round(BAR_SPACE * 7 / 500)


def test_home_chart_is_an_accessible_svg_with_a_matching_table(client, summit):
    """role=img with title and desc; each bar's value is also a cell of the table."""
    html = client.get("/").content.decode()
    svgs = _svgs(html)
    assert len(svgs) == 2
    ns = "{http://www.w3.org/2000/svg}"
    for svg in svgs:
        assert svg.get("role") == "img"
        title_id, desc_id = svg.get("aria-labelledby").split()
        assert svg.find(f"{ns}title").get("id") == title_id
        assert svg.find(f"{ns}desc").get("id") == desc_id
        values = [t.text for t in svg.iter(f"{ns}text") if t.get("class") == "bar-value"]
        table = html.split(svg.find(f"{ns}title").text + ", largest first</caption>", 1)[1]
        table = table.split("</table>", 1)[0]
        for value in values:
            assert f'<td class="num">{value}</td>' in table
    assert '<td class="num">₩10.1 trillion</td>' in html


def test_entity_page_charts_its_own_figures(client, summit):
    """The government's page charts its budget (in USD as stated) and its GPU target."""
    html = client.get(summit.government.get_absolute_url()).content.decode()
    titles = [svg.find("{http://www.w3.org/2000/svg}title").text for svg in _svgs(html)]
    assert sorted(titles) == ["Key figures in GPUs", "Key figures in US dollars"]
    assert summit.claims["investment"].text not in html


def test_claims_without_figures_make_no_chart(summit):
    """A statement has no figure and is not charted."""
    assert figure_charts([summit.claims["testbed"]]) == []


@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [
        ("5000000000", "USD", "$5 billion"),
        ("10100000000000", "KRW", "₩10.1 trillion"),
        ("35000", "GPU", "35,000 GPUs"),
        ("1", "GPU", "1 GPU"),
        ("40", "MW", "40 MW"),
        ("2500000", "job", "2.5 million jobs"),
        ("100", "company", "100 companies"),
        ("7000000000", "CNY", "CNY 7 billion"),
        ("750", "USD", "$750"),
    ],
)
def test_amounts_read_as_stated(amount, unit, expected):
    """Figures use the currency symbol, a scale word and a plural as a reader would say them."""
    assert format_amount(Decimal(amount), unit) == expected


def test_target_dates_keep_their_precision():
    """“by 2027” stays 2027, a month stays a month."""
    import datetime as dt

    assert format_target_date(dt.date(2027, 12, 31), "year") == "2027"
    assert format_target_date(dt.date(2027, 3, 1), "month") == "March 2027"
    assert format_target_date(dt.date(2027, 3, 5), "day") == "5 March 2027"


def test_figures_ranked_in_the_database_draw_the_same_charts(summit):
    """The home page asks the database for only the figures drawn (``charted``): the charts,
    bars and their order are those drawn from every published figure, with more figures in
    a unit than are drawn, ties in value, stated equivalents and units of equal size."""
    from articles.models import Claim
    from tests.factories import ClaimAppearanceFactory, FigureClaimFactory

    def published(**fields):
        ClaimAppearanceFactory(claim=FigureClaimFactory(**fields), article=summit.article)

    for amount in [7, 3, 3, 9, 1, 12, 5, 5, 8, 2, 11, 4, 6, 10]:  # 14 more USD figures, ties
        published(amount=Decimal(amount) * 10**9)
    for amount in range(1, 13):  # 12 GW figures: fewer than USD's 18, though both draw 12
        published(amount=Decimal(amount), unit="GW")
    for amount in (2, 1):  # two units of two figures each: ordered by name when sizes tie
        published(amount=Decimal(amount), unit="MW")
        published(amount=Decimal(amount), unit="TWh")
    published(
        amount=Decimal(5), unit="EUR", equivalent_amount=Decimal(20) * 10**9, equivalent_unit="USD"
    )
    everything = Claim.objects.published().with_figures()
    drawn = list(Claim.objects.published().charted(12))

    def shape(charts):
        return [(chart.unit, [(bar.claim.pk, bar.value) for bar in chart.bars]) for chart in charts]

    assert len(drawn) < everything.count()
    assert shape(figure_charts(drawn)) == shape(figure_charts(everything))
    assert [chart.unit for chart in figure_charts(drawn)] == ["USD", "GW", "MW", "TWh", "GPU"]


def test_figures_of_a_single_unit_are_charted_largest_first(db):
    """With one unit only, the largest figures are drawn, in order, as from every figure."""
    from articles.models import Claim
    from tests.factories import ClaimAppearanceFactory, FigureClaimFactory, PublishedArticleFactory

    article = PublishedArticleFactory()
    for amount in (4, 9, 1, 9, 6):
        ClaimAppearanceFactory(claim=FigureClaimFactory(amount=Decimal(amount)), article=article)
    drawn = list(Claim.objects.published().charted(3).order_by("pk"))
    [chart] = figure_charts(drawn, per_chart=3)
    assert [bar.value for bar in chart.bars] == [9, 9, 6]
    assert [claim.chart_unit_size for claim in drawn] == [5, 5, 5]


def test_nothing_to_chart_charts_nothing(db):
    from articles.models import Claim

    assert list(Claim.objects.published().charted(12).order_by("pk")) == []


def test_chart_text_is_escaped_and_conversions_are_explained(db):
    """A claim's wording is text in the chart and the table, never markup; a chart with a
    figure charted at its stated equivalent says so, one without does not."""
    from articles.charts import charts_html
    from tests.factories import FigureClaimFactory

    wording = 'Fabs & "chips" <b>doubled</b>'
    converted = FigureClaimFactory(
        text=wording,
        amount=Decimal(5),
        unit="EUR",
        equivalent_amount=Decimal(6),
        equivalent_unit="USD",
    )
    plain = FigureClaimFactory(text="Jobs", amount=Decimal(3), unit="job")
    html = charts_html(figure_charts([converted, plain]))
    assert wording not in html
    escaped = "Fabs &amp; &quot;chips&quot; &lt;b&gt;doubled&lt;/b&gt;"
    assert f'<text class="bar-label" x="0" y="15">{escaped}</text>' in html
    assert f'">{escaped}</a></td>' in html
    [usd, jobs] = html.split("</section>")[:2]
    assert "chart-note" in usd and "chart-note" not in jobs
    assert all(ET.fromstring(svg) is not None for svg in re.findall(r"<svg.*?</svg>", html, re.S))
