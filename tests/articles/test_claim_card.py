"""The ``claim_card`` filter writes, byte for byte, what the ``includes/claim_card.html``
template it replaced wrote (kept below as the reference), for every kind of row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Engine
from django.utils.safestring import mark_safe

from articles.models import Claim, ClaimKind, PledgeStatus
from articles.templatetags.claim_cards import claim_card
from tests.factories import (
    ClaimAppearanceFactory,
    ClaimFactory,
    EntityFactory,
    PersonFactory,
    PublishedArticleFactory,
)

pytestmark = pytest.mark.django_db

# includes/claim_card.html and includes/status.html as they were, with ``listed_subjects``.
REFERENCE = (
    '<p class="claim-text"><a href="{{ claim.get_absolute_url }}">{% if claim.text_html %}'
    "{{ claim.text_html }}{% else %}{{ claim.text }}{% endif %}</a></p>\n"
    '<dl class="claim-meta">\n'
    '  <div><dt>Status</dt><dd><span class="status status-{{ claim.status }}">'
    "{{ claim.get_status_display }}</span></dd></div>\n"
    "  <div><dt>Kind</dt><dd>{{ claim.get_kind_display }}</dd></div>\n"
    '  {% if claim.speaker %}<div><dt>Speaker</dt><dd><a href="'
    '{{ claim.speaker.get_absolute_url }}">{{ claim.speaker.name }}</a></dd></div>{% endif %}\n'
    "  {% with subjects=claim.listed_subjects %}{% if subjects %}<div><dt>About</dt><dd>"
    '{% for entity in subjects %}<a href="{{ entity.get_absolute_url }}">{{ entity.name }}</a>'
    "{% if not forloop.last %}, {% endif %}{% endfor %}</dd></div>{% endif %}{% endwith %}\n"
    "  {% if claim.amount is not None %}<div><dt>Figure</dt><dd>{{ claim|figure }}</dd></div>"
    "{% endif %}\n"
    '  {% if claim.figure_date %}<div><dt>{% if claim.kind == "pledge" %}Target{% else %}'
    "Refers to{% endif %}</dt><dd>{{ claim|target_date }}</dd></div>{% endif %}\n"
    '  {% if claim.kind == "pledge" %}<div><dt>Pledge</dt><dd>{% if claim.pledge_status %}'
    "{{ claim.get_pledge_status_display }}{% else %}Pending{% endif %}</dd></div>{% endif %}\n"
    "  \n"
    "  {% if claim.public_appearances and show_articles %}<div><dt>In</dt><dd>"
    "{% for appearance in claim.public_appearances %}"
    '<a href="{{ appearance.article.get_absolute_url }}">{{ appearance.article.title }}</a>'
    "{% if not forloop.last %}; {% endif %}{% endfor %}</dd></div>{% endif %}\n"
    "</dl>\n"
)


def _reference(claim: Claim) -> str:
    engine = Engine(libraries={"coverage": "articles.templatetags.coverage"})
    template = engine.from_string("{% load coverage %}" + REFERENCE)
    return template.render(Context({"claim": claim, "show_articles": True}, autoescape=True))


def _claims() -> list[Claim]:
    tricky = 'Q&A <b>"quoted"</b> it\'s'
    speaker = PersonFactory(name=f"Kim {tricky}")
    pledge = ClaimFactory(
        text=f"We will build it {tricky}.",
        kind=ClaimKind.PLEDGE,
        speaker=speaker,
        amount=Decimal("10100000000000"),
        unit="KRW",
        equivalent_amount=Decimal("7000000000"),
        equivalent_unit="USD",
        figure_date=dt.date(2030, 1, 1),
        figure_date_precision="year",
    )
    pledge.subjects.add(EntityFactory(name=f"Zeta {tricky}"), EntityFactory(name="Alpha"))
    kept = ClaimFactory(kind=ClaimKind.PLEDGE, pledge_status=PledgeStatus.MISSED)
    figure = ClaimFactory(
        kind=ClaimKind.FIGURE, amount=Decimal("35000"), unit="GPUs", figure_date=dt.date(2026, 5, 1)
    )
    bare = ClaimFactory()
    for claim in (pledge, kept, figure, bare):
        ClaimAppearanceFactory(claim=claim, article=PublishedArticleFactory(title=f"On {tricky}"))
    ClaimAppearanceFactory(claim=pledge, article=PublishedArticleFactory(title="Second"))
    return list(Claim.objects.published().for_listing().order_by("pk"))


def test_claim_card_writes_what_the_template_wrote(db):
    claims = _claims()
    assert len(claims) == 4
    for claim in claims:
        assert str(claim_card(claim)) == _reference(claim)
    assert "Q&amp;A &lt;b&gt;&quot;quoted&quot;&lt;/b&gt; it&#x27;s" in claim_card(claims[0])


def test_claim_card_keeps_a_search_snippet_as_it_is(db):
    claim = _claims()[0]
    claim.text_html = mark_safe('We will <mark class="search-hit">build</mark> it.')
    html = str(claim_card(claim))
    assert html == _reference(claim)
    assert '<mark class="search-hit">build</mark>' in html
