"""Recognise entities in report text.

Names come first from the curated gazetteer (``entities/data/gazetteer.json``), then from entities
already on file, then from rules (``entity_rules``) for names in neither; those are marked
“needs review”. Matching ignores case and punctuation like ``normalise_name`` does, except that
acronyms (AWS, U.S.) must match exactly and other names must start with a capital.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from entities.gazetteer import Gazetteer
from entities.models import EntityKind, normalise_name

from .entity_rules import GENERIC, rule_mentions
from .refs import EntityRef, Mention

__all__ = ["EntityRef", "Mention", "Recogniser", "is_speaker_kind", "name_keys_in"]

TOKEN = re.compile(r"[^\W_]+")
# A name may span spaces, hyphens, dots, apostrophes and brackets, not clause punctuation.
BAD_GAP = re.compile(r"[,;:!?\n]|\.\s+\S")
MAX_TOKENS = 8


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    raw: str
    folded: str


def tokens_of(text: str) -> list[_Token]:
    found = []
    for match in TOKEN.finditer(text):
        for part in normalise_name(match.group()).split() or [""]:
            found.append(_Token(match.start(), match.end(), match.group(), part))
    return found


def name_keys_in(texts: Iterable[str]) -> set[str]:
    """The ``normalise_name`` form of every run of up to MAX_TOKENS tokens in ``texts``: the
    keys of every name on file that the recogniser could find there."""
    keys: set[str] = set()
    for text in texts:
        tokens = tokens_of(text)
        for start in range(len(tokens)):
            key = ""
            for token in tokens[start : start + MAX_TOKENS]:
                key = f"{key} {token.folded}" if key else token.folded
                keys.add(key)
                span = text[tokens[start].start : token.end]
                if not span.isascii():  # folded whole, NFKC may join what tokens split
                    keys.add(normalise_name(span))
    return keys


def _is_acronym(name: str) -> bool:
    letters = [ch for ch in name if ch.isalpha()]
    return 0 < len(letters) <= 6 and all(ch.isupper() for ch in letters)


def _case_ok(alias: str, raw_tokens: list[str]) -> bool:
    alias_tokens = [t.group() for t in TOKEN.finditer(alias)]
    if _is_acronym(alias) or alias[:1].islower():
        return alias_tokens == raw_tokens
    return not raw_tokens[0][:1].islower()


class Recogniser:
    """Finds known names in text; ``rules`` adds names found by rule (see ``entity_rules``)."""

    def __init__(self, gazetteer: Gazetteer, known: Iterable[tuple[str, EntityRef]] = ()):
        self.index: dict[tuple[str, ...], tuple[str, EntityRef]] = {}
        for entry in gazetteer.entries:
            ref = EntityRef(
                key=entry.key,
                name=entry.name,
                kind=entry.kind,
                description=entry.description,
                wikidata_id=entry.wikidata_id,
                aliases=entry.aliases,
            )
            for name in entry.names:
                self.add(name, ref)
        for name, ref in known:
            self.add(name, ref)

    def add(self, name: str, ref: EntityRef) -> None:
        """Know ``name`` as ``ref`` unless the name already means something."""
        key = tuple(token.folded for token in tokens_of(name))
        if key and len(key) <= MAX_TOKENS:
            self.index.setdefault(key, (name, ref))

    def add_short_names(self, people: Iterable[EntityRef]) -> None:
        """Within one report, “Chey” means the Chey Tae-won it named in full."""
        candidates: dict[str, list[EntityRef]] = {}
        for ref in people:
            parts = ref.name.split()
            if len(parts) < 2:
                continue
            # Korean names put the family name first (“Chey Tae-won”); most others last.
            family = parts[0] if re.fullmatch(r"[A-Z][a-z]+-[a-z]+", parts[-1]) else parts[-1]
            candidates.setdefault(family, []).append(ref)
        for short, refs in candidates.items():
            if len({ref.key for ref in refs}) == 1:
                self.add(short, refs[0])

    def mentions(self, text: str, *, in_heading: bool = False) -> list[Mention]:
        """Known names in ``text``, then (outside headings) names found by rule."""
        known = self.known_mentions(text, in_heading=in_heading)
        if in_heading:
            return known
        return sorted(known + rule_mentions(text, known), key=lambda mention: mention.start)

    def known_mentions(self, text: str, *, in_heading: bool = False) -> list[Mention]:
        tokens = tokens_of(text)
        found: list[Mention] = []
        index = 0
        while index < len(tokens):
            hit = self._match_at(text, tokens, index, in_heading)
            if hit is None:
                index += 1
                continue
            length, ref = hit
            found.append(Mention(tokens[index].start, tokens[index + length - 1].end, ref))
            index += length
        return found

    def _match_at(
        self, text: str, tokens: list[_Token], index: int, in_heading: bool
    ) -> tuple[int, EntityRef] | None:
        for length in range(min(MAX_TOKENS, len(tokens) - index), 0, -1):
            window = tokens[index : index + length]
            entry = self.index.get(tuple(token.folded for token in window))
            if entry is None:
                continue
            alias, ref = entry
            span = text[window[0].start : window[-1].end]
            if BAD_GAP.search(span) and not BAD_GAP.search(alias):
                continue
            if not _case_ok(alias, _raw_tokens(window)):
                continue
            if length == 1 and not in_heading and _starts_longer_name(text, tokens, index):
                return None
            return length, ref
        return None


def _raw_tokens(window: list[_Token]) -> list[str]:
    return [raw for _, raw in dict.fromkeys((token.start, token.raw) for token in window)]


def _starts_longer_name(text: str, tokens: list[_Token], index: int) -> bool:
    """“Korea Herald”, “SK Innovation”: a one-word name glued to more capitals is another name."""
    if index + 1 >= len(tokens):
        return False
    current, following = tokens[index], tokens[index + 1]
    return (
        text[current.end : following.start] == " "
        and following.raw[:1].isupper()
        and following.raw.casefold() not in GENERIC
    )


def is_speaker_kind(ref: EntityRef) -> bool:
    return ref.kind in {EntityKind.PERSON, EntityKind.ORGANIZATION, EntityKind.GOVERNMENT_BODY}
