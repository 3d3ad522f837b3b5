"""Rules for names the gazetteer and the database do not know. Everything they find is created
marked “needs review”: an editor confirms or fixes it rather than trusting a guess.

- a title before a name: “Chairman Kim Min-su”, “Mirae Robotics CEO Park Ji-hoon” (with the
  company, a description and a relation), or “Park Ji-hoon, chief executive of Mirae Robotics”;
- a company suffix: “Hanbit Robotics Inc.”, “Kestrel Capital Partners”;
- a government body: “Ministry of Economy”, “Energy Agency”;
- any other run of two or more capitalised words: “Yokohama Data Park”.
"""

from __future__ import annotations

import re

from entities.models import EntityKind, RelationKind, normalise_name

from .refs import EntityRef, Mention

TITLES = {
    "Senior Presidential Secretary": "",
    "Presidential Secretary": "",
    "Executive Chairman": RelationKind.CHAIRMAN_OF,
    "Vice Chairman": RelationKind.EXECUTIVE_OF,
    "Chairman": RelationKind.CHAIRMAN_OF,
    "Chairwoman": RelationKind.CHAIRMAN_OF,
    "Chair": RelationKind.CHAIRMAN_OF,
    "Chief Executive Officer": RelationKind.CEO_OF,
    "Chief Executive": RelationKind.CEO_OF,
    "CEO": RelationKind.CEO_OF,
    "Chief Technology Officer": RelationKind.EXECUTIVE_OF,
    "CTO": RelationKind.EXECUTIVE_OF,
    "Chief Financial Officer": RelationKind.EXECUTIVE_OF,
    "CFO": RelationKind.EXECUTIVE_OF,
    "Co-founder": RelationKind.EXECUTIVE_OF,
    "Founder": RelationKind.EXECUTIVE_OF,
    "Managing Director": RelationKind.EXECUTIVE_OF,
    "Vice President": RelationKind.EXECUTIVE_OF,
    "President": RelationKind.EXECUTIVE_OF,
    "Head": RelationKind.EXECUTIVE_OF,
    "Deputy Prime Minister": RelationKind.OFFICIAL_OF,
    "Prime Minister": RelationKind.OFFICIAL_OF,
    "Vice Minister": RelationKind.OFFICIAL_OF,
    "Minister": RelationKind.OFFICIAL_OF,
    "Secretary-General": RelationKind.OFFICIAL_OF,
    "Secretary": RelationKind.OFFICIAL_OF,
    "Director-General": RelationKind.OFFICIAL_OF,
    "Director": RelationKind.EXECUTIVE_OF,
    "Governor": RelationKind.OFFICIAL_OF,
    "Mayor": RelationKind.OFFICIAL_OF,
    "Ambassador": RelationKind.OFFICIAL_OF,
    "Commissioner": RelationKind.OFFICIAL_OF,
    "Spokesperson": RelationKind.OFFICIAL_OF,
    "Spokesman": RelationKind.OFFICIAL_OF,
    "Spokeswoman": RelationKind.OFFICIAL_OF,
    "Professor": "",
    "Dr.": "",
    "Mr.": "",
    "Ms.": "",
    "Mrs.": "",
}
ORG_SUFFIXES = (
    "Co., Ltd.|Co. Ltd.|Inc.|Inc|Corp.|Corp|Corporation|Co.|Ltd.|Ltd|LLC|PLC|plc|AG|SA|GmbH|"
    "Group|Holdings|Technologies|Technology|Electronics|Motors|Bank|Capital|Partners|Labs|"
    "Industries|Telecom|Robotics|Semiconductor|Semiconductors|Systems|Ventures|Securities|"
    "Airlines|Energy|Chemical|Pharmaceuticals|Foundation|Institute|University|Association|"
    "Federation|Networks|Cloud|Software|Solutions|Investments"
)
GOVERNMENT_WORDS = "Ministry|Department|Office|Agency|Commission|Bureau|Administration|Council"
SPEECH_AFTER = re.compile(r"\s*(?:,[^,]{1,100},\s*)?(?:said|says|told|added|argued|stressed)\b")
HYPHENATED_GIVEN_NAME = re.compile(r"[A-Z][a-z]+-[a-z]+")
_NAME_WORD = r"[A-Z][a-z]+(?:['’][A-Z][a-z]+)?(?:-[A-Za-z][a-z]+)?"
PERSON_NAME = rf"{_NAME_WORD}(?:\s{_NAME_WORD}){{1,2}}"
_titles = "|".join(re.escape(t) for t in sorted(TITLES, key=len, reverse=True))
TITLED = re.compile(rf"(?<![\w-])(?P<title>{_titles})\s+(?P<name>{PERSON_NAME})(?![\w-])")
APPOSITIVE = re.compile(
    rf"(?P<name>{PERSON_NAME}),\s+(?:the\s+)?(?P<title>{_titles})\s+(?:of|at)\s+", re.IGNORECASE
)
_cap = r"[A-Z][\w&'’.-]*"
COMPANY = re.compile(rf"(?P<name>(?:{_cap}\s){{1,4}}(?:{ORG_SUFFIXES}))(?![\w-])")
GOVERNMENT = re.compile(
    rf"(?P<name>(?:{GOVERNMENT_WORDS})\s(?:of|for)\s(?:the\s)?{_cap}"
    rf"(?:\s(?:(?:and|of|for|&)\s)?{_cap})*|(?:{_cap}\s){{1,3}}(?:Ministry|Agency|Commission))"
)
WORD = re.compile(r"[^\W_](?:[\w’'&.-]*[^\W_])?")
CONNECTORS = frozenset({"of", "and", "for", "&", "de", "van", "von", "der"})
EVENT_WORDS = frozenset({"summit", "forum", "conference", "expo", "week", "festival", "meeting"})
PROJECT_WORDS = frozenset({"project", "initiative", "program", "programme", "plan"})
PLACE_WORDS = frozenset({"city", "province", "county", "island", "valley", "bay", "district"})
GENERIC = frozenset(
    """the a an and or but of in on at for with by from to as into about after before during
    while unlike like according although though because since when where which who whose that
    this these those it its he she they we i you his her their our my your there here also
    however meanwhile moreover furthermore still yet so then thus both each every all some many
    most more few other another such no not only just even new next last first second third
    speakers partnerships leaders officials executives analysts
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    korean american chinese japanese taiwanese european asian british indian german french
    global international national south north east west southeast northeast
    ai ceo ceos cto cfo gpu gpus cpu hbm ict it esg gdp ipo api llm dram nand us
    senior presidential secretary executive chairman chairwoman chair vice chief officer
    president minister prime deputy director governor mayor ambassador commissioner founder
    co-founder head spokesperson spokesman spokeswoman professor dr mr ms mrs""".split()
)


def _title_case(title: str) -> str:
    return title[:1].upper() + title[1:].lower() if not title.isupper() else title


def _covered(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < s_end and s_start < end for s_start, s_end in spans)


def _rule_ref(name: str, kind: str, description: str = "", relation=None) -> EntityRef:
    name = " ".join(name.split())
    return EntityRef(
        key=normalise_name(name),
        name=name,
        kind=kind,
        description=description,
        needs_review=True,
        relation=relation,
    )


def _org_before(text: str, start: int, mentions: list[Mention]) -> Mention | None:
    for mention in mentions:
        gap = text[mention.end : start]
        if gap in {" ", "’s ", "'s "} and mention.ref.kind != EntityKind.PERSON:
            return mention
    return None


def _org_at(position: int, mentions: list[Mention]) -> Mention | None:
    return next((m for m in mentions if m.start == position), None)


def _titled_people(text: str, mentions: list[Mention]) -> list[Mention]:
    found = []
    for match in TITLED.finditer(text):
        name = match.group("name")
        if any(word.casefold() in GENERIC | EVENT_WORDS for word in name.split()):
            continue
        title = match.group("title")
        org = _org_before(text, match.start("title"), mentions)
        relation_kind = TITLES[title]
        if org is not None:
            description = f"{_title_case(title)} of {org.ref.name}"
            relation = (relation_kind, org.ref) if relation_kind else None
        else:
            description, relation = (
                (_title_case(title) if TITLES[title] or " " in title else ""),
                None,
            )
        ref = _rule_ref(name, EntityKind.PERSON, description, relation)
        found.append(Mention(match.start("name"), match.end("name"), ref))
    for match in APPOSITIVE.finditer(text):
        org = _org_at(match.end(), mentions)
        title = " ".join(match.group("title").split())
        relation_kind = TITLES.get(
            next((t for t in TITLES if t.casefold() == title.casefold()), "")
        )
        description = f"{_title_case(title)} of {org.ref.name}" if org else ""
        relation = (relation_kind, org.ref) if org and relation_kind else None
        ref = _rule_ref(match.group("name"), EntityKind.PERSON, description, relation)
        found.append(Mention(match.start("name"), match.end("name"), ref))
    return found


def _strip_generic(words: list[re.Match]) -> list[re.Match]:
    while words and (words[0].group().casefold() in GENERIC | CONNECTORS):
        words = words[1:]
    while words and (
        words[-1].group().casefold().removesuffix("’s").removesuffix("'s") in GENERIC | CONNECTORS
    ):
        words = words[:-1]
    return words


def _pattern_names(pattern: re.Pattern, kind: str, text: str) -> list[Mention]:
    found = []
    for match in pattern.finditer(text):
        words = _strip_generic(list(WORD.finditer(match.group("name"))))
        if len(words) < 2:
            continue
        base = match.start("name")
        start, end = base + words[0].start(), match.end("name")
        found.append(Mention(start, end, _rule_ref(text[start:end], kind)))
    return found


def _run_kind(words: list[str], text_after: str) -> str:
    last = words[-1].casefold()
    if last in EVENT_WORDS:
        return EntityKind.EVENT
    if last in PROJECT_WORDS:
        return EntityKind.PROJECT
    if last in PLACE_WORDS:
        return EntityKind.PLACE
    person_shaped = len(words) <= 3 and all(w[:1].isupper() for w in words)
    if person_shaped and (
        any(HYPHENATED_GIVEN_NAME.fullmatch(w) for w in words) or SPEECH_AFTER.match(text_after)
    ):
        return EntityKind.PERSON
    return EntityKind.ORGANIZATION


def _runs(text: str, spans: list[tuple[int, int]]) -> list[list[re.Match]]:
    """Runs of capitalised words (with “of”, “and”… inside) joined by single spaces."""
    runs: list[list[re.Match]] = []
    current: list[re.Match] = []
    for word in WORD.finditer(text):
        raw = word.group()
        covered = _covered(word.start(), word.end(), spans)
        if covered or (current and text[current[-1].end() : word.start()] != " "):
            runs.append(current)
            current = []
        if covered:
            continue
        if raw[:1].isupper() or (current and raw in CONNECTORS):
            current.append(word)
        else:
            runs.append(current)
            current = []
    runs.append(current)
    return runs


def _capitalised_runs(text: str, spans: list[tuple[int, int]]) -> list[Mention]:
    found = []
    for run in _runs(text, spans):
        words = _strip_generic(run)
        if len(words) < 2 or all(w.group().isupper() for w in words):
            continue
        start, end = words[0].start(), words[-1].end()
        if start > 0 and text[start - 1] in "“‘\"'":
            continue  # a quoted term (“Third Pole”), not a name
        name = text[start:end].removesuffix("’s").removesuffix("'s")
        kind = _run_kind([w.group() for w in words], text[end:])
        found.append(Mention(start, start + len(name), _rule_ref(name, kind)))
    return found


def rule_mentions(text: str, known: list[Mention]) -> list[Mention]:
    """Names in ``text`` that no known mention covers, found by the rules above in turn."""
    spans = [(m.start, m.end) for m in known]
    found: list[Mention] = []

    def keep(candidates: list[Mention]) -> None:
        for mention in candidates:
            if not _covered(mention.start, mention.end, spans):
                found.append(mention)
                spans.append((mention.start, mention.end))

    keep(_pattern_names(COMPANY, EntityKind.ORGANIZATION, text))
    keep(_pattern_names(GOVERNMENT, EntityKind.GOVERNMENT_BODY, text))
    keep(_titled_people(text, known + found))
    keep(_capitalised_runs(text, spans))
    return found
