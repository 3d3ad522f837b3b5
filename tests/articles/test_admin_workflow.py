"""The publishing workflow in the admin: buttons, scheduling, preview, bulk actions, integrity."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleStatus
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimAppearanceFactory,
    ClaimSourceFactory,
    FigureClaimFactory,
    PublishedArticleFactory,
)

pytestmark = pytest.mark.django_db


def _citable(**kwargs):
    article = ArticleFactory(body="Leaders met.[1]", **kwargs)
    CitationFactory(article=article, number=1)
    return article


def _transition(client, article, to_status, **extra):
    url = reverse("admin:articles_article_transition", args=[article.pk])
    return client.post(url, {"to_status": to_status, **extra}, follow=True)


def _change_page(client, article) -> str:
    url = reverse("admin:articles_article_change", args=[article.pk])
    return client.get(url).content.decode()


def _texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_published_article_is_on_the_site_with_a_view_on_site_link(as_editor):
    """Publishing makes the page public and the admin links to it."""
    article = _citable()
    _transition(as_editor, article, "published")
    assert as_editor.get(article.get_absolute_url()).status_code == HTTPStatus.OK
    assert "View on site" in _change_page(as_editor, article)


def test_draft_has_a_preview_and_no_view_on_site_link(as_editor):
    """A draft is previewable by staff and absent from the public site."""
    article = _citable(title="Draft headline")
    page = _change_page(as_editor, article)
    assert "View on site" not in page
    assert "Preview as readers will see it" in page
    preview = as_editor.get(reverse("admin:articles_article_preview", args=[article.pk]))
    assert preview.status_code == HTTPStatus.OK
    assert [t.name for t in preview.templates][0] == "articles/article_detail.html"
    assert "Draft headline" in preview.content.decode()
    assert preview["X-Robots-Tag"] == "noindex, nofollow"
    as_editor.logout()
    assert as_editor.get(article.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_preview_renders_what_the_public_page_renders(as_editor):
    """Once published, the preview and the public page produce the same article markup."""
    article = _citable(title="Same page")
    _transition(as_editor, article, "published")
    preview = as_editor.get(reverse("admin:articles_article_preview", args=[article.pk]))
    public = as_editor.get(article.get_absolute_url())
    assert preview.content.split(b"<article")[1] == public.content.split(b"<article")[1]


def test_scheduled_article_stays_hidden_until_its_time(as_editor):
    """A future publish time keeps the page 404 for readers until it passes."""
    article = _citable()
    at = timezone.localtime() + dt.timedelta(hours=3)
    response = _transition(
        as_editor, article, "published", publish_at=at.strftime("%Y-%m-%dT%H:%M")
    )
    assert any("is scheduled" in text for text in _texts(response))
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED and not article.is_public
    page = _change_page(as_editor, article)
    assert "View on site" not in page and "Preview as readers will see it" in page
    as_editor.logout()
    assert as_editor.get(article.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    Article.objects.filter(pk=article.pk).update(
        published_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert as_editor.get(article.get_absolute_url()).status_code == HTTPStatus.OK


def test_scheduled_article_can_be_published_now(as_editor):
    """“Publish now” on a scheduled article brings it forward."""
    article = _citable()
    at = timezone.localtime() + dt.timedelta(days=1)
    _transition(as_editor, article, "published", publish_at=at.strftime("%Y-%m-%dT%H:%M"))
    _transition(as_editor, article, "published")
    article.refresh_from_db()
    assert article.is_public


def test_scheduling_in_the_past_is_refused_with_a_message(as_editor):
    """A past schedule time is a mistake, reported rather than published."""
    article = _citable()
    response = _transition(as_editor, article, "published", publish_at="2020-01-01T10:00")
    assert "Choose a time in the future" in " ".join(_texts(response))
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.DRAFT


def test_publishing_with_broken_citations_lists_the_problems(as_editor):
    """The refusal names each problem, and the article stays a draft."""
    article = ArticleFactory(body="One.[1] Two.[2]")
    CitationFactory(article=article, number=1)
    response = _transition(as_editor, article, "published")
    text = " ".join(_texts(response))
    assert "Not published." in text and "Marker [2] in the body has no citation." in text
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.DRAFT


def test_integrity_panel_lists_problems_before_publishing(as_editor):
    """The change form shows every citation problem: marker, unsourced claim, figure."""
    article = ArticleFactory(body="Investment.[1] More.[3]")
    CitationFactory(article=article, number=1)
    claim = FigureClaimFactory(text="They invested $4 billion.")
    ClaimAppearanceFactory(article=article, claim=claim, passage="They invested $4 billion.")
    page = _change_page(as_editor, article)
    assert "Marker [3] in the body has no citation." in page
    assert f"Claim #{claim.pk}" in page and "has no source" in page
    assert "does not appear in its passage" in page


def test_integrity_panel_is_clear_when_all_resolves(as_editor):
    """A sound article says so."""
    article = _citable()
    claim = ClaimSourceFactory().claim
    ClaimAppearanceFactory(article=article, claim=claim)
    assert 'id="citation-ok"' in _change_page(as_editor, article)


def test_unpublish_button_takes_the_article_down_and_records_it(as_editor):
    """Unpublishing returns the article to draft, off the site, with the step recorded."""
    article = PublishedArticleFactory(body="No markers.")
    assert "Unpublish (back to draft)" in _change_page(as_editor, article)
    _transition(as_editor, article, "draft")
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    assert article.transitions.get().from_status == "published"


def test_archive_then_republish(as_editor):
    """Archived articles can come back; each step is recorded."""
    article = _citable(status=ArticleStatus.PUBLISHED, published_at=timezone.now())
    _transition(as_editor, article, "archived")
    _transition(as_editor, article, "published")
    steps = list(article.transitions.values_list("from_status", "to_status"))
    assert steps == [("published", "archived"), ("archived", "published")]


def test_unknown_status_is_refused_with_a_message(as_editor):
    """A made-up status is reported, never a 500."""
    article = _citable()
    response = _transition(as_editor, article, "gone")
    assert response.status_code == HTTPStatus.OK
    assert "not one of the available choices" in " ".join(_texts(response))


def test_transition_needs_post(as_editor):
    """GET never changes the workflow."""
    article = _citable()
    url = reverse("admin:articles_article_transition", args=[article.pk])
    assert as_editor.get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_bulk_publish_reports_refused_articles_with_their_problems(as_editor):
    """Good articles are published; broken ones are named with what to fix."""
    good = _citable()
    broken = ArticleFactory(title="Broken one", body="Claim.[4]")
    response = as_editor.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", ACTION_CHECKBOX_NAME: [good.pk, broken.pk]},
        follow=True,
    )
    text = " ".join(_texts(response))
    assert "1 article published." in text
    assert "“Broken one” was not published." in text and "Marker [4]" in text
    assert Article.objects.get(pk=good.pk).is_public
    assert Article.objects.get(pk=broken.pk).status == ArticleStatus.DRAFT


def test_bulk_unpublish_skips_articles_that_are_not_published(as_editor):
    """Published ones go back to draft; a draft is reported untouched."""
    live = PublishedArticleFactory(body="No markers.")
    draft = ArticleFactory(title="Still a draft")
    response = as_editor.post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish_selected", ACTION_CHECKBOX_NAME: [live.pk, draft.pk]},
        follow=True,
    )
    text = " ".join(_texts(response))
    assert "1 article unpublished." in text and "“Still a draft” was not unpublished." in text
    assert Article.objects.get(pk=live.pk).status == ArticleStatus.DRAFT
    assert not draft.transitions.exists()


def test_changelist_counts_claims_and_links_to_them(as_editor):
    """The list shows claims and unverified claims, linking to that article's claims."""
    article = _citable(title="Counted")
    other = _citable()
    verified = ClaimSourceFactory(claim__status="verified").claim
    for claim in (verified, ClaimSourceFactory().claim):
        ClaimAppearanceFactory(article=article, claim=claim)
    ClaimAppearanceFactory(article=other)
    changelist = as_editor.get(reverse("admin:articles_article_changelist"))
    row = next(r for r in changelist.context["cl"].result_list if r.pk == article.pk)
    assert (row.claims, row.unverified_claims) == (2, 1)
    claims_url = reverse("admin:articles_claim_changelist") + f"?article={article.pk}"
    assert claims_url in changelist.content.decode()
    listed = as_editor.get(claims_url).context["cl"].result_list
    assert {c.pk for c in listed} == set(article.appearances.values_list("claim", flat=True))


def test_changelist_filters_by_status_and_searches(as_editor):
    """Status filter and search narrow the list."""
    PublishedArticleFactory(title="Semiconductor pledge", body="x")
    ArticleFactory(title="Tariff draft")
    url = reverse("admin:articles_article_changelist")
    published = as_editor.get(url, {"status__exact": "published"}).context["cl"].result_list
    assert [a.title for a in published] == ["Semiconductor pledge"]
    found = as_editor.get(url, {"q": "tariff"}).context["cl"].result_list
    assert [a.title for a in found] == ["Tariff draft"]
