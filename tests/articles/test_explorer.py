"""The claims explorer: filter by entity, kind, status, article and unit; sort; paginate."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from articles.views import CLAIMS_PER_PAGE
from tests.factories import ClaimAppearanceFactory, FigureClaimFactory, PublishedArticleFactory

pytestmark = pytest.mark.django_db
URL = reverse("articles:claim_list")
CLAIM_LINK = re.compile(r'<p class="claim-text"><a href="/claims/(\d+)/">')


def _listed(client, query: str = "") -> list[int]:
    response = client.get(f"{URL}?{query}" if query else URL)
    assert response.status_code == HTTPStatus.OK
    return [int(pk) for pk in CLAIM_LINK.findall(response.content.decode())]


def _pks(summit, *names) -> set[int]:
    return {summit.claims[name].pk for name in names}


def test_lists_every_published_claim(client, summit):
    """Without filters, every published claim and nothing else."""
    assert set(_listed(client)) == {claim.pk for claim in summit.claims.values()}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("entity=chey-tae-won", ["testbed"]),
        ("entity=sk-group", ["investment"]),
        ("entity=government-of-south-korea", ["budget", "gpus"]),
        ("kind=pledge", ["gpus"]),
        ("kind=figure", ["investment", "stargate", "budget"]),
        ("status=verified", ["investment"]),
        ("status=disputed", ["stargate"]),
        ("unit=KRW", ["budget"]),
        ("unit=USD", ["investment", "stargate"]),
        ("unit=USD&status=verified", ["investment"]),
        ("entity=government-of-south-korea&kind=pledge", ["gpus"]),
    ],
)
def test_filters(client, summit, query, expected):
    """Each filter, alone or combined, narrows the list to the matching claims."""
    assert set(_listed(client, query)) == _pks(summit, *expected)


def test_filter_by_article(client, summit):
    """Only claims appearing in the chosen article."""
    other = PublishedArticleFactory(slug="other-story")
    extra = FigureClaimFactory(text="Another company pledged $1 billion.")
    ClaimAppearanceFactory(claim=extra, article=other)
    assert _listed(client, "article=other-story") == [extra.pk]
    assert extra.pk not in _listed(client, f"article={summit.article.slug}")


def test_sort_by_figure_groups_units_and_puts_claims_without_figures_last(client, summit):
    """Largest first within each unit (won never ranked against dollars); no figure last."""
    order = ("gpus", "budget", "stargate", "investment", "testbed")
    assert _listed(client, "sort=-amount") == [summit.claims[n].pk for n in order]
    order = ("gpus", "budget", "investment", "stargate", "testbed")
    assert _listed(client, "sort=amount") == [summit.claims[n].pk for n in order]


def test_sort_by_wording(client, summit):
    """A–Z by the claim's wording."""
    texts = [summit.claims[n].text for n in summit.claims]
    by_text = {summit.claims[n].text: summit.claims[n].pk for n in summit.claims}
    assert _listed(client, "sort=text") == [by_text[t] for t in sorted(texts)]


def test_filters_survive_in_pagination_links(client, summit):
    """Page links keep the filters, so any page is a bookmarkable URL."""
    for n in range(CLAIMS_PER_PAGE + 1):
        claim = FigureClaimFactory(text=f"Extra figure claim {n}.")
        ClaimAppearanceFactory(claim=claim, article=summit.article)
    html = client.get(f"{URL}?unit=USD&sort=-amount").content.decode()
    assert 'href="?unit=USD&amp;sort=-amount&amp;page=2"' in html
    page_two = _listed(client, "unit=USD&sort=-amount&page=2")
    assert len(page_two) == CLAIMS_PER_PAGE + 3 - CLAIMS_PER_PAGE


def test_out_of_range_page_shows_the_last_page(client, summit):
    """?page=99 or ?page=abc gives a page of results, not an error."""
    assert _listed(client, "page=99") == _listed(client)
    assert _listed(client, "page=abc") == _listed(client)


@pytest.mark.parametrize("query", ["status=bogus", "kind=nonsense", "entity=nobody", "unit=XYZ"])
def test_bad_filter_values_are_explained_not_errors(client, summit, query):
    """An unknown choice is named in a message and ignored; the page still answers 200."""
    response = client.get(f"{URL}?{query}")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Select a valid choice" in html
    assert set(_listed(client, query)) == {claim.pk for claim in summit.claims.values()}


def test_form_keeps_the_chosen_filters(client, summit):
    """The chosen values are selected or filled in when the page comes back."""
    html = client.get(f"{URL}?kind=pledge&entity=sk-group&article=other").content.decode()
    assert '<option value="pledge" selected>' in html
    assert 'name="entity" value="sk-group"' in html
    assert 'name="article" value="other"' in html


def test_entity_and_article_are_typed_not_listed(client, summit):
    """No list of every entity or article is built: they are typed as slugs, each field
    explained by a hint the input points to."""
    html = client.get(URL).content.decode()
    assert 'value="sk-group"' not in html
    assert f'value="{summit.article.slug}"' not in html
    for name in ("entity", "article"):
        assert f'<input type="text" name="{name}"' in html
        assert f'aria-describedby="id_{name}_helptext"' in html
        assert f'id="id_{name}_helptext"' in html


def test_typed_entity_filters_like_its_page_link(client, summit):
    """The slug an entity page links with selects the same claims as that page lists."""
    listed = set(_listed(client, "entity=government-of-south-korea"))
    assert listed == _pks(summit, "budget", "gpus")
    assert 'role="alert"' not in client.get(f"{URL}?entity=sk-group").content.decode()


def test_article_published_after_start_up_is_offered_as_a_filter(client, summit):
    """Choices are checked per request, so an article that just went live is accepted."""
    import datetime as dt

    from django.utils import timezone

    fresh = PublishedArticleFactory(
        slug="just-published", published_at=timezone.now() - dt.timedelta(seconds=1)
    )
    extra = FigureClaimFactory(text="A fresh figure.")
    ClaimAppearanceFactory(claim=extra, article=fresh)
    html = client.get(f"{URL}?article={fresh.slug}").content.decode()
    assert 'role="alert"' not in html
    assert _listed(client, f"article={fresh.slug}") == [extra.pk]


def test_units_offered_are_those_of_published_claims(client, summit):
    """A unit only hidden claims use is not offered; every published figure's unit is."""
    from articles.filters import unit_choices
    from articles.models import ArticleStatus
    from tests.factories import ArticleFactory

    draft = ArticleFactory(status=ArticleStatus.DRAFT, published_at=None)
    hidden = FigureClaimFactory(unit="XYZ", text="A hidden figure in XYZ.")
    ClaimAppearanceFactory(claim=hidden, article=draft)
    shared = FigureClaimFactory(unit="TWh", text="A figure in TWh.")
    ClaimAppearanceFactory(claim=shared, article=draft)
    ClaimAppearanceFactory(claim=shared, article=summit.article)
    assert [value for value, _ in unit_choices()] == ["GPU", "KRW", "TWh", "USD"]
    assert '<option value="XYZ">' not in client.get(URL).content.decode()


def test_units_are_offered_once_each_in_the_databases_order(client, summit):
    """However many claims share a unit, it is offered once; the units come in the order the
    database sorts them, lower case included, as ``SELECT DISTINCT unit`` gives them."""
    from articles.filters import unit_choices
    from articles.models import Claim

    for unit in ["job", "MW", "EUR", "job", "MW", "USD", "€"] * 3:
        ClaimAppearanceFactory(claim=FigureClaimFactory(unit=unit), article=summit.article)
    distinct = Claim.objects.exclude(unit="").order_by("unit").values_list("unit", flat=True)
    assert [value for value, _ in unit_choices()] == list(distinct.distinct())
    assert len(unit_choices()) == 7  # GPU, KRW, USD from the summit; EUR, MW, job, €
