"""A claim's card (``{{ claim|claim_card }}``), written out in Python.

The search page, the claim explorer and the entity and source pages list 20 to 25 cards each;
as an included template a card cost about 150 µs to render, most of those pages' rendering.
This filter writes the markup the template wrote, whitespace included, every value escaped as
the template's autoescaping did (``conditional_escape``: search snippets, already safe HTML
with ``<mark>``, pass as they are). The claim comes from ``ClaimQuerySet.for_listing()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from django import template
from django.utils.safestring import SafeString, mark_safe

from articles.charts import escape_html
from articles.formatting import format_target_date
from articles.models import ARTICLE_ROUTE, CLAIM_ROUTE, ClaimKind, PledgeStatus
from coverage_site.fast_reverse import reverser
from entities.models import ENTITY_ROUTE

from .coverage import figure

register = template.Library()

PLEDGE_STATUSES = dict(PledgeStatus.choices)


_e = escape_html  # ``conditional_escape`` without its lazy-string wrapper


def _link(url: str, label: object) -> str:
    return f'<a href="{_e(url)}">{_e(label)}</a>'


def figure_rows(claim) -> list[str]:
    """A card's Figure, Target (or Refers to) and Pledge rows, each empty when it does not
    apply: the same on every card, the article page's (``article_page.py``) included."""
    pledge = claim.kind == ClaimKind.PLEDGE
    rows = ["", "", ""]
    if claim.amount is not None:
        rows[0] = f"<div><dt>Figure</dt><dd>{_e(figure(claim))}</dd></div>"
    if claim.figure_date:
        label = "Target" if pledge else "Refers to"
        when = format_target_date(claim.figure_date, claim.figure_date_precision)
        rows[1] = f"<div><dt>{label}</dt><dd>{_e(when)}</dd></div>"
    if pledge:
        status = PLEDGE_STATUSES.get(claim.pledge_status, claim.pledge_status)
        rows[2] = f"<div><dt>Pledge</dt><dd>{_e(status or 'Pending')}</dd></div>"
    return rows


class _Links(NamedTuple):
    """The addresses a card links to, each ``get_absolute_url()`` of its model, from one
    reverser per kind (``fast_reverse.reverser``: a list of cards looks the URLconf, the
    script prefix and the language up once, not for each of its 200 links)."""

    claim: Callable[[object], str]
    entity: Callable[[object], str]
    article: Callable[[object], str]

    @classmethod
    def current(cls) -> _Links:
        return cls(reverser(*CLAIM_ROUTE), reverser(*ENTITY_ROUTE), reverser(*ARTICLE_ROUTE))


def _rows(claim, links: _Links) -> list[str]:
    """The ``<dl>`` rows after Status and Kind; a row that does not apply is left empty."""
    speaker = claim.speaker
    rows = ["", "", "", "", "", "", ""]
    if speaker:
        link = _link(links.entity(speaker.slug), speaker.name)
        rows[0] = f"<div><dt>Speaker</dt><dd>{link}</dd></div>"
    if claim.listed_subjects:
        subjects = ", ".join(_link(links.entity(e.slug), e.name) for e in claim.listed_subjects)
        rows[1] = f"<div><dt>About</dt><dd>{subjects}</dd></div>"
    rows[2:5] = figure_rows(claim)
    # rows[5], the card's sources, is only shown on the article page, which writes its own.
    if claim.public_appearances:
        articles = "; ".join(
            _link(links.article(a.article.slug), a.article.title) for a in claim.public_appearances
        )
        rows[6] = f"<div><dt>In</dt><dd>{articles}</dd></div>"
    return rows


@register.filter
def claim_card(claim) -> SafeString:
    """One claim's card: its text (or search snippet) linked, then what is known about it."""
    return mark_safe(_card(claim, _Links.current()))  # noqa: S308 (every value escaped)


@register.simple_tag
def claim_card_items(claims) -> SafeString:
    """``<li class="claim-card ...">{{ claim|claim_card }}</li>`` for each claim, one after
    the other, with the links of all the cards reversed from the same reversers."""
    links = _Links.current()
    items = (
        f'<li class="claim-card status-edge-{_e(claim.status)}">{_card(claim, links)}</li>'
        for claim in claims
    )
    return mark_safe("".join(items))  # noqa: S308 (every value escaped)


def _card(claim, links: _Links) -> str:
    text = getattr(claim, "text_html", "") or claim.text
    status = f'<span class="status status-{_e(claim.status)}">{_e(claim.status_label)}</span>'
    return (
        f'<p class="claim-text"><a href="{_e(links.claim(claim.pk))}">{_e(text)}</a></p>\n'
        '<dl class="claim-meta">\n'
        f"  <div><dt>Status</dt><dd>{status}</dd></div>\n"
        f"  <div><dt>Kind</dt><dd>{_e(claim.kind_label)}</dd></div>\n"
        + "".join(f"  {row}\n" for row in _rows(claim, links))
        + "</dl>\n"
    )
