"""Field values for one bench row at a time, drawn from a seeded ``random.Random``."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils.text import slugify

from articles.models import ClaimKind, DatePrecision, PledgeStatus, VerificationStatus
from articles.models import normalise_claim_text as claim_key
from entities.models import EntityKind, RelationKind, normalise_name

from . import vocabulary as v

BUSY_ENTITY_SLUG = "pacific-compute-group"
BUSY_ENTITY_NAME = "Pacific Compute Group"
SEARCH_TERM = v.SEARCH_TERM

ENTITY_KINDS = [
    (EntityKind.PERSON, 40),
    (EntityKind.ORGANIZATION, 30),
    (EntityKind.GOVERNMENT_BODY, 8),
    (EntityKind.PLACE, 7),
    (EntityKind.EVENT, 5),
    (EntityKind.PROJECT, 6),
    (EntityKind.PRODUCT, 4),
]
CLAIM_KINDS = [
    (ClaimKind.FIGURE, 30),
    (ClaimKind.FACT, 25),
    (ClaimKind.STATEMENT, 20),
    (ClaimKind.PLEDGE, 15),
    (ClaimKind.OPINION, 10),
]
STATUSES = [
    (VerificationStatus.VERIFIED, 40),
    (VerificationStatus.UNVERIFIED, 35),
    (VerificationStatus.DISPUTED, 12),
    (VerificationStatus.FALSE, 8),
    (VerificationStatus.RETRACTED, 5),
]
PLEDGE_STATUSES = [
    (PledgeStatus.PENDING, 60),
    (PledgeStatus.MET, 15),
    (PledgeStatus.MISSED, 15),
    (PledgeStatus.REVISED, 10),
]
ANCHOR_DAY = dt.date(2025, 11, 1)


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([value for value, _ in weighted], [w for _, w in weighted])[0]


def _fill(rng: random.Random, template: str, **known: str) -> str:
    words = {
        "topic": rng.choice(v.TOPICS),
        "city": rng.choice(v.CITIES),
        "country": rng.choice(v.COUNTRIES),
        "org": "the host",
    }
    words.update(known)
    return template.format(**words)


def _sentence(words: str) -> str:
    return words[0].upper() + words[1:]


def source(rng: random.Random, index: int) -> dict:
    publisher, domain = rng.choice(v.PUBLISHERS)
    title = _sentence(_fill(rng, rng.choice(v.HEADLINES), org=rng.choice(v.ORG_PREFIXES)))
    published = ANCHOR_DAY - dt.timedelta(days=rng.randrange(1, 400))
    url = (
        f"https://{domain}/{rng.choice(v.SOURCE_SECTIONS)}/{published:%Y/%m}/"
        f"{slugify(title)[:60].strip('-')}-{index + 1}"
    )
    archived = rng.random() < 0.2
    return {
        "url": url,
        "title": title,
        "publisher": publisher,
        "published_on": published,
        "accessed_on": published + dt.timedelta(days=rng.randrange(0, 30)),
        "language": "ko" if rng.random() < 0.1 else "en",
        "archived_url": f"https://web.archive.org/web/{published:%Y%m%d}/{url}" if archived else "",
    }


def _entity_name(rng: random.Random, kind: str) -> tuple[str, str]:
    if kind == EntityKind.PERSON:
        name = f"{rng.choice(v.FIRST_NAMES)} {rng.choice(v.LAST_NAMES)}"
        return name, rng.choice(["Chief executive", "Chairman", "Minister", "Founder", "Analyst"])
    if kind == EntityKind.ORGANIZATION:
        sector = rng.choice(v.ORG_SECTORS)
        name = f"{rng.choice(v.ORG_PREFIXES)} {sector} {rng.choice(v.ORG_SUFFIXES)}"
        return name, f"{sector} company"
    if kind == EntityKind.GOVERNMENT_BODY:
        country = rng.choice(v.COUNTRIES)
        return f"{country} {rng.choice(v.GOVERNMENT_BODIES)}", f"Government body of {country}"
    if kind == EntityKind.PLACE:
        return rng.choice(v.CITIES), "City"
    if kind == EntityKind.EVENT:
        year = rng.randint(2018, 2025)
        return f"{rng.choice(v.COUNTRIES)} {rng.choice(v.EVENT_KINDS)} {year}", "Summit"
    if kind == EntityKind.PROJECT:
        return f"Project {rng.choice(v.CODENAMES)} {rng.choice(v.TOPICS)}", "Initiative"
    return f"{rng.choice(v.ORG_PREFIXES)} {rng.choice(v.PRODUCTS)}", "Product"


def entity(rng: random.Random, index: int) -> dict:
    if index == 0:
        kind, name, description = EntityKind.ORGANIZATION, BUSY_ENTITY_NAME, "AI infrastructure"
        slug = BUSY_ENTITY_SLUG
    else:
        # The second and third entities are an event and a person, so every scale has both.
        fixed = {1: EntityKind.EVENT, 2: EntityKind.PERSON}
        kind = fixed.get(index) or _pick(rng, ENTITY_KINDS)
        name, description = _entity_name(rng, kind)
        slug = f"{slugify(name)[:150]}-{index}"
    return {
        "name": name,
        "name_key": normalise_name(name),
        "slug": slug,
        "kind": kind,
        "description": description,
        "wikidata_id": f"Q{900_000_000 + index}" if rng.random() < 0.3 else "",
        "needs_review": rng.random() < 0.1,
    }


def aliases(rng: random.Random, entity: dict) -> list[tuple[str, str]]:
    """Zero to two other names, each distinct (once normalised) from the name and each other."""
    words = entity["name"].split()
    candidates = []
    if len(words) > 1:
        candidates.append("".join(w[0] for w in words if w[0].isalpha()).upper())
        person = entity["kind"] == EntityKind.PERSON
        candidates.append(words[-1] if person else " ".join(words[:2]))
    candidates.append(f"{entity['name']} ({rng.choice(v.COUNTRIES)})")
    seen = {entity["name_key"]}
    chosen = []
    for name in rng.sample(candidates, rng.randint(0, min(2, len(candidates)))):
        key = normalise_name(name)
        if key and key not in seen:
            seen.add(key)
            chosen.append((name, key))
    return chosen


def relation_kind(rng: random.Random, subject: dict, other: dict) -> str:
    if subject["kind"] == EntityKind.PERSON:
        return rng.choice(
            [RelationKind.CHAIRMAN_OF, RelationKind.CEO_OF, RelationKind.EXECUTIVE_OF]
        )
    if subject["kind"] == EntityKind.PLACE:
        return RelationKind.LOCATED_IN
    if other["kind"] == EntityKind.EVENT:
        return RelationKind.ORGANISER_OF
    return rng.choice(
        [RelationKind.PARTNER_OF, RelationKind.SUBSIDIARY_OF, RelationKind.INVESTOR_IN]
    )


@dataclass
class Cast:
    """The entities claims are drawn about: speakers, organisations and the busy entity."""

    busy: tuple[int, str]
    people: list[tuple[int, str]]
    organisations: list[tuple[int, str]]
    others: list[int]

    @classmethod
    def from_entities(cls, entities: list[dict]) -> Cast:
        busy = next(e for e in entities if e["slug"] == BUSY_ENTITY_SLUG)
        busy_id = busy["id"]
        organisational = {EntityKind.ORGANIZATION, EntityKind.GOVERNMENT_BODY}
        return cls(
            busy=(busy_id, busy["name"]),
            people=[(e["id"], e["name"]) for e in entities if e["kind"] == EntityKind.PERSON],
            organisations=[
                (e["id"], e["name"])
                for e in entities
                if e["kind"] in organisational and e["id"] != busy_id
            ]
            or [(busy_id, busy["name"])],
            others=[e["id"] for e in entities if e["id"] != busy_id] or [busy_id],
        )


def claim(rng: random.Random, cast: Cast, *, busy: bool) -> tuple[dict, list[int]]:
    """One claim's field values and the entities it is about."""
    kind = _pick(rng, CLAIM_KINDS)
    org_pk, org = cast.busy if busy else rng.choice(cast.organisations)
    person = rng.choice(cast.people) if cast.people else None
    values = {
        "kind": kind,
        "speaker_id": None,
        "amount": None,
        "unit": "",
        "equivalent_amount": None,
        "equivalent_unit": "",
        "figure_date": None,
        "figure_date_precision": "",
        "pledge_status": "",
    }
    if kind == ClaimKind.FIGURE or (kind == ClaimKind.PLEDGE and rng.random() < 0.6):
        wording, amount, unit, equivalent, equivalent_unit = rng.choice(v.FIGURES)
        values.update(
            amount=amount, unit=unit, equivalent_amount=equivalent, equivalent_unit=equivalent_unit
        )
    if kind == ClaimKind.FIGURE:
        purpose = _fill(rng, rng.choice(v.PURPOSES))
        words = f"{org} {rng.choice(v.VERBS)} {wording} {purpose}"
    elif kind == ClaimKind.PLEDGE:
        year = rng.randint(2026, 2032)
        what = wording if values["amount"] is not None else "to double its output"
        words = f"{org} pledged {what} for {rng.choice(v.TOPICS)} by {year}"
        values.update(
            figure_date=dt.date(year, 12, 31),
            figure_date_precision=DatePrecision.YEAR,
            pledge_status=_pick(rng, PLEDGE_STATUSES),
            speaker_id=person[0] if person and rng.random() < 0.5 else None,
        )
    elif kind == ClaimKind.STATEMENT and person:
        words = f"{person[1]} said {_fill(rng, rng.choice(v.STATEMENTS))}"
        values["speaker_id"] = person[0]
    elif kind == ClaimKind.OPINION and person:
        words = f"{person[1]} argued that {_fill(rng, rng.choice(v.OPINIONS))}"
        values["speaker_id"] = person[0]
    else:
        words = _fill(rng, rng.choice(v.FACTS))
    values["text"] = _sentence(words) + "."
    values["text_key"] = claim_key(values["text"])
    values.update(_verdict(rng))
    subjects = {org_pk}
    if rng.random() < 0.5:
        subjects.add(rng.choice(cast.others))
    return values, sorted(subjects)


def _verdict(rng: random.Random) -> dict:
    status = _pick(rng, STATUSES)
    if status == VerificationStatus.UNVERIFIED:
        return {"status": status, "status_note": "", "status_changed_at": None}
    checked = dt.datetime.combine(ANCHOR_DAY, dt.time(12), tzinfo=dt.UTC)
    return {
        "status": status,
        "status_note": "" if status == VerificationStatus.VERIFIED else "Checked against filings.",
        "status_changed_at": checked - dt.timedelta(hours=rng.randrange(1, 8000)),
    }


def article(
    rng: random.Random, index: int, stated: list[tuple[str, int]], citation_count: int
) -> tuple[dict, list[tuple[str, str]]]:
    """An article's fields and, per stated claim in order, its (section, passage).

    ``stated`` holds (claim wording, citation number) pairs; each claim becomes one sentence of
    the Markdown body ending in its ``[n]`` marker, and every citation is cited at least once.
    """
    title = _sentence(_fill(rng, rng.choice(v.HEADLINES), org=rng.choice(v.ORG_PREFIXES)))
    headings = rng.sample(v.SECTION_HEADINGS, min(len(v.SECTION_HEADINGS), 1 + len(stated) // 5))
    blocks = [_fill(rng, rng.choice(v.FILLER))]
    placed: list[tuple[str, str]] = []
    per_section = max(1, -(-len(stated) // len(headings)))
    for s, heading in enumerate(headings):
        blocks.append(f"## {heading}")
        chunk = stated[s * per_section : (s + 1) * per_section]
        for p in range(0, len(chunk), 3):
            sentences = []
            for wording, number in chunk[p : p + 3]:
                passage = f"{wording}[{number}]"
                placed.append((heading, passage))
                sentences.append(passage)
            sentences.insert(rng.randrange(len(sentences) + 1), _fill(rng, rng.choice(v.FILLER)))
            prefix = "- " if rng.random() < 0.15 else ""
            blocks.append(prefix + " ".join(sentences))
    cited = {number for _, number in stated}
    closing = [
        _fill(rng, rng.choice(v.FILLER))[:-1] + f".[{n}]"
        for n in range(1, citation_count + 1)
        if n not in cited
    ]
    if closing:
        blocks.append(" ".join(closing))
    return {
        "title": title,
        "slug": f"{slugify(title)[:80].strip('-')}-{index + 1}",
        "standfirst": _fill(rng, rng.choice(v.FILLER)),
        "body": "\n\n".join(blocks) + "\n",
        "byline": rng.choice(["Staff reporter", "Summit desk", "Markets team", "Asia editor"]),
    }, placed
