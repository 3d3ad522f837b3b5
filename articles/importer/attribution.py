"""Who said it: “According to SK Group Chairman Chey Tae-won, …”, “… Ha Jung-woo stressed that
…”, “He emphasized that …” (the last person the paragraph named), “…,” said Chey.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from entities.models import EntityKind

from .entities import EntityRef, Mention, is_speaker_kind

VERBS = (
    r"said|says|stressed|stresses|argued|argues|emphasi[sz]ed|emphasi[sz]es|noted|notes|added|"
    r"adds|told|tells|warned|warns|stated|states|explained|explains|insisted|insists|claimed|"
    r"claims|pledged|pledges|promised|promises|announced|announces|predicted|predicts|urged|"
    r"urges|highlighted|highlights|underscored|underscores|acknowledged|acknowledges|observed|"
    r"remarked|declared|asserted|maintained|vowed|vows|estimated|estimates|believes|"
    r"pointed out|called for|cautioned|confirmed|projected|forecast|wrote|writes"
)
ACCORDING = re.compile(r"^\W*According to\s+(?P<who>[^,]+?),\s", re.IGNORECASE)
PRONOUN = re.compile(rf"^\W*(?:He|She)\s+(?:also\s+|has\s+|had\s+)?(?:{VERBS})\b")
AFTER_NAME = re.compile(
    rf"\s*(?:,[^,]{{1,120}},\s*)?(?:also\s+|has\s+|had\s+|later\s+)?(?:{VERBS})\b"
)
BEFORE_NAME = re.compile(r"\b(?:said|says|added|adds|noted|wrote)\s+$")
# Words that may stand before the speaker's name in an opening attribution: titles, the company.
LOWERCASE_WORD = re.compile(r"(?<![\w’'])(?!(?:of|and|the|for|at)\b)[a-z][\w-]*")


@dataclass(frozen=True)
class Attribution:
    speaker: EntityRef
    span: tuple[int, int]  # the attribution itself, whose names are not the claim's subjects


def _speaker_of(mentions: list[Mention]) -> Mention | None:
    people = [m for m in mentions if m.ref.kind == EntityKind.PERSON]
    others = [m for m in mentions if is_speaker_kind(m.ref)]
    return (people or others or [None])[-1]


def attribute(text: str, mentions: list[Mention], *, last_person: EntityRef | None):
    """The speaker of ``text`` and the span naming them, or None for an unattributed sentence."""
    according = ACCORDING.match(text)
    if according:
        inside = [m for m in mentions if according.start("who") <= m.start < according.end("who")]
        speaker = _speaker_of(inside)
        if speaker is not None:
            return Attribution(speaker.ref, (0, according.end()))
    pronoun = PRONOUN.match(text)
    if pronoun and last_person is not None:
        return Attribution(last_person, (0, pronoun.end()))
    ordered = sorted(
        (m for m in mentions if is_speaker_kind(m.ref)),
        key=lambda m: m.ref.kind != EntityKind.PERSON,
    )
    for mention in ordered:
        after = AFTER_NAME.match(text, mention.end)
        if after:
            opening = not LOWERCASE_WORD.search(text[: mention.start])
            return Attribution(mention.ref, (0 if opening else mention.start, after.end()))
        before = BEFORE_NAME.search(text, 0, mention.start)
        if before:
            return Attribution(mention.ref, (before.start(), mention.end))
    return None
