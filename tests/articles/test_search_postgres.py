"""PostgreSQL search: weighted ranking, web-search syntax, trigram typos, triggers, GIN indexes."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest
from django.db import connection
from django.utils import timezone

from articles import search
from articles.models import Article, Claim
from articles.search import search_articles, search_claims, search_everything
from coverage_site.fulltext import web_query
from entities.models import Entity
from entities.search import search_entities
from tests.factories import (
    ArticleFactory,
    ClaimAppearanceFactory,
    ClaimFactory,
    EntityAliasFactory,
    EntityFactory,
    PersonFactory,
    PublishedArticleFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_postgres")]


def _public(entity: Entity) -> Entity:
    PublishedArticleFactory().mentions.add(entity)
    return entity


def test_headline_outranks_standfirst_outranks_body(db):
    """Weights A (headline) > B (standfirst) > C (body), whatever the publication order."""
    body = PublishedArticleFactory(title="Other", standfirst="Other.", body="Ulsan data centre.")
    standfirst = PublishedArticleFactory(title="Second", standfirst="Ulsan gets a data centre.")
    headline = PublishedArticleFactory(title="Ulsan data centre approved", body="Approved.")
    assert search_everything("Ulsan").articles == [headline, standfirst, body]


def test_more_matching_words_rank_higher(db):
    """A claim with every word outranks one sharing fewer (``or`` lets both match)."""
    partial = ClaimFactory(text="Samsung will build a fab.")
    full = ClaimFactory(text="Samsung will build a fab in Pyeongtaek for memory chips.")
    for claim in (partial, full):
        ClaimAppearanceFactory(claim=claim, article=PublishedArticleFactory())
    found = search_claims(Claim.objects.published(), "Samsung or Pyeongtaek or memory")
    assert list(found) == [full, partial]


def test_web_search_syntax(db):
    """Quotes keep a phrase, a leading minus excludes, ``or`` widens, stemming applies."""
    ulsan = PublishedArticleFactory(title="AWS builds data centre in Ulsan")
    seoul = PublishedArticleFactory(title="Centre for data opens in Seoul")
    busan = PublishedArticleFactory(title="Busan port expands")
    articles = Article.objects.published()
    assert list(search_articles(articles, '"data centre"')) == [ulsan]
    assert set(search_articles(articles, "data centre")) == {ulsan, seoul}
    assert list(search_articles(articles, "centre -ulsan")) == [seoul]
    assert set(search_articles(articles, "busan or seoul")) == {seoul, busan}
    assert list(search_articles(articles, "builds opening")) == []
    assert list(search_articles(articles, "building")) == [ulsan]


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Chey Tae won", "Chey Tae-won"),
        ("Chey Taewon", "Chey Tae-won"),
        ("SK Hinix", "SK hynix"),
        ("Samsung Electronix", "Samsung Electronics"),
        ("sk hynics", "SK hynix"),
    ],
)
def test_misspelt_names_still_find_entities(db, typed, name):
    """Trigram similarity on names and aliases forgives typos and missing hyphens."""
    _public(PersonFactory(name="Chey Tae-won", slug="chey-tae-won"))
    _public(EntityFactory(name="SK hynix", slug="sk-hynix"))
    samsung = _public(EntityFactory(name="Samsung", slug="samsung"))
    EntityAliasFactory(entity=samsung, name="Samsung Electronics")
    found = search_entities(Entity.objects.public(), typed)
    expected = samsung if name == "Samsung Electronics" else Entity.objects.get(name=name)
    assert found[0] == expected


def test_misspelt_names_respect_exclusions_and_visibility(db):
    """A fuzzy match is still dropped by ``-word`` and never reaches a hidden entity."""
    _public(EntityFactory(name="SK hynix", slug="sk-hynix", description="Memory maker"))
    EntityFactory(name="SK Hinix Holdings", slug="hidden")  # in no published coverage
    assert [e.slug for e in search_entities(Entity.objects.public(), "SK Hinix")] == ["sk-hynix"]
    assert list(search_entities(Entity.objects.public(), "SK Hinix -memory")) == []


def test_documents_follow_edits(db):
    """Triggers keep the documents current: an edited body, a renamed speaker, a new alias."""
    article = PublishedArticleFactory(body="Nothing yet.")
    speaker = _public(PersonFactory(name="Lee Jae-myung"))
    claim = ClaimFactory(text="Growth will resume.", speaker=speaker)
    ClaimAppearanceFactory(claim=claim, article=article)
    article.body = "Semiconductors lead exports."
    article.save()
    speaker.name = "President Lee"
    speaker.save()
    EntityAliasFactory(entity=speaker, name="LJM")
    assert list(search_articles(Article.objects.all(), "semiconductor")) == [article]
    assert list(search_claims(Claim.objects.all(), "president")) == [claim]
    assert list(search_claims(Claim.objects.all(), "Lee Jae-myung")) == []
    assert list(search_entities(Entity.objects.all(), "LJM")) == [speaker]


def test_snippets_mark_matches_in_context(db):
    """The body snippet is a short passage around the match, the stemmed match marked."""
    PublishedArticleFactory(
        title="Summit wrap",
        body="Opening remarks. " * 40 + "Leaders pledged new investments in chips.",
    )
    article = search_everything("investing").articles[0]
    assert '<mark class="search-hit">investments</mark>' in article.text_html
    assert article.text_html.count("Opening remarks") < 10


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


def test_gin_and_trigram_indexes_are_used(db):
    """The query plans read the GIN full-text and trigram indexes (sequential scans off)."""
    assert "articles_article_search_gin" in _plan(search_articles(Article.objects.all(), "chips"))
    assert "articles_claim_search_gin" in _plan(search_claims(Claim.objects.all(), "chips"))
    plan = _plan(search_entities(Entity.objects.all(), "SK Hinix"))
    for index in (
        "entities_entity_search_gin",
        "entities_entity_name_trgm",
        "entities_entityalias_name_trgm",
    ):
        assert index in plan


def test_search_page_ranks_few_candidates_but_keeps_headlines_first(db):
    """The page ranks only likely-best candidates (headline/standfirst matches, the newest,
    the closest names through the GiST trigram indexes) and still puts headlines first."""
    headline = PublishedArticleFactory(title="Ulsan plant opens", body="Opened.")
    for _ in range(4):
        PublishedArticleFactory(title="Other", body="Ulsan news.")
    found = search_articles(Article.objects.published(), "Ulsan", candidates=2)
    assert list(found)[0] == headline
    assert search_everything("Ulsan").articles[0] == headline
    plan = _plan(search_entities(Entity.objects.all(), "SK Hinix", candidates=5))
    for index in ("entities_entity_name_trgm_gist", "entities_entityalias_name_trgm_gist"):
        assert index in plan
    claim = ClaimFactory(text="Ulsan will grow.")
    ClaimAppearanceFactory(claim=claim, article=headline)
    assert list(search_claims(Claim.objects.published(), "ulsan", candidates=2)) == [claim]


def test_search_page_lists_headline_candidates_only_if_the_whole_query_matches(db):
    """A headline with one of the words asked for makes an article a candidate, but it is
    listed only when the whole query matches it (every word, none of the excluded ones)."""
    PublishedArticleFactory(title="Ulsan port opens", body="Cranes arrive.")
    both = PublishedArticleFactory(title="Ulsan chips", body="A semiconductor plant.")
    PublishedArticleFactory(title="Ulsan fab", body="Semiconductor memory.")
    query = "ulsan semiconductor -memory"
    assert search_everything(query).articles == [both]
    assert list(search_articles(Article.objects.published(), query, candidates=2)) == [both]


def test_api_q_uses_the_same_search(client, db):
    """The API's ``q``: web-search syntax, typos for entities, best matches first."""
    _public(EntityFactory(name="SK hynix", slug="sk-hynix"))
    body = PublishedArticleFactory(slug="body", body="SK hynix supplies memory.")
    title = PublishedArticleFactory(slug="title", title="SK hynix expands")
    response = client.get("/api/v1/entities/", {"q": "SK Hinix"})
    assert response.status_code == HTTPStatus.OK
    assert [item["slug"] for item in response.json()["results"]][:1] == ["sk-hynix"]
    ranked = client.get("/api/v1/articles/", {"q": "hynix"}).json()["results"]
    assert [item["slug"] for item in ranked] == [title.slug, body.slug]
    by_date = client.get("/api/v1/articles/", {"q": "hynix", "ordering": "published_at"})
    assert {item["slug"] for item in by_date.json()["results"]} == {"title", "body"}
    excluded = client.get("/api/v1/articles/", {"q": "hynix -expands"}).json()["results"]
    assert [item["slug"] for item in excluded] == ["body"]


@pytest.mark.parametrize(("newest_matching", "count"), [(0, 4), (1, 4), (2, 4), (1, 5)])
def test_bounded_walk_still_finds_the_newest_matches(db, monkeypatch, newest_matching, count):
    """The newest-first walk stops at the newest few articles; when it finds too few there,
    a second query (walking on if the matches were dense, the GIN index if not) takes the
    rest, so the candidates are still the newest matches."""
    monkeypatch.setattr(search, "RECENT_ARTICLES", 4)
    now = timezone.now()

    def article(days: int, matching: bool):
        body = "Ulsan port expands." if matching else "Busan port expands."
        return PublishedArticleFactory(body=body, published_at=now - dt.timedelta(days=days))

    recent = [article(day, day <= newest_matching) for day in range(1, 6)]
    older = [article(day, True) for day in range(10, 16)]
    query = web_query("ulsan")
    matching, unchecked = search._likely_best(Article.objects.published(), "ulsan", query, count)
    assert matching == {a.pk for a in (recent[:newest_matching] + older)[:count]}
    assert unchecked == set()
    claims = [ClaimFactory(text=f"Ulsan {n}.") for n in range(3)]
    newer = [ClaimFactory(text="Busan.") for _ in range(2)]  # all the walk reaches
    for claim in claims + newer:
        ClaimAppearanceFactory(claim=claim, article=recent[0])
    monkeypatch.setattr(search, "RECENT_CLAIMS", 1)
    found_claims = search_claims(Claim.objects.published(), "ulsan", candidates=2)
    assert set(found_claims) == set(claims[1:])


def test_search_page_claims_keep_exclusions_and_visibility(db):
    """On the search page, claims with every word of ``a or b`` are candidates too, but an
    excluded word still drops them (``-`` binds to its side of ``or``, as in PostgreSQL's web
    search syntax), and unpublished claims never show."""
    article = PublishedArticleFactory()
    both = ClaimFactory(text="Samsung builds in Pyeongtaek.")
    one = ClaimFactory(text="Samsung builds a fab.")
    excluded = ClaimFactory(text="Samsung builds memory in Pyeongtaek.")
    for claim in (both, one, excluded):
        ClaimAppearanceFactory(claim=claim, article=article)
    ClaimFactory(text="Samsung builds in Pyeongtaek, unpublished.")
    found = search_everything("samsung -memory or pyeongtaek -memory").claims
    assert found == [both, one]


def test_search_page_query_count_does_not_grow_with_matches(db, django_assert_num_queries):
    """The search page asks the same number of queries whether few or many things match
    (nine on a small site: fewer than a hundred claims, so the newest-first walk is followed
    by the GIN-index query, see ``_newest``)."""
    for n in range(3):
        claim = ClaimFactory(text=f"Ulsan claim {n}.")
        ClaimAppearanceFactory(claim=claim, article=PublishedArticleFactory(title=f"Ulsan {n}"))
        _public(EntityFactory(name=f"Ulsan Port {n}"))
    with django_assert_num_queries(9):
        few = search_everything("Ulsan")
    for n in range(30):
        claim = ClaimFactory(text=f"Ulsan claim {n + 3}.")
        ClaimAppearanceFactory(claim=claim, article=PublishedArticleFactory(title=f"Ulsan {n}"))
        _public(EntityFactory(name=f"Ulsan Port {n + 3}"))
    with django_assert_num_queries(9):
        many = search_everything("Ulsan")
    assert len(few.claims) == 3
    assert len(many.claims) == len(many.articles) == len(many.entities) == search.PER_TYPE
    with django_assert_num_queries(5):  # no candidates: no article or claim query after them
        assert search_everything("xyzzyplugh").total == 0


def _search_page(client, query: str) -> str:
    response = client.get("/search/", {"q": query})
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def _link(article: Article) -> str:
    return f'href="{article.get_absolute_url()}"'


def test_kept_search_queries_show_each_query_its_own_results(client, db, settings):
    """The page's statements are kept compiled per connection: a second search of the same
    shape (one word; then a phrase with an excluded word) still shows its own matches only."""
    settings.PUBLIC_CACHE_SECONDS = 0
    ulsan = PublishedArticleFactory(title="Ulsan plant opens", body="Batteries.")
    busan = PublishedArticleFactory(title="Busan port expands", body="Cranes.")
    ClaimAppearanceFactory(claim=ClaimFactory(text="Busan will add cranes."), article=busan)
    for _ in range(2):
        first, second = _search_page(client, "ulsan"), _search_page(client, "busan")
        assert _link(ulsan) in first and _link(busan) not in first
        assert _link(busan) in second and _link(ulsan) not in second
        assert "will add cranes." in second and "No claim matches." in first
        phrase = _search_page(client, '"port expands" -ulsan')
        assert _link(busan) in phrase and _link(ulsan) not in phrase


def test_kept_search_queries_read_the_clock_for_each_page(client, db, settings, monkeypatch):
    """An article and its claim scheduled for later show on the search page once their time
    comes, although the page's queries were kept compiled in between."""
    settings.PUBLIC_CACHE_SECONDS = 0
    PublishedArticleFactory(title="Ulsan plant opens")
    later = timezone.now() + dt.timedelta(hours=2)
    scheduled = PublishedArticleFactory(title="Ulsan plant doubles output", published_at=later)
    ClaimAppearanceFactory(claim=ClaimFactory(text="Ulsan will double output."), article=scheduled)
    before = _search_page(client, "ulsan")
    assert _link(scheduled) not in before and "will double output." not in before

    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + dt.timedelta(hours=3))
    after = _search_page(client, "ulsan")
    assert after.count(_link(scheduled)) == 2  # the article, and the claim card's "In" row
    assert "will double output." in after


def test_search_claim_cards_list_subjects_by_name_and_published_articles_only(client, db):
    """A claim card on the search page names its subjects in alphabetical order and links the
    published articles it appears in, newest first, never a draft."""
    claim = ClaimFactory(text="Ulsan and Busan will share a grid.")
    claim.subjects.add(EntityFactory(name="Zeta Power"), EntityFactory(name="Alpha Grid"))
    old = PublishedArticleFactory(
        title="Grid deal signed", published_at=timezone.now() - dt.timedelta(days=2)
    )
    new = PublishedArticleFactory(title="Grid deal explained")
    draft = ArticleFactory(title="Grid deal draft")
    for article in (old, new, draft):
        ClaimAppearanceFactory(claim=claim, article=article)
    page = _search_page(client, "grid share")
    card = page.split('<li class="claim-card', 1)[1].split("</li>", 1)[0]
    assert card.index("Alpha Grid") < card.index("Zeta Power")
    assert card.index(new.title) < card.index(old.title)
    assert draft.title not in card
