"""From a parsed report to claim drafts: what each claim says, where, backed by which markers,
who said it, what it is about, and its figure.

Every bullet item is a claim, and so is every sentence of a paragraph that a citation marker
covers: a marker covers its own sentence and the unmarked sentences before it, back to the
previous marker (“… positioned as a testbed … . Chey argued that … .[1]”). An unmarked bullet
takes the markers of the next marked item of its list, else of the previous one, else of the
paragraph introducing the list.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from articles.figures import Figure, parse_figures
from articles.models import ClaimKind
from entities.models import EntityKind

from .attribution import attribute
from .entities import EntityRef, Mention, Recogniser
from .parse import Block, Report
from .sentences import MARKER, Sentence, split_sentences

OPINION = re.compile(
    r"\b(?:suggests?|suggested|poised|likely|unlikely|arguably|seems?|appears? to|should|could|"
    r"might|credible|in our view|we believe)\b",
    re.IGNORECASE,
)


WORDING = re.compile(r"[^\W_]")
# The largest amount a claim can store (30 digits, 4 of them decimals).
AMOUNT_LIMIT = Decimal(10) ** 26


def _storable(figure: Figure) -> bool:
    amounts = (figure.amount, figure.equivalent_amount or Decimal(0))
    return all(abs(amount) < AMOUNT_LIMIT for amount in amounts)


@dataclass
class ClaimDraft:
    text: str
    passage: str
    section: str
    line: int
    markers: tuple[int, ...]
    kind: str
    speaker: EntityRef | None
    subjects: tuple[EntityRef, ...]
    figure: Figure | None
    figure_date: dt.date | None = None


@dataclass
class Analysis:
    claims: list[ClaimDraft] = field(default_factory=list)
    mentioned: list[EntityRef] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def claim_text(passage: str) -> str:
    """The passage as a claim: markers removed, spacing tidied."""
    text = MARKER.sub("", passage)
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    return " ".join(text.split())


def analyse(report: Report, recogniser: Recogniser, *, reference_year: int) -> Analysis:
    """Claim drafts and mentioned entities of ``report``, in order."""
    first_pass = [_block_mentions(recogniser, block) for block in report.blocks]
    people = [m.ref for ms in first_pass for m in ms if m.ref.kind == EntityKind.PERSON]
    recogniser.add_short_names(people)
    mentions = [_block_mentions(recogniser, block) for block in report.blocks]
    analysis = Analysis()
    analysis.mentioned = list({m.ref.key: m.ref for ms in mentions for m in ms}.values())
    list_markers = _list_markers(report.blocks)
    for index, block in enumerate(report.blocks):
        if block.kind == "heading":
            continue
        units = _units(block, list_markers.get(index, ()))
        last_person = None
        for sentence, markers in units:
            inside = [
                Mention(m.start - sentence.start, m.end - sentence.start, m.ref)
                for m in mentions[index]
                if sentence.start <= m.start < sentence.end
            ]
            if markers is None or not WORDING.search(claim_text(sentence.text)):
                last_person = _last_person(inside, last_person)
                continue  # uncited (not a claim, but it may name people), or markers only
            draft = _draft(block, sentence, markers, inside, last_person, reference_year)
            last_person = draft.speaker or _last_person(inside, last_person)
            if not markers:
                analysis.warnings.append(
                    f"line {draft.line}: “{_short(draft.text)}” cites no source, so its claim "
                    "has none"
                )
            analysis.claims.append(draft)
    return analysis


def _block_mentions(recogniser: Recogniser, block: Block) -> list[Mention]:
    return recogniser.mentions(block.text, in_heading=block.kind == "heading")


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:59] + "…"


def _last_person(mentions: list[Mention], current: EntityRef | None) -> EntityRef | None:
    people = [m.ref for m in mentions if m.ref.kind == EntityKind.PERSON]
    return people[-1] if people else current


def _units(block: Block, list_markers: tuple[int, ...]):
    """(sentence, markers) pairs; markers None for sentences no marker covers."""
    if block.kind == "bullet":
        whole = Sentence(0, len(block.text), block.text)
        return [(whole, whole.markers or list_markers)]
    units: list[tuple[Sentence, tuple[int, ...] | None]] = []
    pending: list[Sentence] = []
    for sentence in split_sentences(block.text):
        pending.append(sentence)
        if sentence.markers:
            units.extend((p, sentence.markers) for p in pending)
            pending = []
    units.extend((p, None) for p in pending)
    units.sort(key=lambda unit: unit[0].start)
    return units


def _list_markers(blocks: list[Block]) -> dict[int, tuple[int, ...]]:
    """For each unmarked bullet, the markers it inherits from its list or the list's intro."""
    inherited: dict[int, tuple[int, ...]] = {}
    lists: dict[int, list[int]] = {}
    for index, block in enumerate(blocks):
        if block.kind == "bullet" and block.list_index is not None:
            lists.setdefault(block.list_index, []).append(index)
    for items in lists.values():
        marked = [(i, Sentence(0, 0, blocks[i].text).markers) for i in items]
        intro = blocks[items[0] - 1] if items[0] > 0 else None
        intro_markers = (
            split_sentences(intro.text)[-1].markers
            if intro is not None and intro.kind == "paragraph"
            else ()
        )
        for position, (index, markers) in enumerate(marked):
            if markers:
                continue
            later = [m for _, m in marked[position + 1 :] if m]
            earlier = [m for _, m in marked[:position] if m]
            inherited[index] = (later[:1] or earlier[-1:] or [intro_markers])[0]
    return inherited


def _draft(
    block: Block,
    sentence: Sentence,
    markers: tuple[int, ...],
    mentions: list[Mention],
    last_person: EntityRef | None,
    reference_year: int,
) -> ClaimDraft:
    passage = sentence.text
    text = claim_text(passage)
    attribution = attribute(passage, mentions, last_person=last_person)
    speaker = attribution.speaker if attribution else None
    start, end = attribution.span if attribution else (0, 0)
    subjects = {
        m.ref.key: m.ref
        for m in mentions
        if not (start <= m.start < end) and (speaker is None or m.ref.key != speaker.key)
    }
    figures = [figure for figure in parse_figures(text) if _storable(figure)]
    figure = figures[0] if figures else None
    kind, figure_date = _kind(text, figure, speaker, reference_year)
    return ClaimDraft(
        text=text,
        passage=passage,
        section=block.section,
        line=block.line_at(sentence.start),
        markers=markers,
        kind=kind,
        speaker=speaker,
        subjects=tuple(subjects.values()),
        figure=figure,
        figure_date=figure_date,
    )


def _kind(text: str, figure: Figure | None, speaker, reference_year: int):
    """Pledge (a figure with a target still ahead), statement, figure, opinion or fact."""
    year = figure.target_year if figure else None
    if year is not None:
        ahead = year > reference_year or (year == reference_year and figure.target_word != "in")
        if ahead:
            return ClaimKind.PLEDGE, dt.date(year, 1, 1)
    figure_date = dt.date(year, 1, 1) if year is not None else None
    if speaker is not None:
        return ClaimKind.STATEMENT, figure_date
    if figure is not None:
        return ClaimKind.FIGURE, figure_date
    if OPINION.search(text):
        return ClaimKind.OPINION, None
    return ClaimKind.FACT, None
