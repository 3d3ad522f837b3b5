"""The article page's repeated parts, written out in Python.

``articles/article_detail.html`` shows a card per claim, an entry per source and a link per
entity: a few hundred template nodes per page, which cost more than everything else the page
does (``format_html`` would still cost a third of that: its lazy-string checks on every value).
These filters write the same markup, whitespace included, as f-strings in which every value
goes through ``_e``: ``html.escape``, exactly what Django's ``escape`` and the template's
autoescaping do to a plain string. Nothing else is interpolated but fragments built the same
way and integers (ids and citation numbers, whose digits need no escaping). Each list item
is one small function, readable beside the template it replaces.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable

from django import template
from django.utils.dates import MONTHS
from django.utils.safestring import SafeString, mark_safe

from coverage_site.per_language import per_language

from .claim_cards import figure_rows

register = template.Library()

ROW = "\n          "  # between a claim card's ``<dl>`` rows, as the template indented them


def _e(value: object) -> str:
    """``value`` escaped for HTML text or a quoted attribute (Django's ``escape``)."""
    return html.escape(str(value))


def _day(value: dt.date, months: dict[int, str]) -> str:
    """``value`` as the ``date`` filter's ``"j F Y"`` gives it, ``months`` being the months'
    names translated (``_months()``), without the filter's per-call set-up: it cost more than
    the rest of a source's entry."""
    return f"{value.day} {months[value.month]} {value.year:04d}"


@per_language
def _months() -> dict[int, str]:
    """The months' names in the current language, translated once per language rather than
    once per date (each lazy name looks the language up again when formatted)."""
    return {number: str(name) for number, name in MONTHS.items()}


def _source_ref(item) -> str:
    link = f'<a href="{_e(item.url)}">{_e(item.source.title)}</a>'
    if item.number:
        number = item.number  # an int: nothing to escape
        link += (
            f' <a href="#source-{number}"><span class="visually-hidden">listed as source </span>'
            f"[{number}]</a>"
        )
    return link


def _claim_rows(entry) -> list[str]:
    """The ``<dl>`` rows of one claim card; a row that does not apply is an empty line."""
    claim = entry.claim
    rows = [
        f'<div><dt>Status</dt><dd><span class="status status-{_e(claim.status)}">'
        f"{_e(entry.status_label)}</span></dd></div>",
        f"<div><dt>Kind</dt><dd>{_e(entry.kind_label)}</dd></div>",
        "",
        "",
        "",
        "",
        "",
        "",
    ]
    if entry.speaker:
        speaker = entry.speaker
        rows[2] = (
            f'<div><dt>Speaker</dt><dd><a href="{_e(speaker.url)}">{_e(speaker.entity.name)}'
            "</a></dd></div>"
        )
    if entry.subjects:
        links = ", ".join(
            f'<a href="{_e(link.url)}">{_e(link.entity.name)}</a>' for link in entry.subjects
        )
        rows[3] = f"<div><dt>About</dt><dd>{links}</dd></div>"
    rows[4:7] = figure_rows(claim)
    if entry.sources:
        sources = "; ".join(_source_ref(item) for item in entry.sources)
        rows[7] = f"<div><dt>Sources</dt><dd>{sources}</dd></div>"
    return rows


def _claim_card(entry) -> str:
    claim = entry.claim
    pk = claim.id  # an int: nothing to escape
    back = (
        f'<p class="in-context"><a href="#in-text-{pk}">Back to the claim in the text</a></p>'
        if entry.highlighted
        else ""
    )
    return (
        f'\n      <li class="claim-card status-edge-{_e(claim.status)}" id="claim-{pk}">\n'
        f'        <p class="claim-text"><a href="{_e(entry.url)}">{_e(claim.text)}</a></p>\n'
        f'        <dl class="claim-meta">{ROW}{ROW.join(_claim_rows(entry))}\n'
        "        </dl>\n"
        f"        {back}\n"
        "      </li>\n      "
    )


@register.filter
def claim_cards(claims: Iterable) -> SafeString:
    """The items of the “Claims in this article” list (``presenters.ClaimEntry``)."""
    return mark_safe("".join(_claim_card(entry) for entry in claims))  # noqa: S308 (escaped)


def _citation(entry, months: dict[int, str]) -> str:
    source, number = entry.source, entry.number  # an int: nothing to escape
    details = f", {_e(source.publisher)}" if source.publisher else ""
    if source.published_on:
        day = _day(source.published_on, months)
        details += f', <time datetime="{source.published_on.isoformat()}">{_e(day)}</time>'
    archived = (
        f'<a href="{_e(source.archived_url)}">Archived copy</a>.' if source.archived_url else ""
    )
    backlinks = "".join(
        f'<a class="backlink" href="#{_e(marker)}"><span class="visually-hidden">Back to citation '
        f'{index} of source {number} in the text</span><span aria-hidden="true">↩</span></a>'
        for index, marker in enumerate(entry.marker_ids, 1)
    )
    return (
        f'\n      <li id="source-{number}" value="{number}">\n'
        f'        <cite><a href="{_e(source.url)}">{_e(source.title)}</a></cite>{details}.\n'
        f"        {archived}\n"
        f'        <a href="{_e(entry.url)}">Everything citing this source</a>.\n'
        f"        {backlinks}\n"
        "      </li>\n      "
    )


@register.filter
def source_entries(citations: Iterable) -> SafeString:
    """The items of the numbered “Sources” list (``presenters.CitationEntry``)."""
    months = _months()
    return mark_safe("".join(_citation(entry, months) for entry in citations))  # noqa: S308 (escaped)


@register.filter
def entity_items(links: Iterable) -> SafeString:
    """The items of the “People, organisations and places” list (``presenters.EntityLink``)."""
    return mark_safe(  # noqa: S308 (escaped)
        "".join(
            f'<li><a href="{_e(link.url)}">{_e(link.entity.name)}</a> '
            f'<span class="muted">{_e(link.kind_label)}</span></li>'
            for link in links
        )
    )
