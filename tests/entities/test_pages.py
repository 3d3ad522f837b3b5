"""The entity page: what it is, aliases, relations, claims by status, coverage, figures."""

import re
from http import HTTPStatus

import pytest

from articles.models import ArticleStatus
from tests.content import build_summit
from tests.factories import ArticleFactory, ClaimAppearanceFactory, ClaimFactory
from tests.plan_setting import plan_statements

pytestmark = pytest.mark.django_db


def _page(client, entity) -> str:
    response = client.get(entity.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def test_entity_page_says_what_it_is_with_aliases_and_wikidata(client, summit):
    """Kind, description, aliases and a Wikidata link."""
    html = _page(client, summit.aws)
    assert "<h1>Amazon Web Services</h1>" in html
    assert "Cloud computing arm of Amazon" in html
    assert "Also known as" in html and "AWS" in html
    assert 'href="https://www.wikidata.org/wiki/Q456157">Q456157</a>' in html


def test_alias_in_another_language_is_marked_up(client, summit):
    """A Korean alias carries lang="ko" so screen readers pronounce it right."""
    assert '<span lang="ko">최태원</span>' in _page(client, summit.chey)


def test_relations_read_both_ways_with_their_source(client, summit):
    """“Chey Tae-won is chairman of SK Group” on both entities' pages, with its source."""
    for entity in (summit.chey, summit.sk_group):
        html = " ".join(_page(client, entity).split())
        assert "is chairman of" in html
        assert summit.source.get_absolute_url() in html
    assert 'href="/entities/sk-group/">SK Group</a>' in _page(client, summit.chey)


def test_claims_are_counted_by_status(client, summit):
    """Claims where the entity is speaker or subject are listed, with a count for each
    status they have, linked to the explorer filtered by entity and status."""
    html = _page(client, summit.government)
    assert 'id="claims-unverified"' in html
    assert "2 published claims" in html
    assert summit.claims["budget"].text in html
    assert summit.claims["gpus"].text in html
    assert summit.claims["investment"].text not in html
    sk = _page(client, summit.sk_group)
    assert 'id="claims-verified"' in sk
    assert 'id="claims-disputed"' not in sk
    assert 'href="/claims/?entity=sk-group&amp;status=verified"' in sk


def test_speaker_page_lists_what_they_said(client, summit):
    """Chey Tae-won's page lists the statement he made."""
    assert summit.claims["testbed"].text in _page(client, summit.chey)


def test_coverage_lists_articles_involving_the_entity(client, summit):
    """Articles mentioning the entity, about it as event, or carrying its claims."""
    for entity in (summit.chey, summit.event, summit.aws):
        assert summit.article.title in _page(client, entity)


def test_entity_without_figures_has_no_chart(client, summit):
    """A person who stated no figure gets no chart."""
    assert "<svg" not in _page(client, summit.chey)


def test_unknown_entity_is_404(client, db):
    """An unknown slug answers the friendly 404."""
    assert client.get("/entities/nobody/").status_code == HTTPStatus.NOT_FOUND


def test_relation_source_known_only_through_it_is_not_linked(client, summit):
    """A relation between public entities keeps its source unlinked if that source is not
    public (cited by no published article or claim)."""
    from entities.models import RelationKind
    from tests.factories import EntityRelationFactory, SourceFactory

    private = SourceFactory(title="Internal briefing note")
    EntityRelationFactory(
        subject=summit.aws, kind=RelationKind.PARTNER_OF, object=summit.sk_group, source=private
    )
    html = _page(client, summit.aws)
    assert "is partner of" in " ".join(html.split())
    assert "Internal briefing note" not in html
    assert private.get_absolute_url() not in html


def _claim_texts(html: str) -> list[str]:
    """The wording of each claim card in the page's claim list, in order."""
    listing = html.split('id="latest-claims-heading"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<p class="claim-text"><a href="[^"]+">([^<]+)</a>', listing)


def _number(html: str, pattern: str) -> int:
    match = re.search(pattern, " ".join(html.split()))
    assert match, pattern
    return int(match.group(1))


def test_busy_entity_is_counted_in_full_and_listed_page_by_page(client, db):
    """31 claims about SK Group: the counts cover all 31, the page lists 25 and links to
    page 2, which lists the other 6; together they are every claim, each once."""
    content = build_summit(extra_claims=30)
    url = content.sk_group.get_absolute_url()
    first = _page(client, content.sk_group)
    assert "31 published claims" in first
    assert _number(first, r'id="claims-unverified">.*?</span> (\d+) claims') == 30
    assert _number(first, r'id="claims-verified">.*?</span> (\d+) claim') == 1
    assert "Page 1 of 2" in first
    assert 'href="?page=2" rel="next"' in first
    second_response = client.get(f"{url}?page=2")
    assert second_response.status_code == HTTPStatus.OK
    second = second_response.content.decode()
    assert "Page 2 of 2" in second and 'rel="prev"' in second
    assert "<title>SK Group, claims page 2 — Summit Coverage</title>" in second
    page_one, page_two = _claim_texts(first), _claim_texts(second)
    assert (len(page_one), len(page_two)) == (25, 6)
    expected = {content.claims["investment"].text} | {c.text for c in content.extra_claims}
    assert set(page_one) | set(page_two) == expected
    assert not set(page_one) & set(page_two)


def test_page_number_out_of_range_shows_the_last_page(client, db):
    """A stale or mistyped page number still answers with claims, not an error."""
    content = build_summit(extra_claims=30)
    url = content.sk_group.get_absolute_url()
    for page in ("99", "abc"):
        response = client.get(f"{url}?page={page}")
        assert response.status_code == HTTPStatus.OK
        assert _claim_texts(response.content.decode())


def test_see_all_link_opens_the_explorer_with_the_same_claims(client, db):
    """“See all 31 claims” opens the explorer filtered by the entity, which finds 31."""
    content = build_summit(extra_claims=30)
    html = _page(client, content.sk_group)
    assert "See all 31 claims about SK Group in the claims explorer" in html
    assert 'href="/claims/?entity=sk-group"' in html
    explorer = client.get("/claims/?entity=sk-group").content.decode()
    assert "31 claims, page 1 of 2" in explorer
    verified = client.get("/claims/?entity=sk-group&status=verified").content.decode()
    assert "1 claim." in verified


def test_claims_outside_published_articles_are_not_counted(client, summit):
    """A claim about the entity that appears only in a draft is neither counted nor listed."""
    draft = ArticleFactory(status=ArticleStatus.DRAFT, published_at=None)
    hidden = ClaimFactory(text="Draft-only claim about SK Group.")
    hidden.subjects.add(summit.sk_group)
    ClaimAppearanceFactory(claim=hidden, article=draft)
    html = _page(client, summit.sk_group)
    assert "1 published claim," in html
    assert hidden.text not in html
    assert 'id="claims-unverified"' not in html


def test_charts_keep_the_largest_figures_of_a_busy_entity(client, db):
    """With 31 dollar figures the chart shows the 12 largest, largest first."""
    content = build_summit(extra_claims=30)
    html = _page(client, content.sk_group)
    figures = html.split('id="figures-heading"', 1)[1].split('id="articles-heading"', 1)[0]
    table = figures.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"Partner company (\d+) commits", table)
    assert rows == [str(n) for n in range(29, 17, -1)]
    assert content.claims["investment"].text not in table  # $5 billion is 24th largest


def test_claim_made_by_and_about_the_entity_counts_once(client, summit):
    """SK Group speaking about itself: one claim, counted and listed once."""
    claim = ClaimFactory(text="SK Group says SK Group leads in AI memory.", speaker=summit.sk_group)
    claim.subjects.add(summit.sk_group)
    ClaimAppearanceFactory(claim=claim, article=summit.article)
    html = _page(client, summit.sk_group)
    assert "2 published claims" in html
    assert _claim_texts(html).count(claim.text) == 1


@pytest.mark.parametrize("name", ["event", "sk_group", "aws", "chey", "government"])
def test_lookup_by_ids_finds_what_involving_finds(summit, name):
    """The entity page's id lookups, its walk of the newest articles and its claims probed
    one by one select exactly the claims and articles ``involving()`` does, for an event,
    subjects, a speaker, hidden content included in the data."""
    from articles.models import Article, Claim

    entity = getattr(summit, name)
    for model in (Claim, Article):
        for base in (model.objects.all(), model.objects.published()):
            expected = sorted(base.involving(entity).values_list("pk", flat=True))
            assert sorted(base.involving_by_ids(entity).values_list("pk", flat=True)) == expected
            if model is Article:
                walked = base.involving(entity, newest_first=True).values_list("pk", flat=True)
                assert sorted(walked) == expected
            else:
                probed = base.involving(entity, probing=True).values_list("pk", flat=True)
                assert sorted(probed) == expected


@pytest.mark.parametrize("walk", [True, False], ids=["walking newest rows", "by ids"])
def test_same_claims_and_articles_whichever_lookup_the_page_picks(client, db, monkeypatch, walk):
    """The page picks how to find the newest claims and articles by the entity's share of the
    coverage; either way a reader sees the same claims on each page and the same articles."""
    from entities import views

    content = build_summit(extra_claims=30)
    url = content.sk_group.get_absolute_url()
    monkeypatch.setattr(views, "_walk_is_cheaper", lambda *args: walk)
    pages = [client.get(f"{url}?page={n}").content.decode() for n in (1, 2)]
    expected = {content.claims["investment"].text} | {c.text for c in content.extra_claims}
    assert [len(_claim_texts(html)) for html in pages] == [25, 6]
    assert {text for html in pages for text in _claim_texts(html)} == expected
    coverage = pages[0].split('id="articles-heading"', 1)[1]
    assert content.article.title in coverage
    assert "EMBARGOED" not in coverage


def _many_figures(content):
    """SK Group in 40 more figure claims: units of their own, figures charted at a stated
    equivalent, ties within a unit, every status, some only in a draft; and a statement."""
    from decimal import Decimal

    from articles.models import VerificationStatus
    from tests.factories import FigureClaimFactory

    entity = content.sk_group
    draft = ArticleFactory(status=ArticleStatus.DRAFT, published_at=None)
    statuses = list(VerificationStatus.values)
    for n in range(40):
        unit, equivalent = [("EUR", None), ("KRW", Decimal(n % 7) * Decimal("1e9")), ("MW", None)][
            n % 3
        ]
        claim = FigureClaimFactory(
            amount=Decimal(n % 9 + 1) * Decimal("1e9"),  # ties within a unit
            unit=unit,
            equivalent_amount=equivalent,
            equivalent_unit="USD" if equivalent is not None else "",
            status=statuses[n % len(statuses)],
        )
        claim.subjects.add(entity)
        ClaimAppearanceFactory(claim=claim, article=draft if n % 5 == 0 else content.article)
    words = ClaimFactory(status=VerificationStatus.RETRACTED, text="SK Group said so.")
    words.subjects.add(entity)
    ClaimAppearanceFactory(claim=words, article=content.article)
    return entity


def test_status_counts_are_those_of_the_published_claims(db):
    """``published_entity_counts`` gives each status's number of the entity's published
    claims, and each chart unit's number of their figures, leaving out hidden ones and
    statuses and units it has none of."""
    from collections import Counter

    from articles.models import Claim

    entity = _many_figures(build_summit(extra_claims=30))
    published = Claim.objects.published().involving(entity)
    expected = Counter(claim.status for claim in published)
    assert Claim.objects.published_status_counts(entity) == dict(expected)
    statuses, units = Claim.objects.published_entity_counts(entity)
    assert statuses == dict(expected)
    assert units == published.chart_unit_sizes()
    assert set(units) == {"EUR", "USD", "MW"}


@pytest.mark.parametrize("way", ["walk", "window"])
def test_charts_draw_what_figure_charts_draws_over_every_claim(db, monkeypatch, way):
    """The figures the page loads for its charts, found by walking each unit's largest
    figures or by ranking the entity's figures, draw the charts ``figure_charts`` draws
    from every published claim of the entity, in the same order of units."""
    from articles.charts import figure_charts
    from articles.models import Claim
    from entities import views

    content = build_summit(extra_claims=30)
    entity = _many_figures(content)
    published = list(Claim.objects.published().involving(entity))
    monkeypatch.setattr(views, "_walk_is_cheaper", lambda *args: way == "walk")
    _, unit_sizes = Claim.objects.published_entity_counts(entity)
    figures = views._chart_figures(entity.pk, len(published), 10**6, [], unit_sizes)
    expected = figure_charts(published, per_chart=views.FIGURES_PER_CHART)
    drawn = figure_charts(figures, per_chart=views.FIGURES_PER_CHART)
    assert {chart.unit for chart in expected} >= {"USD", "EUR", "MW"}
    assert [chart.unit for chart in drawn] == [chart.unit for chart in expected]
    assert [[bar.claim.pk for bar in chart.bars] for chart in drawn] == [
        [bar.claim.pk for bar in chart.bars] for chart in expected
    ]


def test_a_busy_entitys_page_runs_the_same_queries_however_many_figures_it_has(
    client, db, settings, monkeypatch, django_assert_num_queries
):
    """Walking the newest rows (as for an entity in much of the coverage), the page runs nine
    queries with the entity's figures in three chart units or in six: the entity, aliases,
    status counts and chart sizes (one query, from the tallies), the page of claims and
    their subjects and articles, relations, the charts' figures, the articles; and on
    PostgreSQL one more, setting their plans (``generic_plans()``)."""
    from decimal import Decimal

    from articles.models import Claim
    from entities import views
    from tests.factories import FigureClaimFactory

    settings.PUBLIC_CACHE_SECONDS = 0
    content = build_summit(extra_claims=30)
    entity = _many_figures(content)
    monkeypatch.setattr(views, "_walk_is_cheaper", lambda *args: True)
    url = entity.get_absolute_url()
    queries = 9 + plan_statements()
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == HTTPStatus.OK
    for n, unit in enumerate(["GPU", "GW", "JPY"] * 10):
        figure = FigureClaimFactory(amount=Decimal(n + 1), unit=unit)
        figure.subjects.add(entity)
        ClaimAppearanceFactory(claim=figure, article=content.article, position=1000 + n)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == HTTPStatus.OK
    _, units = Claim.objects.published_entity_counts(entity)
    assert sorted(units) == ["EUR", "GPU", "GW", "JPY", "MW", "USD"]


def test_scheduled_coverage_appears_when_its_time_comes(client, db, settings, monkeypatch):
    """A claim about the entity in an article scheduled for later shows on the entity page
    once the publish time passes, although the page's queries were kept compiled in between:
    each request compares with the time of that request."""
    import datetime as dt

    from django.utils import timezone

    from tests.factories import EntityFactory, PublishedArticleFactory

    settings.PUBLIC_CACHE_SECONDS = 0  # the second request must be made, not served again
    entity = EntityFactory(name="Aurora Grid")
    shown = ClaimFactory(text="Aurora Grid opened a plant.")
    shown.subjects.add(entity)
    ClaimAppearanceFactory(claim=shown, article=PublishedArticleFactory())
    later = timezone.now() + dt.timedelta(hours=2)
    scheduled = ArticleFactory(
        title="Aurora Grid doubles output", status=ArticleStatus.PUBLISHED, published_at=later
    )
    waiting = ClaimFactory(text="Aurora Grid will double its output.")
    waiting.subjects.add(entity)
    ClaimAppearanceFactory(claim=waiting, article=scheduled)

    before = _page(client, entity)
    assert "1 published claim," in before
    assert waiting.text not in before and scheduled.title not in before

    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + dt.timedelta(hours=3))
    after = _page(client, entity)
    assert "2 published claims" in after
    assert waiting.text in after
    coverage = after.split('<ul class="article-list">', 1)[1].split("</ul>", 1)[0]
    assert scheduled.title in coverage


def test_each_entity_page_shows_its_own_entity_and_hides_others(client, db, settings):
    """Pages served one after the other (the later ones from kept queries) each show their
    own entity, claims and articles; an entity known only through a draft stays unseen."""
    from tests.factories import EntityFactory, PublishedArticleFactory

    settings.PUBLIC_CACHE_SECONDS = 0
    pages = {}
    for name in ("Aurora Grid", "Boreal Power", "Cirrus Labs"):
        entity = EntityFactory(name=name)
        claim = ClaimFactory(text=f"{name} opened a plant.")
        claim.subjects.add(entity)
        article = PublishedArticleFactory(title=f"{name} in the news")
        ClaimAppearanceFactory(claim=claim, article=article)
        pages[name] = (entity, claim, article)
    for name, (entity, claim, article) in pages.items():
        html = _page(client, entity)
        assert f"<h1>{name}</h1>" in html
        assert claim.text in html and article.title in html
        others = [other for other in pages if other != name]
        assert not any(f"{other} opened a plant." in html for other in others)
    hidden = EntityFactory(name="Draft Only")
    claim = ClaimFactory(text="Draft Only said something.", speaker=hidden)
    ClaimAppearanceFactory(claim=claim, article=ArticleFactory())
    assert client.get(hidden.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
