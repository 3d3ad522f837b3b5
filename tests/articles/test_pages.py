"""What readers see on the home, article, claim, source and pledge pages."""

import datetime as dt
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleStatus
from articles.presenters import article_page_context
from tests.factories import ArticleFactory, CorrectionNoteFactory

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    assert response.status_code == HTTPStatus.OK, response.status_code
    return response.content.decode()


def test_home_is_the_summit_hub(client, summit):
    """The event, the latest article, key figures and most-cited entities are on the hub."""
    html = _text(client.get(reverse("articles:home")))
    assert summit.event.name in html
    assert summit.article.title in html
    assert "Key figures in US dollars" in html
    assert "Chey Tae-won" in html or "SK Group" in html
    assert 'href="/entities/government-of-south-korea/"' in html


def test_article_page_shows_headline_byline_and_times(client, summit):
    """Headline, standfirst, byline and the publication time are on the page."""
    html = _text(client.get(summit.article.get_absolute_url()))
    assert f"<h1>{summit.article.title}</h1>" in html
    assert summit.article.standfirst in html
    assert "By Summit Coverage staff." in html
    assert "Published <time datetime=" in html


def test_article_body_links_markers_to_numbered_sources(client, summit):
    """[1] links to the numbered sources list, which shows title, publisher, date, archive."""
    html = _text(client.get(summit.article.get_absolute_url()))
    assert '<a href="#source-1" id="cite-1-1" role="doc-noteref">[1]</a>' in html
    assert '<li id="source-1" value="1">' in html
    assert summit.source.title in html
    assert "Korea JoongAng Daily" in html
    assert "28 October 2025" in html
    assert f'href="{summit.source.archived_url}">Archived copy</a>' in html
    assert 'href="#cite-1-1"' in html


def test_article_highlights_claims_with_status(client, summit):
    """The $5 billion passage is marked and labelled Verified, linking to its claim entry."""
    html = _text(client.get(summit.article.get_absolute_url()))
    claim = summit.claims["investment"]
    assert '<mark class="claim status-verified">AWS and SK Group investing $5 billion' in html
    assert f'href="#claim-{claim.pk}" id="in-text-{claim.pk}"' in html


def test_claims_in_this_article_lists_speaker_figure_status_sources(client, summit):
    """Each claim shows its speaker, figure, status and sources, and links to its page."""
    html = _text(client.get(summit.article.get_absolute_url()))
    assert "Claims in this article" in html
    assert f'id="claim-{summit.claims["testbed"].pk}"' in html
    assert 'href="/entities/chey-tae-won/">Chey Tae-won</a>' in html
    assert "₩10.1 trillion ($7 billion)" in html
    assert "35,000 GPUs" in html
    assert "<dt>Target</dt><dd>2027</dd>" in html
    assert '<span class="status status-disputed">Disputed</span>' in html
    assert summit.claims["budget"].get_absolute_url() in html


def test_article_links_its_entities(client, summit):
    """People, organisations and places involved link to their pages."""
    html = _text(client.get(summit.article.get_absolute_url()))
    for entity in (summit.sk_group, summit.aws, summit.chey, summit.government, summit.event):
        assert f'href="{entity.get_absolute_url()}"' in html


def test_article_shows_corrections(client, summit):
    """A correction note is shown with its date near the top."""
    CorrectionNoteFactory(article=summit.article, text="The budget is KRW, not USD.")
    html = _text(client.get(summit.article.get_absolute_url()))
    assert "Corrections" in html
    assert "The budget is KRW, not USD." in html


def test_article_head_has_canonical_open_graph_and_twitter(client, summit, settings):
    """Canonical URL on SITE_URL, Open Graph article tags and a Twitter card."""
    settings.SITE_URL = "https://coverage.example.org"
    html = _text(client.get(summit.article.get_absolute_url()))
    url = f"https://coverage.example.org{summit.article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="article:published_time"' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert f'<meta name="twitter:title" content="{summit.article.title}">' in html


def test_unknown_article_is_a_friendly_404(client, db):
    """A missing article answers 404 with the site's own page, not Django's."""
    response = client.get("/articles/no-such-story/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    html = response.content.decode()
    assert "We could not find that page" in html
    assert 'action="/search/"' in html


def test_server_error_page_is_friendly():
    """The 500 page renders on its own, without a request context."""
    from django.test import RequestFactory
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Something went wrong on our side" in response.content.decode()


def test_a_failing_view_answers_with_the_500_page(db, monkeypatch):
    """An exception in a view gives the friendly 500 page, not a traceback."""
    from articles import views

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "home_page_context", broken)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Something went wrong on our side" in response.content.decode()
    assert "boom" not in response.content.decode()


def test_favicon_ico_is_served(client, db):
    """/favicon.ico answers with an icon (browsers ask for it whatever the page says)."""
    response = client.get("/favicon.ico")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"


def test_pages_load_no_third_party_assets(client, summit):
    """Stylesheets, icons and scripts all come from the site itself (no CDN)."""
    import re

    html = _text(client.get(summit.article.get_absolute_url()))
    assets = re.findall(r'<link rel="(?:stylesheet|icon)" href="([^"]+)"', html)
    assets += re.findall(r'<(?:script|img)[^>]+src="([^"]+)"', html)
    assert assets
    for asset in assets:
        assert asset.startswith("/static/"), asset
    assert "<script>" not in html and "<script src" not in html
    assert " style=" not in html


def test_claim_page_shows_wording_status_history_sources_and_appearances(client, summit):
    """Wording, speaker, status with its history, sources and every published appearance."""
    claim = summit.claims["investment"]
    claim.status_note = "Confirmed by both companies' releases."
    claim.save()
    html = _text(client.get(claim.get_absolute_url()))
    assert claim.text in html
    assert "Status history" in html
    assert "Confirmed by both companies" in html
    assert summit.source.title in html
    assert summit.article.title in html
    assert "AWS and SK Group investing $5 billion to build a large-scale data center" in html


def test_claim_status_history_lists_each_change(client, summit):
    """Every change of verdict is listed in order."""
    claim = summit.claims["stargate"]
    claim.status = "false"
    claim.save()
    claim.status = "verified"
    claim.save()
    html = _text(client.get(claim.get_absolute_url()))
    history = html.split("Status history", 1)[1].split("</ol>", 1)[0]
    labels = [label for label in ("Disputed", "False", "Verified") if label in history]
    assert labels == ["Disputed", "False", "Verified"]
    assert history.index("Disputed") < history.index("False") < history.index("Verified")


def test_source_page_lists_claims_and_articles_citing_it(client, summit):
    """The source's details and every published claim and article citing it."""
    html = _text(client.get(summit.source.get_absolute_url()))
    assert summit.source.title in html
    assert summit.source.url in html
    assert summit.claims["investment"].text in html
    assert summit.claims["stargate"].text not in html
    assert summit.article.title in html


def test_pledge_tracker_lists_pledges_with_target_who_and_status(client, summit):
    """The 35,000 GPUs pledge shows its target year, who pledged and its status."""
    html = _text(client.get(reverse("articles:pledge_list")))
    assert summit.claims["gpus"].text in html
    assert "<td>2027</td>" in html
    assert summit.government.name in html
    assert '<span class="pledge pledge-pending">Pending</span>' in html
    assert summit.claims["investment"].text not in html


def test_pledge_tracker_counts_each_status(client, summit):
    """The summary counts pledges by status, met and missed included."""
    from tests.factories import ClaimAppearanceFactory, PledgeClaimFactory

    for status in ("met", "missed", "met"):
        ClaimAppearanceFactory(
            claim=PledgeClaimFactory(pledge_status=status), article=summit.article
        )
    html = _text(client.get(reverse("articles:pledge_list")))
    assert 'pledge-met">Met</span> 2' in html
    assert 'pledge-missed">Missed</span> 1' in html
    assert 'pledge-pending">Pending</span> 1' in html


def test_preview_renders_a_draft_through_the_same_function(summit):
    """article_page_context(preview=True) works for a draft and marks it as a preview."""
    from django.template.loader import render_to_string

    draft = ArticleFactory(status=ArticleStatus.DRAFT, body="Draft body with a claim.[1]")
    html = render_to_string(
        "articles/article_detail.html", article_page_context(draft, preview=True)
    )
    assert "Preview for editors" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "application/ld+json" not in html
    assert 'rel="canonical"' not in html


def test_preview_names_the_scheduled_time(summit):
    """A scheduled article's preview says when it will go live."""
    from django.template.loader import render_to_string

    later = timezone.now() + dt.timedelta(days=1)
    scheduled = ArticleFactory(status=ArticleStatus.PUBLISHED, published_at=later)
    html = render_to_string(
        "articles/article_detail.html", article_page_context(scheduled, preview=True)
    )
    assert "scheduled for" in html


def test_home_shows_scheduled_coverage_once_its_time_passes(client, summit, settings, monkeypatch):
    """The hub's statements, kept compiled after the first request, compare with the clock
    of each request: a scheduled article, its figure and its entity appear on time."""
    settings.PUBLIC_CACHE_SECONDS = 0  # every request renders the page
    scheduled = summit.hidden["scheduled"]
    for _ in range(2):
        html = _text(client.get(reverse("articles:home")))
        assert "EMBARGOED" not in html
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + dt.timedelta(days=1, minutes=1))
    html = _text(client.get(reverse("articles:home")))
    assert scheduled["article"].title in html
    assert "$99 billion" in html
    assert scheduled["entity"].name in html


def test_home_without_content_says_so(client, db):
    """An empty site explains that nothing is published yet."""
    html = _text(client.get(reverse("articles:home")))
    assert "No coverage has been published yet." in html


def test_figures_render_in_their_stated_unit(client, summit):
    """Figures read the way they were stated: $5 billion, ₩10.1 trillion, 35,000 GPUs."""
    summit.claims["investment"].amount = Decimal("5000000000")
    html = _text(client.get(summit.claims["budget"].get_absolute_url()))
    assert "₩10.1 trillion ($7 billion)" in html
    assert "<dt>Refers to</dt><dd>2026</dd>" in html
