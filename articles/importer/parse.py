"""The structure of a plain-text report: headings, paragraphs, bullets, the Sources list, and the
page furniture after it (“Reply”, “Keep Reading”…), which is dropped.

The report has no markup: a heading is a short line standing alone without closing punctuation,
a bullet starts with “-”, “•” or “1.”, and paragraphs are separated by blank lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import ReportImportError
from .sources import SourceEntry, parse_source_line

SOURCES_HEADING = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:sources|source|references|sources and references|notes and sources"
    r"|bibliography)\s*:?\s*$",
    re.IGNORECASE,
)
MARKDOWN_HEADING = re.compile(r"^\s*(#{1,6})\s+(.+?)\s*#*\s*$")
BULLET = re.compile(r"^\s*(?P<mark>[-*+•·▪◦‣–—]|\d{1,3}[.)])\s+(?P<text>\S.*)$")
MARKER = re.compile(r"\[(\d+)\]")
URL_ONLY = re.compile(r"^\s*<?(?:https?://|www\.)\S+>?\s*$", re.IGNORECASE)
HEADING_MAX_CHARS = 120
HEADING_MAX_WORDS = 16


@dataclass
class Block:
    """One heading, paragraph or bullet item of the body, on one logical line."""

    kind: str  # "heading", "paragraph" or "bullet"
    text: str
    line: int
    section: str = ""
    list_index: int | None = None
    bullet_mark: str = "-"
    level: int = 2
    line_starts: list[tuple[int, int]] = field(default_factory=list)

    def line_at(self, offset: int) -> int:
        """The file line holding ``offset`` of this block's text."""
        line = self.line
        for start, number in self.line_starts:
            if start > offset:
                break
            line = number
        return line

    def markdown(self) -> str:
        if self.kind == "heading":
            return f"{'#' * self.level} {self.text}"
        if self.kind == "bullet":
            return f"{self.bullet_mark} {self.text}"
        return self.text


@dataclass
class Report:
    """A parsed report: body blocks, numbered sources, and what was dropped after them."""

    blocks: list[Block]
    sources: list[SourceEntry]
    sources_line: int
    dropped: list[tuple[int, str]]

    def markdown(self) -> str:
        """The body as Markdown: headings, paragraphs, tight bullet lists, markers kept."""
        parts: list[str] = []
        previous: Block | None = None
        for block in self.blocks:
            same_list = (
                previous is not None
                and block.kind == "bullet"
                and previous.list_index == block.list_index
            )
            if same_list:
                parts[-1] += "\n" + block.markdown()
            else:
                parts.append(block.markdown())
            previous = block
        return "\n\n".join(parts) + "\n"

    def take_title(self) -> str | None:
        """Remove and return a leading heading, which is the report's own title line."""
        if self.blocks and self.blocks[0].kind == "heading":
            title = self.blocks.pop(0).text
            for block in self.blocks:
                if block.section == title:
                    block.section = ""
            return title
        return None

    def check_markers(self) -> list[str]:
        """Refuse markers that point at no source; warn about sources never cited."""
        numbers = {source.number for source in self.sources}
        cited: set[int] = set()
        for block in self.blocks:
            for match in MARKER.finditer(block.text):
                number = int(match.group(1))
                if number not in numbers:
                    raise ReportImportError(
                        f"marker [{number}] points at no source (the Sources list has "
                        f"{_numbers(numbers)})",
                        block.line_at(match.start()),
                    )
                cited.add(number)
        return [
            f"line {source.line}: source [{source.number}] “{source.title}” is listed but "
            "never cited in the text"
            for source in self.sources
            if source.number not in cited
        ]


def _numbers(numbers: set[int]) -> str:
    return ", ".join(f"[{n}]" for n in sorted(numbers)) or "no numbered entries"


def parse_report(text: str) -> Report:
    """Split ``text`` into body blocks and sources; ReportImportError when it has no Sources."""
    lines = text.split("\n")
    heading_at = _sources_heading(lines)
    sources, dropped = _sources(lines, heading_at)
    blocks = _blocks(lines[:heading_at])
    if not blocks:
        raise ReportImportError("the report has no text before its Sources section", heading_at + 1)
    return Report(blocks=blocks, sources=sources, sources_line=heading_at + 1, dropped=dropped)


def _next_text_line(lines: list[str], index: int) -> int | None:
    for position in range(index, len(lines)):
        if lines[position].strip():
            return position
    return None


def _sources_heading(lines: list[str]) -> int:
    headings = [i for i, line in enumerate(lines) if SOURCES_HEADING.match(line)]
    if not headings:
        raise ReportImportError(
            "the report has no Sources section: add a line “Sources” followed by lines "
            "like “[1] Title https://…”"
        )
    for index in reversed(headings):
        following = _next_text_line(lines, index + 1)
        if following is not None and parse_source_line(lines[following], following + 1):
            return index
    raise ReportImportError(
        "the Sources section lists no sources: expected lines like “[1] Title https://…”",
        headings[-1] + 1,
    )


def _sources(lines: list[str], heading_at: int) -> tuple[list[SourceEntry], list]:
    """Numbered entries after the heading; everything from the first other line is furniture."""
    entries: list[SourceEntry] = []
    index = heading_at + 1
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        entry = parse_source_line(line, line_number=index + 1)
        if entry is None:
            if entries and not entries[-1].url and URL_ONLY.match(line):
                entries[-1] = entries[-1].with_url(line.strip().strip("<>"))
                index += 1
                continue
            break
        entries.append(entry)
        index += 1
    dropped = [(i + 1, lines[i].strip()) for i in range(index, len(lines)) if lines[i].strip()]
    _check_entries(entries)
    return entries, dropped


def _check_entries(entries: list[SourceEntry]) -> None:
    seen: dict[int, SourceEntry] = {}
    by_url: dict[str, SourceEntry] = {}
    for entry in entries:
        if entry.number < 1:
            raise ReportImportError("source numbers start at [1]", entry.line)
        if not entry.url:
            raise ReportImportError(
                f"source [{entry.number}] has no web address (https://…)", entry.line
            )
        if entry.number in seen:
            raise ReportImportError(
                f"source [{entry.number}] is listed twice (also on line {seen[entry.number].line})",
                entry.line,
            )
        if entry.url in by_url:
            raise ReportImportError(
                f"sources [{by_url[entry.url].number}] and [{entry.number}] are the same "
                "address; cite one number for it",
                entry.line,
            )
        seen[entry.number] = entry
        by_url[entry.url] = entry


def _blocks(lines: list[str]) -> list[Block]:
    builder = _BlockBuilder()
    for index, line in enumerate(lines):
        builder.feed(line, index + 1)
    builder.flush()
    return builder.blocks


class _BlockBuilder:
    """Groups lines into blocks: blank lines end paragraphs; bullets start items."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.open: Block | None = None
        self.open_lines = 0
        self.section = ""
        self.list_index: int | None = None
        self.lists = 0

    def feed(self, raw: str, number: int) -> None:
        line = " ".join(raw.split())
        if not line:
            self.flush()
            return
        heading = MARKDOWN_HEADING.match(raw)
        bullet = BULLET.match(raw)
        if heading:
            self.flush()
            self._add(Block("heading", heading.group(2), number, level=len(heading.group(1))))
        elif bullet:
            self.flush()
            if self.list_index is None:
                self.lists += 1
                self.list_index = self.lists
            mark = bullet.group("mark")
            self._open(
                Block(
                    "bullet",
                    " ".join(bullet.group("text").split()),
                    number,
                    list_index=self.list_index,
                    bullet_mark=mark if mark[0].isdigit() else "-",
                ),
            )
        elif self.open is not None:
            self.open.line_starts.append((len(self.open.text) + 1, number))
            self.open.text += " " + line
            self.open_lines += 1
        else:
            self._open(Block("paragraph", line, number))

    def _open(self, block: Block) -> None:
        block.line_starts.append((0, block.line))
        self.open = block
        self.open_lines = 1

    def flush(self) -> None:
        block, self.open = self.open, None
        if block is None:
            return
        if block.kind == "paragraph" and self.open_lines == 1 and looks_like_heading(block.text):
            block.kind = "heading"
        self._add(block)

    def _add(self, block: Block) -> None:
        if block.kind != "bullet":
            self.list_index = None
        if block.kind == "heading":
            self.section = MARKER.sub("", block.text).strip()
            block.section = self.section
        else:
            block.section = self.section
        self.blocks.append(block)


def looks_like_heading(line: str) -> bool:
    """A short standalone line without closing punctuation or citation markers."""
    stripped = line.strip().rstrip("”’\"')]")
    return (
        0 < len(line) <= HEADING_MAX_CHARS
        and len(line.split()) <= HEADING_MAX_WORDS
        and not MARKER.search(line)
        and stripped[-1:] not in {".", ",", ";", ":", "!", "…"}
        and (line[0].isupper() or line[0].isdigit() or line[0] in "“\"‘'")
        and not URL_ONLY.match(line)
    )
