"""Article bodies: Markdown in, safe HTML out, with footnote links and highlighted claims.

Editors write Markdown with citation markers like ``[1]``. ``render_body`` turns that into HTML
that nothing an editor types can make run script: the Markdown output is sanitised with nh3
first, our own markup (footnote links, claim highlights) is added through placeholders the
editor cannot type, and the result is sanitised again, which also repairs any nesting a
highlight that crosses a paragraph or a bold run would otherwise break.
"""

from __future__ import annotations

import hashlib
import re
import threading
import xml.etree.ElementTree as etree
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import version

import markdown
import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

# Private-use characters frame our placeholders; they are removed from what editors type.
PRIVATE_USE = re.compile("[\ue000-\ue00f]")
OPEN, CLOSE, CITE, END = "\ue000", "\ue002", "\ue003", "\ue001"
PLACEHOLDER = re.compile(f"([{OPEN}{CLOSE}{CITE}])(\\d+){END}")
# ``[3]`` but not a Markdown reference link ``[text][3]``, ``[3](url)`` or definition ``[3]:``.
MARKER = re.compile(r"(?<!\])\[(\d+)\](?![(\[:])")
WHITESPACE = re.compile(r"\s+")
LONG_WHITESPACE = re.compile(r"\s{2,}")

EDITOR_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s",
    "del", "ins", "code", "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody",
    "tfoot", "tr", "th", "td", "caption", "sup", "sub", "abbr", "q", "cite", "small", "dl", "dt",
    "dd",
}  # fmt: skip
EDITOR_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}}
FINAL_TAGS = EDITOR_TAGS | {"mark", "span"}
FINAL_ATTRIBUTES = {
    "a": {"href", "title", "rel", "class", "id", "role"},
    "abbr": {"title"},
    "ol": {"start"},
    "mark": {"class"},
    "sup": {"class"},
    "span": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Part of every stored rendering's key (``body_key``): raise it whenever a change here could
# change the HTML for the same inputs, and every stored rendering stops matching at once. The
# Markdown and nh3 versions are part of the key too, so upgrading either does the same.
RENDERER_VERSION = 1
LIBRARY_VERSIONS = (version("markdown"), version("nh3"))
# What ``RenderedBody.from_html`` reads back out of the HTML ``render_body`` wrote.
MARKER_ID = re.compile(r'<sup class="cite"><a href="#source-(\d+)" id="(cite-\d+-\d+)"')
FLAG_ID = re.compile(r'id="in-text-(\d+)"')


@dataclass(frozen=True)
class Highlight:
    """A claim to mark in the body: where its passage occurs, with its verdict."""

    claim_id: int
    passage: str
    status: str
    status_label: str


@dataclass
class RenderedBody:
    html: SafeString
    # Citation number → ids of its markers in the text, in order (for back-links).
    marker_ids: dict[int, list[str]] = field(default_factory=dict)
    highlighted: set[int] = field(default_factory=set)

    @classmethod
    def from_html(cls, html: str) -> RenderedBody:
        """The rendering whose HTML is ``html``, its markers and highlights read back from it.

        Only used for HTML that ``render_body`` wrote and ``storable`` accepted, i.e. for which
        this gives exactly what rendering gave.
        """
        marker_ids: dict[int, list[str]] = defaultdict(list)
        for number, marker_id in MARKER_ID.findall(html):
            marker_ids[int(number)].append(marker_id)
        return cls(
            html=mark_safe(html),  # noqa: S308 (render_body's sanitised output)
            marker_ids=dict(marker_ids),
            highlighted={int(claim_id) for claim_id in FLAG_ID.findall(html)},
        )

    @property
    def storable(self) -> bool:
        """Can this rendering be stored as HTML alone (``from_html`` gives it back whole)?
        Not when an editor's text happens to spell out one of our ids (then the rendering is
        simply redone on each read)."""
        return RenderedBody.from_html(self.html) == self


HEADING = re.compile(r"h[1-6]")


class _DemoteHeadings(Treeprocessor):
    """The page's headline is the only h1: a body that uses ``#`` headings is shifted down."""

    def run(self, root: etree.Element) -> None:
        headings = [el for el in root.iter() if HEADING.fullmatch(el.tag)]
        if any(el.tag == "h1" for el in headings):
            for el in headings:
                el.tag = f"h{min(int(el.tag[1]) + 1, 6)}"


class _DemoteHeadingsExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_DemoteHeadings(md), "demote_headings", 5)


_local = threading.local()


def _markdown() -> markdown.Markdown:
    """This thread's Markdown converter, reset for a new document.

    Building a ``Markdown`` instance (extensions, processors, the tables and lists set-up)
    costs more than converting a typical body, so each thread keeps one; ``reset()`` clears
    what the previous conversion left behind. Instances are not thread-safe, hence one per
    thread rather than one per process.
    """
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = markdown.Markdown(
            extensions=["sane_lists", "tables", _DemoteHeadingsExtension()], output_format="html"
        )
    return md.reset()


class _Spacing:
    """``text`` with every run of whitespace collapsed to one space, so that a passage is
    found with ``str.find`` however the body spaces or wraps its words.

    This matches what a pattern ``word1\\s+word2…`` per passage would, without compiling one
    pattern per claim on every page (``str.split`` and ``\\s`` agree on what is whitespace).
    Positions found in the collapsed text map back to ``text`` through the runs longer than
    one character, the only ones that shift later characters.
    """

    def __init__(self, text: str) -> None:
        self.collapsed = WHITESPACE.sub(" ", text)
        self._runs: list[int] = []  # collapsed position of each longer run, in order
        self._shifts: list[int] = []  # characters removed up to and including that run
        removed = 0
        for run in LONG_WHITESPACE.finditer(text):
            self._runs.append(run.start() - removed)
            removed += run.end() - run.start() - 1
            self._shifts.append(removed)

    def original(self, position: int) -> int:
        """Where the character at (or a range ending at) ``position`` is in ``text``; for a
        position next to a word character, as passage boundaries always are."""
        before = bisect_right(self._runs, position - 1)
        return position + (self._shifts[before - 1] if before else 0)

    def find(self, passage: str) -> tuple[int, int] | None:
        """The first occurrence of ``passage``'s words in ``text``, as (start, end)."""
        words = passage.split()
        if not words:
            return None
        wanted = " ".join(words)
        start = self.collapsed.find(wanted)
        if start < 0:
            return None
        return self.original(start), self.original(start + len(wanted))


def _find_ranges(
    text: str, highlights: Iterable[Highlight]
) -> list[tuple[int, int, list[Highlight]]]:
    """Where each passage first occurs; claims sharing a passage share one highlight and
    a passage overlapping an earlier one is left unmarked (the claim is still listed)."""
    by_range: dict[tuple[int, int], list[Highlight]] = defaultdict(list)
    spacing = _Spacing(text)
    for highlight in highlights:
        found = spacing.find(highlight.passage)
        if found:
            by_range[found].append(highlight)
    kept: list[tuple[int, int, list[Highlight]]] = []
    for (start, end), group in sorted(by_range.items(), key=lambda it: (it[0][0], -it[0][1])):
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end, group))
    return kept


def _flags(group: list[Highlight]) -> str:
    return "".join(
        f' <a class="claim-flag status-{escape(h.status)}" href="#claim-{h.claim_id}" '
        f'id="in-text-{h.claim_id}"><span class="visually-hidden">Claim status: </span>'
        f"{escape(h.status_label)}</a>"
        for h in group
    )


def body_key(body: str, citation_numbers: Iterable[int], highlights: Iterable[Highlight]) -> str:
    """A digest of everything ``render_body``'s output depends on, and of the renderer.

    A rendering stored with its key is only reused while the key computed from the current
    body, citation numbers and claims is the same: a write that forgets to store the new
    rendering makes the page slower, never stale.
    """
    parts = (
        RENDERER_VERSION,
        LIBRARY_VERSIONS,
        body,
        sorted(set(citation_numbers)),
        [(h.claim_id, h.passage, h.status, h.status_label) for h in highlights],
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def render_body(
    body: str, *, citation_numbers: Iterable[int] = (), highlights: Iterable[Highlight] = ()
) -> RenderedBody:
    """Render an article body to safe HTML.

    ``[n]`` becomes a footnote link to ``#source-n`` when ``n`` is in ``citation_numbers``
    (other markers stay as typed); each highlight's passage is wrapped in ``<mark>`` followed
    by a link to the claim's entry, labelled with its verification status.
    """
    text = PRIVATE_USE.sub("", body or "")
    ranges = _find_ranges(text, highlights)
    groups = [group for _, _, group in ranges]
    for index in range(len(ranges) - 1, -1, -1):
        start, end, _ = ranges[index]
        text = f"{text[:start]}{OPEN}{index}{END}{text[start:end]}{CLOSE}{index}{END}{text[end:]}"
    numbers = set(citation_numbers)
    text = MARKER.sub(
        lambda m: f"{CITE}{m.group(1)}{END}" if int(m.group(1)) in numbers else m.group(0), text
    )
    html = _markdown().convert(text)
    html = nh3.clean(html, tags=EDITOR_TAGS, attributes=EDITOR_ATTRIBUTES, url_schemes=URL_SCHEMES)
    marker_ids: dict[int, list[str]] = defaultdict(list)

    def expand(match: re.Match) -> str:
        kind, number = match.group(1), int(match.group(2))
        if kind == CITE:
            marker_id = f"cite-{number}-{len(marker_ids[number]) + 1}"
            marker_ids[number].append(marker_id)
            return (
                f'<sup class="cite"><a href="#source-{number}" id="{marker_id}" '
                f'role="doc-noteref">[{number}]</a></sup>'
            )
        group = groups[number]
        if kind == OPEN:
            return f'<mark class="claim status-{escape(group[0].status)}">'
        return "</mark>" + _flags(group)

    html = PLACEHOLDER.sub(expand, html)
    html = nh3.clean(
        html,
        tags=FINAL_TAGS,
        attributes=FINAL_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
    )
    highlighted = {h.claim_id for group in groups for h in group if f"in-text-{h.claim_id}" in html}
    return RenderedBody(
        html=mark_safe(html),  # noqa: S308 (sanitised by nh3 just above)
        marker_ids=dict(marker_ids),
        highlighted=highlighted,
    )
