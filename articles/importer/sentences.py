"""Split a paragraph into sentences, keeping each sentence's citation markers with it."""

from __future__ import annotations

import re
from dataclasses import dataclass

MARKER = re.compile(r"\[(\d+)\]")
# A sentence ends at . ! or ?, then closing quotes or brackets, then its markers, then a space.
END = re.compile(r"[.!?]+[”\"’')\]]*(?:\s*\[\d+\])*(?=\s|$)")
# Never the end of a sentence: titles and initials stand before a name.
TITLES = frozenset(
    "mr. mrs. ms. dr. prof. st. gen. sen. rep. gov. lt. col. capt. sgt. jr. sr. rev. hon. "
    "no. vs. e.g. i.e. approx. fig. ca. cf. art. vol. ch.".split()
)
# After these the sentence ends only if a usual sentence opener follows: “in the U.S. The…”.
AMBIGUOUS = re.compile(r"^(?:(?:[A-Z]\.){2,}|Inc\.|Corp\.|Co\.|Ltd\.|etc\.|Bros\.)$")
OPENERS = frozenset(
    "the this that these those it its he she they we i in on at but and however meanwhile "
    "a an as for with while after before still yet also so".split()
)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str

    @property
    def markers(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(int(n) for n in MARKER.findall(self.text)))


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` in order, with their offsets; markers stay with their sentence."""
    sentences: list[Sentence] = []
    start = 0
    for match in END.finditer(text):
        if not _is_boundary(text, match):
            continue
        _append(sentences, text, start, match.end())
        start = match.end()
    _append(sentences, text, start, len(text))
    return sentences


def _append(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    offset = start + (len(chunk) - len(chunk.lstrip()))
    if not MARKER.sub("", stripped).strip() and sentences:
        previous = sentences.pop()  # a stray marker run belongs to the sentence before it
        end = offset + len(stripped)
        sentences.append(Sentence(previous.start, end, text[previous.start : end]))
        return
    sentences.append(Sentence(offset, offset + len(stripped), stripped))


def _is_boundary(text: str, match: re.Match) -> bool:
    rest = text[match.end() :].lstrip()
    if not rest:
        return True
    if rest[0].islower():
        return False  # “e.g. something” or “3.5 percent”: the sentence goes on
    before = text[: match.start() + 1].split()
    word = before[-1] if before else ""
    if text[match.start() : match.start() + 2] == "..":
        return True  # “the U.S..” — an abbreviation's period, then the sentence's own
    if word.casefold() in TITLES or re.fullmatch(r"[A-Z]\.", word):
        return False
    if AMBIGUOUS.match(word):
        next_word = re.match(r"[“\"‘']?(\w+)", rest)
        return bool(next_word) and next_word.group(1).casefold() in OPENERS
    return True
