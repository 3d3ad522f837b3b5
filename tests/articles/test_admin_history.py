"""History in the admin: concurrent edits, readable diffs between versions, and revert."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from articles.models import Article, ArticleStatus, Source
from tests.admin_forms import form_fields, post_form, submit
from tests.factories import (
    ArticleFactory,
    ClaimSourceFactory,
    EntityFactory,
    PublishedArticleFactory,
    SourceFactory,
    editor,
    fact_checker,
    reporter,
)

pytestmark = pytest.mark.django_db


def _url(obj, view="change", *args) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk, *args])


def test_second_editor_gets_a_conflict_and_keeps_their_input(client):
    """Two editors open one article; the later save is refused naming who saved, input intact."""
    article = ArticleFactory(title="Original", body="Original body.")
    alice, bob = editor(username="alice"), editor(username="bob")
    url = _url(article)
    client.force_login(bob)
    bobs_form = form_fields(client.get(url).content.decode(), "article_form")
    client.force_login(alice)
    assert submit(client, url, "article_form", title="Alice's title").status_code == 302

    client.force_login(bob)
    response = post_form(client, url, bobs_form, title="Bob's title", body="Bob's body.")
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Changed by alice at" in page and "since you opened it" in page
    assert 'value="Bob&#x27;s title"' in page and "Bob&#x27;s body." in page
    assert Article.objects.get(pk=article.pk).title == "Alice's title"

    # Having read the message, saving the form again keeps Bob's version on purpose.
    again = post_form(client, url, form_fields(page, "article_form"))
    assert again.status_code == HTTPStatus.FOUND
    assert Article.objects.get(pk=article.pk).title == "Bob's title"
    titles = list(article.history.order_by("history_date").values_list("title", flat=True))
    assert titles[-2:] == ["Alice's title", "Bob's title"]


def test_workflow_step_after_opening_is_a_conflict_too(client):
    """Publishing while someone edits bumps the version, so their stale save is stopped."""
    article = ArticleFactory(body="No markers.")
    client.force_login(reporter())
    stale = form_fields(client.get(_url(article)).content.decode(), "article_form")
    client.force_login(editor(username="chief"))
    client.post(_url(article, "transition"), {"to_status": "published"})
    client.force_login(reporter())
    response = post_form(client, _url(article), stale, title="Late edit")
    assert "Changed by chief at" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.PUBLISHED


def test_compare_shows_a_word_diff_between_two_versions(client):
    """Picking two versions shows what changed, word by word."""
    article = ArticleFactory(body="The summit opened in Gyeongju.")
    client.force_login(editor())
    submit(client, _url(article), "article_form", body="The summit closed in Gyeongju.")
    old, new = article.history.order_by("history_date")
    response = client.get(_url(article, "history_compare"), {"old": old.pk, "new": new.pk})
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "<del>opened</del><ins>closed</ins>" in page
    assert "Headline" not in page.split('id="version-diff"')[1]  # unchanged fields are left out


def test_history_page_offers_versions_to_compare(client):
    """The history list has the two radio columns and the compare button."""
    article = ArticleFactory()
    client.force_login(fact_checker())
    page = client.get(_url(article, "history")).content.decode()
    assert 'name="old"' in page and 'name="new"' in page
    assert "Compare selected versions" in page


def test_compare_without_two_versions_explains(client):
    """A bad or missing version choice is a message, not an error page."""
    article = ArticleFactory()
    client.force_login(editor())
    response = client.get(_url(article, "history_compare"), {"old": "x"}, follow=True)
    assert response.status_code == HTTPStatus.OK
    assert "Choose two different versions" in response.content.decode()


def test_revert_restores_the_text_but_not_the_workflow(client):
    """Reverting a published article to its draft-era wording keeps it published."""
    article = PublishedArticleFactory(title="First wording", body="No markers.")
    client.force_login(editor())
    submit(client, _url(article), "article_form", title="Second wording")
    first = article.history.order_by("history_date").first()
    revert_url = _url(article, "simple_history", first.pk)
    response = submit(client, revert_url, "historicalarticle_form")
    assert response.status_code == HTTPStatus.FOUND
    article.refresh_from_db()
    assert (article.title, article.status) == ("First wording", ArticleStatus.PUBLISHED)


def test_claim_revert_restores_wording_not_verdict(client):
    """A revert brings back old wording; the verdict stays a fact-checker's decision."""
    claim = ClaimSourceFactory(claim__text="Old wording.").claim
    client.force_login(editor())
    submit(client, _url(claim), "claim_form", text="New wording.", status="verified")
    first = claim.history.order_by("history_date").first()
    revert_url = _url(claim, "simple_history", first.pk)
    assert submit(client, revert_url, "historicalclaim_form").status_code == HTTPStatus.FOUND
    claim.refresh_from_db()
    assert (claim.text, claim.status) == ("Old wording.", "verified")


@pytest.mark.parametrize("make", [EntityFactory, SourceFactory])
def test_entity_and_source_history_compare_and_revert(client, make):
    """Entities and sources have the same history, diff and revert."""
    obj = make()
    form_id = f"{obj._meta.model_name}_form"
    client.force_login(editor())
    field = "description" if obj._meta.model_name == "entity" else "publisher"
    submit(client, _url(obj), form_id, **{field: "Changed value"})
    old, new = obj.history.order_by("history_date")
    page = client.get(_url(obj, "history_compare"), {"old": old.pk, "new": new.pk})
    assert "<ins>Changed" in page.content.decode()
    revert_url = _url(obj, "simple_history", old.pk)
    assert submit(client, revert_url, f"historical{form_id}").status_code == HTTPStatus.FOUND
    obj.refresh_from_db()
    assert getattr(obj, field) != "Changed value"


def test_reporter_cannot_revert_a_source_into_a_duplicate(client):
    """Revert runs the same form checks as an edit."""
    first = SourceFactory(url="https://news.example.org/original")
    client.force_login(reporter())
    submit(client, _url(first), "source_form", url="https://news.example.org/moved")
    SourceFactory(url="https://news.example.org/original")
    old = first.history.order_by("history_date").first()
    response = submit(client, _url(first, "simple_history", old.pk), "historicalsource_form")
    assert response.status_code == HTTPStatus.OK
    assert "This is the same document as the source" in response.content.decode()
    assert Source.objects.get(pk=first.pk).url == "https://news.example.org/moved"


def test_view_only_user_cannot_post_a_revert(client):
    """simple-history would save a POSTed revert for viewers; here it is forbidden."""
    source = SourceFactory(title="Original title")
    client.force_login(editor())
    submit(client, _url(source), "source_form", title="Edited title")
    old = source.history.order_by("history_date").first()
    client.force_login(fact_checker())
    response = client.post(_url(source, "simple_history", old.pk), {})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Source.objects.get(pk=source.pk).title == "Edited title"


def test_claim_history_is_visible_to_fact_checkers(client):
    """Every role can read the history of a claim."""
    claim = ClaimSourceFactory().claim
    client.force_login(fact_checker())
    page = client.get(_url(claim, "history"))
    assert page.status_code == HTTPStatus.OK
    assert "View history" in page.content.decode()  # read-only: no revert offered
