"""Parse figures in prose into structured values.

“$5 billion” → 5000000000 USD; “10.1 trillion won ($7 billion)” → 10100000000000 KRW with a stated
equivalent of 7000000000 USD; “35,000 GPUs by 2027” → 35000 GPU with target year 2027 (a pledge);
also €, ¥, £, ₩, currency words and ISO codes, million/billion/trillion, MW/GW and counts with a
unit noun.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
SCALE = r"thousand|million|billion|trillion|bn|mn|m|k"
SCALES = {
    "thousand": Decimal("1e3"),
    "k": Decimal("1e3"),
    "million": Decimal("1e6"),
    "mn": Decimal("1e6"),
    "m": Decimal("1e6"),
    "billion": Decimal("1e9"),
    "bn": Decimal("1e9"),
    "trillion": Decimal("1e12"),
}
SYMBOLS = {"us$": "USD", "$": "USD", "€": "EUR", "¥": "JPY", "£": "GBP", "₩": "KRW"}
CURRENCY_WORDS = {
    "dollars": "USD",
    "dollar": "USD",
    "won": "KRW",
    "euros": "EUR",
    "euro": "EUR",
    "yen": "JPY",
    "pounds": "GBP",
    "pound": "GBP",
    "yuan": "CNY",
    "renminbi": "CNY",
}
ISO_CODES = ("USD", "KRW", "EUR", "JPY", "GBP", "CNY", "TWD", "SGD", "AUD", "CAD", "HKD", "INR")
PHYSICAL_UNITS = {
    "mw": "MW",
    "gw": "GW",
    "kw": "kW",
    "mwh": "MWh",
    "gwh": "GWh",
    "twh": "TWh",
    "megawatts": "MW",
    "megawatt": "MW",
    "gigawatts": "GW",
    "gigawatt": "GW",
    "kilowatts": "kW",
    "kilowatt": "kW",
    "megawatt-hours": "MWh",
    "gigawatt-hours": "GWh",
    "terawatt-hours": "TWh",
}
COUNT_NOUNS = {
    "gpus": "GPU",
    "gpu": "GPU",
    "chips": "chip",
    "jobs": "job",
    "data centers": "data center",
    "data centres": "data center",
    "engineers": "engineer",
    "servers": "server",
    "employees": "employee",
    "workers": "worker",
    "companies": "company",
    "startups": "startup",
    "wafers": "wafer",
    "researchers": "researcher",
    "students": "student",
    "units": "unit",
    "vehicles": "vehicle",
    "robots": "robot",
    "homes": "home",
    "delegates": "delegate",
    "participants": "participant",
    "countries": "country",
    "economies": "economy",
    "people": "person",
    "users": "user",
    "customers": "customer",
    "members": "member",
    "visitors": "visitor",
    "attendees": "attendee",
    "ceos": "CEO",
    "leaders": "leader",
    "factories": "factory",
    "plants": "plant",
    "fabs": "fab",
    "sites": "site",
    "campuses": "campus",
    "projects": "project",
    "agreements": "agreement",
    "deals": "deal",
    "partnerships": "partnership",
    "patents": "patent",
    "models": "model",
    "accelerators": "accelerator",
}
# A one-word modifier between a count and its noun: “35,000 more GPUs”, “5,000 H100 GPUs”.
COUNT_MODIFIERS = r"more|new|additional|advanced|high-end|member|AI|[A-Z][\w-]*|\w*\d\w*"
# Words before a bare year that make it a date, not a count: “in 2025 GPUs were scarce”.
DATE_WORDS = frozenset({"in", "by", "since", "until", "from", "before", "after", "during", "of"})

_symbol = "|".join(re.escape(s) for s in sorted(SYMBOLS, key=len, reverse=True))
_words = "|".join(sorted(CURRENCY_WORDS, key=len, reverse=True))
_codes = "|".join(ISO_CODES)
_physical = "|".join(sorted(PHYSICAL_UNITS, key=len, reverse=True))
_nouns = "|".join(re.escape(n) for n in sorted(COUNT_NOUNS, key=len, reverse=True))

MONEY_BEFORE = re.compile(
    rf"(?<![A-Za-z])(?P<cur>(?:{_symbol})\s?|(?:{_codes})\s?)(?P<num>{NUMBER})"
    rf"(?:[\s-]?(?P<scale>{SCALE})\b)?",
    re.IGNORECASE,
)
MONEY_AFTER = re.compile(
    rf"(?<![\w.,])(?P<num>{NUMBER})(?:[\s-]?(?P<scale>{SCALE}))?\s(?P<cur>{_words}|{_codes})\b",
    re.IGNORECASE,
)
PHYSICAL = re.compile(
    rf"(?<![\w.,])(?P<num>{NUMBER})(?:\s?(?P<scale>thousand|million|billion))?[\s-]?"
    rf"(?P<unit>{_physical})(?![\w-])",
    re.IGNORECASE,
)
COUNT = re.compile(
    rf"(?<![\w.,$€¥£₩])(?P<num>{NUMBER})(?:\s(?P<scale>thousand|million|billion))?\s"
    rf"(?:(?-i:{COUNT_MODIFIERS})\s)?(?P<noun>{_nouns})\b",
    re.IGNORECASE,
)
EQUIVALENT = re.compile(r"\s*\(\s*(?:about\s|around\s|roughly\s|approximately\s|~)?", re.I)
TARGET = re.compile(
    r"\b(?P<word>by|until|before|in)\s(?:the\s(?:end|close)\sof\s)?(?P<year>20\d\d)\b"
)
TARGET_WINDOW = 60


@dataclass(frozen=True)
class Figure:
    """A figure found in text, with its place in the text."""

    amount: Decimal
    unit: str
    start: int
    end: int
    text: str
    equivalent_amount: Decimal | None = None
    equivalent_unit: str = ""
    target_year: int | None = None
    target_word: str = ""  # “by”, “until”, “before” or “in”: how the year was introduced

    @property
    def is_pledge(self) -> bool:
        return self.target_year is not None


def _amount(number: str, scale: str | None) -> Decimal:
    try:
        value = Decimal(number.replace(",", ""))
    except InvalidOperation as error:  # the regex admits only digits, commas and a dot
        raise ValueError(f"not a number: {number!r}") from error
    if scale:
        value *= SCALES[scale.lower()]
    return Decimal(int(value)) if value == value.to_integral_value() else value.normalize()


def _money_unit(match: re.Match) -> str:
    cur = match.group("cur").strip().lower()
    return SYMBOLS.get(cur) or CURRENCY_WORDS.get(cur) or cur.upper()


def _scale_ok(match: re.Match) -> bool:
    """A lone “m” or “k” counts as a scale only when glued to the number ($5m, $20k)."""
    scale = match.group("scale")
    if scale and scale.lower() in {"m", "k"}:
        return match.group(0).rstrip()[-2].isdigit()
    return True


def _is_a_year(text: str, match: re.Match) -> bool:
    """“in 2025 GPUs were scarce”: a bare year after a date word is not a count."""
    number = match.group("num")
    if match.group("scale") or not re.fullmatch(r"(?:19|20)\d\d", number):
        return False
    before = text[: match.start()].split()
    return bool(before) and before[-1].casefold() in DATE_WORDS


def _raw_matches(text: str) -> list[tuple[int, int, Decimal, str]]:
    found: list[tuple[int, int, Decimal, str]] = []
    for pattern in (MONEY_BEFORE, MONEY_AFTER):
        for match in pattern.finditer(text):
            if not _scale_ok(match):
                continue
            found.append(
                (
                    match.start(),
                    match.end(),
                    _amount(match.group("num"), match.group("scale")),
                    _money_unit(match),
                )
            )
    for match in PHYSICAL.finditer(text):
        unit = PHYSICAL_UNITS[match.group("unit").lower()]
        found.append(
            (match.start(), match.end(), _amount(match.group("num"), match.group("scale")), unit)
        )
    for match in COUNT.finditer(text):
        if _is_a_year(text, match):
            continue
        unit = COUNT_NOUNS[match.group("noun").lower()]
        found.append(
            (match.start(), match.end(), _amount(match.group("num"), match.group("scale")), unit)
        )
    found.sort(key=lambda item: (item[0], -(item[1] - item[0])))
    kept: list[tuple[int, int, Decimal, str]] = []
    for item in found:
        if kept and item[0] < kept[-1][1]:
            continue  # overlaps a longer match that starts at or before it
        kept.append(item)
    return kept


def parse_figures(text: str) -> list[Figure]:
    """Every figure in ``text``, in order; a bracketed “($7 billion)” is the preceding figure's
    stated equivalent, and “by 2027” shortly after a figure makes it a target."""
    matches = _raw_matches(text)
    figures: list[Figure] = []
    index = 0
    while index < len(matches):
        start, end, amount, unit = matches[index]
        equivalent_amount, equivalent_unit = None, ""
        if index + 1 < len(matches):
            n_start, n_end, n_amount, n_unit = matches[index + 1]
            bracket = EQUIVALENT.match(text, end)
            if bracket and bracket.end() == n_start and text[n_end : n_end + 1] == ")":
                equivalent_amount, equivalent_unit = n_amount, n_unit
                end = n_end + 1
                index += 1
        target = TARGET.search(text, end, min(len(text), end + TARGET_WINDOW))
        next_start = matches[index + 1][0] if index + 1 < len(matches) else len(text)
        has_target = target is not None and target.start() < next_start
        target_year = int(target.group("year")) if has_target else None
        target_word = target.group("word") if has_target else ""
        figures.append(
            Figure(
                amount=amount,
                unit=unit,
                start=start,
                end=end,
                text=text[start:end],
                equivalent_amount=equivalent_amount,
                equivalent_unit=equivalent_unit,
                target_year=target_year,
                target_word=target_word,
            )
        )
        index += 1
    return figures
