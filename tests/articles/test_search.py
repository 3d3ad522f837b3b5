"""Search across articles, claims and entities, grouped by type; only public results."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from articles.search import MAX_QUERY_LENGTH, search_everything

pytestmark = pytest.mark.django_db
URL = reverse("articles:search")


def test_results_are_grouped_by_type(client, summit):
    """A query matching an article, a claim and an entity lists each under its own heading."""
    html = client.get(URL, {"q": "Chey"}).content.decode()
    assert "Articles (1)" in html
    assert "Claims (" in html
    assert "People, organisations and places (1)" in html
    assert summit.article.title in html
    assert 'href="/entities/chey-tae-won/"' in html


def test_claims_are_found_by_their_wording(summit):
    """“GPUs” finds the pledge; every word must match."""
    results = search_everything("35,000 GPUs")
    assert [claim.pk for claim in results.claims] == [summit.claims["gpus"].pk]
    assert search_everything("GPUs dragonfruit").claims == []


def test_entities_are_found_by_alias(summit):
    """“AWS” finds Amazon Web Services through its alias."""
    assert summit.aws in search_everything("AWS").entities


def test_hidden_coverage_is_never_found(summit):
    """Drafts, scheduled and archived articles and what only they mention are not found."""
    results = search_everything("EMBARGOED")
    assert results.total == 0


def test_empty_query_shows_just_the_form(client, db):
    """No query, no results section, no error."""
    response = client.get(URL)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert 'id="search-query"' in html
    assert "result" not in html.split("</form>", 1)[1].lower()


def test_nothing_found_says_so(client, summit):
    """A query with no match says so and suggests what to try."""
    html = client.get(URL, {"q": "dragonfruit"}).content.decode()
    assert "Nothing matches “dragonfruit”" in html


def test_overlong_query_is_refused_with_a_message(client, db):
    """A query over the limit is explained, not run."""
    response = client.get(URL, {"q": "word " * MAX_QUERY_LENGTH})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert f"please use at most {MAX_QUERY_LENGTH}" in html
    assert 'role="alert"' in html


@pytest.mark.parametrize("query", ["-summit", '-"data centre"', "-summit -investment"])
def test_a_search_of_only_words_to_leave_out_asks_for_a_word(client, summit, query):
    """Only ``-words`` would list almost the whole site: the reader is asked for a word to
    look for instead, and nothing is listed."""
    response = client.get(URL, {"q": query})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Add a word or phrase to look for" in html
    assert 'role="alert"' in html
    assert summit.article.get_absolute_url() not in html
    with_a_word = client.get(URL, {"q": f"summit {query}"}).content.decode()
    assert "Add a word or phrase to look for" not in with_a_word


@pytest.mark.parametrize("query", ["'", '"', "%", "_", "(", "AND", "-", "!!!", "<script>"])
def test_odd_input_never_errors(client, summit, query):
    """Quotes, wildcards and operators are searched for, never a 500."""
    assert client.get(URL, {"q": query}).status_code == HTTPStatus.OK


def test_postgres_uses_full_text_search_with_stemming(summit, on_postgres):
    """On PostgreSQL, “investments” finds the claim about “investing” (English stemming)."""
    results = search_everything("investments")
    assert summit.claims["investment"] in results.claims
    assert summit.article in results.articles


def test_postgres_ranks_title_matches_first(summit, on_postgres):
    """An article whose headline matches outranks one mentioning the word in its body."""
    from tests.factories import PublishedArticleFactory

    body_only = PublishedArticleFactory(title="Other news", body="Gyeongju was busy.")
    titled = PublishedArticleFactory(title="Gyeongju hosts leaders", body="Leaders met.")
    results = search_everything("Gyeongju")
    assert results.articles.index(titled) < results.articles.index(body_only)


def _published(**fields):
    from tests.factories import PublishedArticleFactory

    return PublishedArticleFactory(**fields)


def test_minus_excludes_and_quotes_keep_a_phrase_together(db):
    """“-word” leaves out what contains it; a quoted phrase must appear as written."""
    both = _published(title="Data center in Ulsan", body="A new data center opens.")
    gyeongju = _published(title="Data center near Gyeongju", body="Gyeongju gets a data center.")
    scattered = _published(title="Center stage", body="Data was everywhere at the center.")
    assert set(search_everything("data -ulsan").articles) == {gyeongju, scattered}
    phrase = search_everything('"data center"').articles
    assert set(phrase) == {both, gyeongju}


def test_snippets_escape_what_editors_typed(client, db):
    """Markup in a headline or body is shown as text; only the match is marked."""
    _published(
        title="<script>alert(1)</script> Gyeongju <b>summit</b>",
        body='Delegates met in Gyeongju. <img src=x onerror="alert(2)">',
    )
    html = client.get(URL, {"q": "Gyeongju"}).content.decode()
    results = html.split('id="article-results"', 1)[1]
    assert "<script>alert" not in results and "<img" not in results and "<b>" not in results
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in results
    assert '<mark class="search-hit">Gyeongju</mark>' in results
    assert results.count("<mark") == results.count("</mark>") >= 2


def test_claims_are_found_by_their_speakers_name(summit):
    """A claim spoken by Chey Tae-won is found by his name although its wording lacks it."""
    spoken = [claim for claim in summit.claims.values() if claim.speaker_id == summit.chey.pk]
    assert spoken and all("Chey" not in claim.text for claim in spoken)
    found = search_everything("Chey").claims
    assert set(spoken) <= set(found)


def test_simple_match_without_postgresql(summit, monkeypatch):
    """The fallback (SQLite, or any database without full-text search): substrings of every
    word, ignoring case; hidden coverage stays hidden."""
    monkeypatch.setattr("articles.search.on_postgresql", lambda: False)
    monkeypatch.setattr("entities.search.on_postgresql", lambda: False)
    results = search_everything("invest ULSAN")
    assert [claim.pk for claim in results.claims] == [summit.claims["investment"].pk]
    assert results.articles == [summit.article]
    assert search_everything("Amazon -cloud").entities == []
    assert summit.aws in search_everything("web servic").entities
    assert search_everything("EMBARGOED").total == 0
    html = search_everything("ulsan").claims[0].text_html
    assert '<mark class="search-hit">Ulsan</mark>' in html
