"""The article body's stored rendering: used while it matches, never served stale.

Each test edits what the body's rendering depends on (the body, a claim's passage or verdict,
a citation) in a way that does not refresh the stored copy (a queryset update sends no
signals), and checks that readers see the new rendering at once; and that the writes the site
makes (model saves) do refresh it, so the next reader gets it without rendering.
"""

from http import HTTPStatus

import pytest

from articles import rendering
from articles.backup import coverage_export
from articles.models import Article, Citation, Claim, ClaimAppearance
from articles.stored_body import store_bodies
from tests.factories import (
    CitationFactory,
    ClaimAppearanceFactory,
    ClaimFactory,
    PublishedArticleFactory,
)

pytestmark = pytest.mark.django_db

STALE = "<p>A stale rendering.</p>"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block's on-commit callbacks, as the end of a real transaction would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def article(committed):
    with committed():
        article = PublishedArticleFactory(
            body="Leaders met in Gyeongju.[1] SK Group pledged new chip plants.[2]"
        )
        CitationFactory(article=article, number=1)
        CitationFactory(article=article, number=2)
        claim = ClaimFactory(text="SK Group pledged new chip plants.", status="verified")
        ClaimAppearanceFactory(
            article=article, claim=claim, passage="SK Group pledged new chip plants."
        )
    article.refresh_from_db()
    return article


def _body(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    return html.split('<div class="article-body">', 1)[1].split("</div>", 1)[0]


def _plant_stale(article) -> None:
    """Make the stored copy wrong but keyed to the article's current inputs."""
    Article.objects.filter(pk=article.pk).update(body_html=STALE)


def test_saving_stores_the_rendering_the_page_shows(client, article):
    """After the article and its parts are saved, the stored copy is the page's body."""
    shown = _body(client, article)
    assert article.body_html == shown
    assert "<mark" in shown and 'href="#source-2"' in shown


def test_the_stored_copy_is_what_readers_get_while_it_matches(client, article):
    """Readers are served the stored copy (here a planted one) while nothing changed."""
    _plant_stale(article)
    assert _body(client, article) == STALE


def test_a_rendered_page_and_a_stored_one_are_identical(client, article):
    """The whole page is byte for byte the same, stored copy or fresh rendering."""
    stored = client.get(article.get_absolute_url()).content
    Article.objects.filter(pk=article.pk).update(body_html="", body_html_key="")
    assert client.get(article.get_absolute_url()).content == stored


def test_an_edited_body_shows_at_once(client, article):
    _plant_stale(article)
    Article.objects.filter(pk=article.pk).update(body="Leaders left Gyeongju.[1]")
    body = _body(client, article)
    assert STALE not in body
    assert "Leaders left Gyeongju." in body


def test_a_moved_passage_moves_the_highlight_at_once(client, article):
    _plant_stale(article)
    ClaimAppearance.objects.filter(article=article).update(passage="Leaders met in Gyeongju.")
    body = _body(client, article)
    assert STALE not in body
    assert '<mark class="claim status-verified">Leaders met in Gyeongju.' in body


def test_a_new_verdict_shows_in_the_text_at_once(client, article):
    _plant_stale(article)
    Claim.objects.filter(appearances__article=article).update(status="false")
    body = _body(client, article)
    assert STALE not in body
    assert '<mark class="claim status-false">' in body


def test_a_removed_citation_unlinks_its_marker_at_once(client, article):
    _plant_stale(article)
    Citation.objects.filter(article=article, number=2).delete()
    body = _body(client, article)
    assert STALE not in body
    assert 'href="#source-2"' not in body and "</a>[2]</p>" in body


def test_a_new_renderer_ignores_copies_stored_by_the_old_one(client, article, monkeypatch):
    _plant_stale(article)
    monkeypatch.setattr(rendering, "RENDERER_VERSION", rendering.RENDERER_VERSION + 1)
    assert STALE not in _body(client, article)


@pytest.mark.parametrize("edit", ["body", "passage", "verdict", "citation"])
def test_each_edit_through_the_models_stores_the_new_rendering(client, article, committed, edit):
    """Saves of the article, an appearance, a claim or a citation refresh the stored copy
    when they commit, so the next reader is served it (and it is the new rendering)."""
    with committed():
        if edit == "body":
            article.body = "Leaders left Gyeongju.[1]"
            article.save()
        elif edit == "passage":
            appearance = ClaimAppearance.objects.get(article=article)
            appearance.passage = "Leaders met in Gyeongju."
            appearance.save()
        elif edit == "verdict":
            claim = Claim.objects.get(appearances__article=article)
            claim.status = "false"
            claim.save()
        else:
            Citation.objects.get(article=article, number=2).delete()
    shown = _body(client, article)
    article.refresh_from_db()
    assert article.body_html == shown
    _plant_stale(article)
    assert _body(client, article) == STALE


def test_store_bodies_fills_copies_for_bulk_written_articles(client, article):
    Article.objects.filter(pk=article.pk).update(body_html="", body_html_key="")
    assert store_bodies([article.pk]) == 1
    article.refresh_from_db()
    assert article.body_html == _body(client, article)


def test_the_stored_copy_stays_out_of_history_and_exports(article):
    exported = coverage_export()["models"]["articles.Article"]
    assert exported and all("body_html" not in row["fields"] for row in exported)
    assert all("body_html_key" not in row["fields"] for row in exported)
    fields = {field.name for field in Article.history.model._meta.get_fields()}
    assert not {"body_html", "body_html_key"} & fields


def test_an_upgraded_markdown_or_sanitiser_ignores_old_copies(client, article, monkeypatch):
    _plant_stale(article)
    monkeypatch.setattr(rendering, "LIBRARY_VERSIONS", ("99.0", "99.0"))
    assert STALE not in _body(client, article)
