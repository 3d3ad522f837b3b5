"""The article page's parts written out in Python (``articles/templatetags/article_page.py``):
its claim cards, sources and entity links, and its ``head`` and ``content`` blocks, are the
markup the template wrote."""

import datetime as dt
from decimal import Decimal
from http import HTTPStatus
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import timezone

from articles.models import (
    ArticleStatus,
    ClaimKind,
    DatePrecision,
    PledgeStatus,
    VerificationStatus,
)
from articles.presenters import article_page_context
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimAppearanceFactory,
    ClaimFactory,
    ClaimSourceFactory,
    CorrectionNoteFactory,
    EntityFactory,
    EventFactory,
    PersonFactory,
    PublishedArticleFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

# The loops as templates/articles/article_detail.html wrote them before they moved to Python,
# and its head and content blocks (head.html, content.html) as they were before they did.
LOOPS = Path(__file__).parent / "article_page_loops"
FILTERS = {"claims": "claim_cards", "citations": "source_entries", "entities": "entity_items"}
HOSTILE = '<b>“Tom & Jerry\'s”</b> "quoted"'


def _varied_article():
    """An article whose claims take every branch of a card, with text that needs escaping."""
    event = EventFactory(name=f"Summit {HOSTILE}")
    article = PublishedArticleFactory(
        event=event, body="Leaders met.[1] Then again.[1] And [2]. Later [3]."
    )
    cited = [
        SourceFactory(title=f"Report {HOSTILE}", archived_url="https://archive.example/1"),
        SourceFactory(publisher="", published_on=None),
    ]
    for number, source in enumerate(cited, 1):
        CitationFactory(article=article, number=number, source=source)
    article.mentions.add(EntityFactory(name=f"Mentioned {HOSTILE}"), PersonFactory())
    speaker = PersonFactory(name=f"Speaker {HOSTILE}")
    claims = [
        ClaimFactory(text=f"Plain claim {HOSTILE}", speaker=speaker),
        ClaimFactory(
            kind=ClaimKind.PLEDGE,
            amount=Decimal("35000"),
            unit="GPU",
            figure_date=dt.date(2027, 1, 1),
            figure_date_precision=DatePrecision.YEAR,
            status=VerificationStatus.DISPUTED,
        ),
        ClaimFactory(
            kind=ClaimKind.PLEDGE,
            pledge_status=PledgeStatus.MET,
            figure_date=dt.date(2026, 3, 1),
            figure_date_precision=DatePrecision.MONTH,
        ),
        ClaimFactory(
            kind=ClaimKind.FIGURE,
            amount=Decimal("10100000000000"),
            unit="KRW",
            equivalent_amount=Decimal("7000000000"),
            equivalent_unit="USD",
            figure_date=dt.date(2025, 10, 29),
            figure_date_precision=DatePrecision.DAY,
            status=VerificationStatus.VERIFIED,
        ),
    ]
    for position, claim in enumerate(claims):
        ClaimAppearanceFactory(claim=claim, article=article, position=position)
    claims[0].subjects.add(EntityFactory(name=f"Subject {HOSTILE}"), EntityFactory())
    ClaimSourceFactory(claim=claims[0], source=cited[0])
    ClaimSourceFactory(claim=claims[0], source=SourceFactory(title=f"Uncited {HOSTILE}"))
    ClaimSourceFactory(claim=claims[3], source=cited[1])
    article.body = f"{claims[0].text} Leaders met.[1] Then again.[1] And [2]."
    article.save()
    return article


@pytest.mark.parametrize("part", sorted(FILTERS))
def test_written_out_parts_are_the_template_markup(part):
    """Each filter writes exactly what the template loop wrote for the same entries."""
    context = article_page_context(_varied_article())
    assert context[part], part
    expected = Template((LOOPS / f"{part}.html").read_text().rstrip("\n")).render(Context(context))
    written = Template(f"{{% load article_page %}}{{{{ {part}|{FILTERS[part]} }}}}").render(
        Context(context)
    )
    assert written == expected


def test_every_card_branch_is_exercised():
    """The varied article shows each kind of card row, escaped."""
    html = Template("{% load article_page %}{{ claims|claim_cards }}").render(
        Context(article_page_context(_varied_article()))
    )
    for row in ("Speaker", "About", "Figure", "Target", "Refers to", "Pledge", "Sources"):
        assert f"<dt>{row}</dt>" in html
    assert "Pending" in html and "Met" in html
    assert "Back to the claim in the text" in html
    assert "<b>" not in html and "&lt;b&gt;“Tom &amp; Jerry&#x27;s”&lt;/b&gt; &quot;" in html


def test_article_page_shows_the_event_and_speakers_from_one_entities_query(client):
    """The event kicker and each claim's speaker come from the page's entities query."""
    article = _varied_article()
    response = client.get(article.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert (
        f'<p class="kicker"><a href="{article.event.get_absolute_url()}">Summit &lt;b&gt;' in html
    )
    assert '<dt>Speaker</dt><dd><a href="/entities/' in html


def _changed_article(summit):
    """A published article with corrections, changes (one linking to its claim) and an
    updated time, in text that needs escaping."""
    CorrectionNoteFactory(article=summit.article, text=f"The budget was in won. {HOSTILE}")
    claim = summit.claims["stargate"]
    claim.status = VerificationStatus.VERIFIED
    claim.save()
    summit.source.url = "https://example.org/corrected"
    summit.source.save()
    summit.article.title = f"Korea pitches itself {HOSTILE}"
    summit.article.save()
    return summit.article


def _bare_article(summit):
    """A published article with no event, standfirst, byline, claims, sources or entities."""
    return PublishedArticleFactory(event=None, standfirst="", byline="", body="Leaders met.")


def _draft(summit):
    return ArticleFactory(status=ArticleStatus.DRAFT, title=f"Draft {HOSTILE}")


def _scheduled(summit):
    later = timezone.now() + dt.timedelta(days=1)
    return PublishedArticleFactory(published_at=later, standfirst=f"Soon {HOSTILE}")


PAGES = {
    "varied": (lambda summit: _varied_article(), False),
    "changed": (_changed_article, False),
    "bare": (_bare_article, False),
    "draft preview": (_draft, True),
    "scheduled preview": (_scheduled, True),
    "published preview": (lambda summit: _varied_article(), True),
}


@pytest.mark.parametrize("block", ["head", "content"])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_written_out_blocks_are_the_template_markup(summit, page, block):
    """``{% article_head %}`` and ``{% article_content %}`` write exactly what the template's
    blocks wrote, for every branch of them."""
    make, preview = PAGES[page]
    context = article_page_context(make(summit), preview=preview)
    if page == "changed":
        assert context["corrections"] and context["updated_at"]
        assert {bool(change.claim_id) for change in context["changes"]} == {True, False}
    source = (LOOPS / f"{block}.html").read_text().removesuffix("\n")
    expected = Template(source).render(Context(context))
    written = Template(f"{{% load article_page %}}{{% article_{block} %}}").render(Context(context))
    assert written == expected
