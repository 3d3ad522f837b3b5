"""The article page's markup, written out in Python.

``articles/article_detail.html`` shows a card per claim, an entry per source and a link per
entity: a few hundred template nodes per page, which cost more than everything else the page
does (``format_html`` would still cost a third of that: its lazy-string checks on every value).
These filters write the same markup, whitespace included, as f-strings in which every value
goes through ``_e``: ``html.escape``, exactly what Django's ``escape`` and the template's
autoescaping do to a plain string. Nothing else is interpolated but fragments built the same
way and integers (ids and citation numbers, whose digits need no escaping). Each list item
is one small function, readable beside the template it replaces.

The rest of the page's ``head`` and ``content`` blocks (the article's header, corrections,
body, the sections around those lists and the change log) is written here too, by the
``{% article_head %}`` and ``{% article_content %}`` tags: this module is the one place for
the article page's markup; the template keeps the site's shell around it.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterable

from django import template
from django.template import Context
from django.utils.dates import MONTHS
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime

from coverage_site.per_language import per_language

from .claim_cards import figure_rows
from .coverage import jsonld, machine_time, time_element

register = template.Library()

ROW = "\n          "  # between a claim card's ``<dl>`` rows, as the template indented them


# The characters ``html.escape`` replaces: most values (paths, names, labels) have none, and
# one search for them costs less than its five ``replace`` calls.
_SPECIAL = re.compile("[&<>\"']")


def _e(value: object) -> str:
    """``value`` escaped for HTML text or a quoted attribute (Django's ``escape``)."""
    text = value if type(value) is str else str(value)
    return html.escape(text) if _SPECIAL.search(text) else text


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


# The page's ``head`` and ``content`` blocks, written out as the parts above are: the
# template's variables, ``{% if %}`` s and loops around them cost about as much again as the
# parts themselves. ``{% article_head %}`` and ``{% article_content %}`` write them from the
# page's context (``presenters.article_page_context``); the template keeps the page's shell.
# Numbers are written unlocalised, as the template's ``{% localize off %}`` wrote them (ids,
# anchors and citation numbers).


def _page_head(context: Context) -> str:
    """The ``<meta>`` elements and JSON-LD of the page's ``head`` block."""
    if context["preview"]:
        return '\n  \n  <meta name="robots" content="noindex, nofollow">\n  \n'
    article = context["article"]
    title = _e(article.title)
    description = _e(article.standfirst or article.title)
    times = ""
    for value, name in (
        (context["published_at"], "published"),
        (context["updated_at"], "modified"),
    ):
        times += "\n  "
        if value:
            machine = _e(machine_time(template_localtime(value)))
            times += f'<meta property="article:{name}_time" content="{machine}">'
    return (
        "\n  \n"
        '  <meta property="og:type" content="article">\n'
        '  <meta property="og:site_name" content="Summit Coverage">\n'
        f'  <meta property="og:title" content="{title}">\n'
        f'  <meta property="og:description" content="{description}">\n'
        f'  <meta property="og:url" content="{_e(context["canonical_url"])}">{times}\n'
        '  <meta name="twitter:card" content="summary">\n'
        f'  <meta name="twitter:title" content="{title}">\n'
        f'  <meta name="twitter:description" content="{description}">\n'
        f"  {jsonld(context['json_ld'])}\n"
        "  \n"
    )


def _preview_banner(article) -> str:
    scheduled = ""
    if article.published_at and not article.is_public:
        scheduled = f", scheduled for {time_element(article.published_at)}"
    status = _e(str(article.get_status_display()).lower())
    return (
        f'<p class="preview-banner">Preview for editors: this article is {status}{scheduled}, '
        "and readers cannot see it.</p>"
    )


def _article_header(context: Context) -> str:
    """The article's header: preview banner, event, title, standfirst and byline."""
    article = context["article"]
    banner = _preview_banner(article) if context["preview"] else ""
    event = article.event
    kicker = (
        f'<p class="kicker"><a href="{_e(event.get_absolute_url())}">{_e(event.name)}</a></p>'
        if event
        else ""
    )
    standfirst = f'<p class="standfirst">{_e(article.standfirst)}</p>' if article.standfirst else ""
    byline = f"By {_e(article.byline)}. " if article.byline else ""
    published_at, updated_at = context["published_at"], context["updated_at"]
    published = f"Published {time_element(published_at)}." if published_at else ""
    updated = f"Updated {time_element(updated_at)}." if updated_at else ""
    return (
        '  <header class="article-header">\n'
        f"    {banner}\n"
        f"    {kicker}\n"
        f"    <h1>{_e(article.title)}</h1>\n"
        f"    {standfirst}\n"
        '    <p class="byline">\n'
        f"      {byline}\n"
        f"      {published}\n"
        f"      {updated}\n"
        "    </p>\n"
        "  </header>\n"
    )


def _corrections(notes: list) -> str:
    if not notes:
        return ""
    items = "".join(
        f"<li>{time_element(note.published_at)}: {_e(note.text)}</li>" for note in notes
    )
    return (
        '\n  <aside class="corrections" aria-labelledby="corrections-heading">\n'
        '    <h2 id="corrections-heading">Corrections</h2>\n'
        "    <ul>\n"
        f"      {items}\n"
        "    </ul>\n"
        "  </aside>\n  "
    )


def _claims_section(claims: list) -> str:
    if not claims:
        return ""
    return (
        '\n  <section class="article-section" aria-labelledby="claims-heading">\n'
        '    <h2 id="claims-heading">Claims in this article</h2>\n'
        '    <p class="section-note">Each claim links to its own page with its full '
        "verification history.</p>\n"
        "    \n"
        '    <ol class="claim-list">\n'
        f"      {claim_cards(claims)}\n"
        "    </ol>\n"
        "  </section>\n  "
    )


def _sources_section(citations: list) -> str:
    if not citations:
        return ""
    return (
        '\n  <section class="article-section" aria-labelledby="sources-heading">\n'
        '    <h2 id="sources-heading">Sources</h2>\n'
        '    <ol class="sources">\n'
        f"      {source_entries(citations)}\n"
        "    </ol>\n"
        "  </section>\n  "
    )


def _entities_section(entities: list) -> str:
    if not entities:
        return ""
    return (
        '\n  <section class="article-section" aria-labelledby="entities-heading">\n'
        '    <h2 id="entities-heading">People, organisations and places</h2>\n'
        '    <ul class="entity-links">\n'
        f"      {entity_items(entities)}\n"
        "    </ul>\n"
        "  </section>\n  "
    )


def _change(change) -> str:
    text = _e(change.text)
    if change.claim_id:
        text = f'<a href="#claim-{change.claim_id}">{text}</a>'
    return f"<li>{time_element(change.at)}: {text}</li>"


def _changes_section(changes: list) -> str:
    if changes:
        listed = (
            '\n    <ol class="changes">\n'
            f"      {''.join(_change(change) for change in changes)}\n"
            "    </ol>\n    "
        )
    else:
        listed = "\n    <p>Nothing has changed since this article was first published.</p>\n    "
    return (
        '  <section class="article-section" aria-labelledby="changes-heading">\n'
        '    <h2 id="changes-heading">What changed since first publication</h2>\n'
        f"    {listed}\n"
        "  </section>\n"
    )


def _page_content(context: Context) -> str:
    """The page's ``content`` block: the article, its claims, sources, entities and changes."""
    return (
        '\n\n<article class="article">\n'
        f"{_article_header(context)}\n"
        f"  {_corrections(context['corrections'])}\n\n"
        f'  <div class="article-body">{conditional_escape(context["body_html"])}</div>\n\n'
        f"  {_claims_section(context['claims'])}\n\n"
        f"  {_sources_section(context['citations'])}\n\n"
        f"  {_entities_section(context['entities'])}\n\n"
        f"{_changes_section(context['changes'])}"
        "</article>\n"
    )


class _WrittenNode(template.Node):
    """A block written by one of the functions above from the template's context."""

    def __init__(self, write: Callable[[Context], str]) -> None:
        self.write = write

    def render(self, context: Context) -> SafeString:
        return mark_safe(self.write(context))  # noqa: S308 (every value escaped)


@register.tag
def article_head(parser: template.base.Parser, token: template.base.Token) -> _WrittenNode:
    """``{% article_head %}``: the article page's ``head`` block (``_page_head``)."""
    return _WrittenNode(_page_head)


@register.tag
def article_content(parser: template.base.Parser, token: template.base.Token) -> _WrittenNode:
    """``{% article_content %}``: the article page's ``content`` block (``_page_content``)."""
    return _WrittenNode(_page_content)
