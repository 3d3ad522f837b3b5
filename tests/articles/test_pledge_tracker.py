"""The pledge tracker at any size: pages of 50, a summary over every published pledge, a status
filter, and a clear answer to a page or status that does not exist."""

import datetime as dt
import re
from http import HTTPStatus

import pytest

from articles.models import ArticleStatus
from articles.views import PLEDGES_PER_PAGE
from tests.factories import (
    ArticleFactory,
    ClaimAppearanceFactory,
    PledgeClaimFactory,
    PublishedArticleFactory,
)

pytestmark = pytest.mark.django_db


def _pledges(count: int, *, status: str = "pending", article=None) -> list:
    """``count`` published pledges, their target dates a day apart from 2030-01-01 on."""
    article = article or PublishedArticleFactory()
    pledges = []
    for n in range(count):
        pledge = PledgeClaimFactory(
            text=f"Pledge number {n:03} ({status}).",
            pledge_status=status,
            figure_date=dt.date(2030, 1, 1) + dt.timedelta(days=n),
        )
        ClaimAppearanceFactory(claim=pledge, article=article)
        pledges.append(pledge)
    return pledges


def _listed(response) -> list[str]:
    return re.findall(r"Pledge number \d+ \(\w*\)\.", response.content.decode())


def test_page_two_shows_the_next_pledges_in_target_date_order(client):
    """Page 1 lists the 50 nearest targets, page 2 the next ones, each linking to the other."""
    pledges = _pledges(PLEDGES_PER_PAGE + 10)
    first, second = client.get("/pledges/"), client.get("/pledges/?page=2")
    assert first.status_code == second.status_code == HTTPStatus.OK
    assert _listed(first) == [p.text for p in pledges[:PLEDGES_PER_PAGE]]
    assert _listed(second) == [p.text for p in pledges[PLEDGES_PER_PAGE:]]
    first_html, second_html = first.content.decode(), second.content.decode()
    assert "60 pledges, page 1 of 2." in first_html
    assert '<a href="?page=2" rel="next">Next page</a>' in first_html
    assert '<link rel="canonical" href="http://127.0.0.1:8000/pledges/">' in first_html
    assert '<link rel="next" href="http://127.0.0.1:8000/pledges/?page=2">' in first_html
    assert '<a href="?page=1" rel="prev">Previous page</a>' in second_html
    assert '<link rel="canonical" href="http://127.0.0.1:8000/pledges/?page=2">' in second_html
    assert '<link rel="prev" href="http://127.0.0.1:8000/pledges/">' in second_html


def test_summary_counts_every_published_pledge_not_only_the_page(client):
    """The status counts cover all pledges, whichever page or status is shown; hidden
    articles' pledges and claims of other kinds are not counted."""
    article = PublishedArticleFactory()
    _pledges(PLEDGES_PER_PAGE + 5, status="pending", article=article)
    _pledges(3, status="met", article=article)
    _pledges(2, status="missed", article=article)
    draft_pledge = PledgeClaimFactory(pledge_status="met")
    ClaimAppearanceFactory(claim=draft_pledge, article=ArticleFactory(status=ArticleStatus.DRAFT))
    for url in ("/pledges/", "/pledges/?page=2", "/pledges/?status=missed"):
        html = client.get(url).content.decode()
        assert 'pledge-pending">Pending</span> 55' in html, url
        assert 'pledge-met">Met</span> 3' in html, url
        assert 'pledge-missed">Missed</span> 2' in html, url
        assert 'pledge-revised">Revised</span> 0' in html, url


def test_status_filter_lists_only_that_status_and_keeps_it_across_pages(client):
    """?status=met lists met pledges only, and its pages carry the filter."""
    article = PublishedArticleFactory()
    met = _pledges(PLEDGES_PER_PAGE + 1, status="met", article=article)
    _pledges(4, status="missed", article=article)
    response = client.get("/pledges/?status=met")
    html = response.content.decode()
    assert _listed(response) == [p.text for p in met[:PLEDGES_PER_PAGE]]
    assert "51 pledges marked met, page 1 of 2." in html
    assert '<a href="?status=met&amp;page=2" rel="next">' in html
    assert "All 55 pledges" in html
    assert _listed(client.get("/pledges/?status=met&page=2")) == [met[-1].text]


def test_pledge_without_a_status_counts_and_filters_as_pending(client):
    """A pledge whose status was never set is pending in the summary and the filter."""
    (pledge,) = _pledges(1, status="")
    response = client.get("/pledges/?status=pending")
    assert _listed(response) == [pledge.text]
    assert 'pledge-pending">Pending</span> 1' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "code", "message"),
    [
        ("page=3", HTTPStatus.NOT_FOUND, "There is no page 3: the pledges fill pages 1 to 2."),
        ("page=0", HTTPStatus.NOT_FOUND, "There is no page 0: the pledges fill pages 1 to 2."),
        ("page=two", HTTPStatus.BAD_REQUEST, "“two” is not a page number"),
        ("page=", HTTPStatus.BAD_REQUEST, "“” is not a page number"),
        ("status=kept", HTTPStatus.BAD_REQUEST, "There is no pledge status “kept”"),
    ],
)
def test_bad_page_or_status_says_what_to_ask_instead(client, query, code, message):
    """A page or status that does not exist is answered with a line saying so, never a 500,
    with the summary and a way back to the first page."""
    _pledges(PLEDGES_PER_PAGE + 1)
    response = client.get(f"/pledges/?{query}")
    html = response.content.decode()
    assert response.status_code == code
    assert message in html
    assert 'pledge-pending">Pending</span> 51' in html
    assert '<a href="/pledges/">See the first page of pledges</a>' in html
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.parametrize("pages", [1, 3])
def test_query_count_is_the_same_for_one_page_or_three(client, django_assert_num_queries, pages):
    """Summary, page, subjects, appearances: four queries however many pledges there are,
    on the first page or the last."""
    _pledges(PLEDGES_PER_PAGE * (pages - 1) + 1)
    with django_assert_num_queries(4):
        response = client.get(f"/pledges/?page={pages}")
    assert response.status_code == HTTPStatus.OK
    assert len(_listed(response)) == 1
