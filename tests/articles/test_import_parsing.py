"""The importer's pieces on small texts: decoding, structure, sources, sentences, names,
speakers and kinds of claim."""

import codecs

import pytest

from articles.importer.claims import analyse
from articles.importer.decode import decode_report
from articles.importer.entities import Recogniser
from articles.importer.errors import ReportImportError
from articles.importer.parse import looks_like_heading, parse_report
from articles.importer.sentences import split_sentences
from articles.importer.sources import parse_source_line
from entities.gazetteer import load_gazetteer

SOURCES = "\n\nSources\n[1] A story https://example.org/a\n"


def _names(text: str) -> list[tuple[str, str, bool]]:
    mentions = Recogniser(load_gazetteer()).mentions(text)
    return [(text[m.start : m.end], m.ref.name, m.ref.needs_review) for m in mentions]


def _claims(body: str, year: int = 2025):
    report = parse_report(body + SOURCES)
    return analyse(report, Recogniser(load_gazetteer()), reference_year=year).claims


def test_decoding_strips_bom_reads_utf16_and_normalises_newlines():
    """A UTF-8 BOM goes, UTF-16 with its BOM is read, CRLF and CR become LF."""
    assert decode_report(codecs.BOM_UTF8 + b"A\r\nB\rC") == "A\nB\nC"
    assert decode_report("Korea’s summit".encode("utf-16")) == "Korea’s summit"


def test_decoding_refuses_control_characters_in_text():
    """A text with an escape character is damaged, and the line says where."""
    with pytest.raises(ReportImportError, match="control character U\\+001B") as refused:
        decode_report("fine\nbroken \x1b[0m")
    assert refused.value.line == 2


def test_structure_headings_bullets_and_wrapped_paragraphs():
    """A standalone short line is a heading; •/* bullets become “-”; wrapped lines join."""
    report = parse_report(
        "Leaders met in Gyeongju\nand talked.[1]\n\nWhat they agreed\n\n• Chips.[1]\n* Power.[1]\n"
        + SOURCES
    )
    kinds = [(b.kind, b.text) for b in report.blocks]
    assert kinds == [
        ("paragraph", "Leaders met in Gyeongju and talked.[1]"),
        ("heading", "What they agreed"),
        ("bullet", "Chips.[1]"),
        ("bullet", "Power.[1]"),
    ]
    assert report.blocks[0].line_at(report.blocks[0].text.index("[1]")) == 2
    assert report.markdown().endswith("## What they agreed\n\n- Chips.[1]\n- Power.[1]\n")
    assert report.blocks[2].section == "What they agreed"


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("Mega Investments and Strategic Partnerships", True),
        ("Korea as the “Third Pole” in the AI Race", True),
        ("What comes next?", True),
        ("The forum highlighted milestones in Korea’s AI journey, such as:", False),
        ("Leaders met.[1]", False),
        ("https://example.org/page", False),
        ("and then the rest of a wrapped line", False),
    ],
)
def test_heading_detection(line, heading):
    """Short, capitalised, unpunctuated and unmarked: a heading."""
    assert looks_like_heading(line) is heading


@pytest.mark.parametrize(
    ("line", "number", "title", "url"),
    [
        ("[1] A story ... https://example.org/a", 1, "A story …", "https://example.org/a"),
        ("[2] A story - https://www.x.org/b/?utm_source=n", 2, "A story", "https://www.x.org/b"),
        ("3. Report: chips https://x.org/c.", 3, "Report: chips", "https://x.org/c"),
        ("[4] [Linked title](https://x.org/d)", 4, "Linked title", "https://x.org/d"),
        ("[5] Angle <https://x.org/e>", 5, "Angle", "https://x.org/e"),
        ("[6] https://x.org/f", 6, "x.org", "https://x.org/f"),
    ],
)
def test_source_line_formats(line, number, title, url):
    """Numbered entries in the usual shapes give number, title and normalised URL."""
    entry = parse_source_line(line, 9)
    assert (entry.number, entry.title, entry.url, entry.line) == (number, title, url, 9)


def test_source_address_on_the_next_line_and_other_headings():
    """“References:” works as a heading; an entry's URL may sit on the next line."""
    report = parse_report(
        "Met.[1]\n\nReferences:\n[1] A long title\n  https://example.org/x\nShare\n"
    )
    assert report.sources[0].url == "https://example.org/x"
    assert report.dropped == [(6, "Share")]


def test_sentences_keep_markers_and_respect_abbreviations():
    """Markers stay with their sentence; “U.S..”, “Mr.” and initials do not confuse it."""
    text = "Power is led by the U.S.. Mr. Kim agreed.[1][2] “We will,” said J. Park.[3] Done"
    assert [(s.text, s.markers) for s in split_sentences(text)] == [
        ("Power is led by the U.S..", ()),
        ("Mr. Kim agreed.[1][2]", (1, 2)),
        ("“We will,” said J. Park.[3]", (3,)),
        ("Done", ()),
    ]


def test_known_names_respect_case_and_longest_match():
    """“us” is not the U.S.; “North Korea” is not South Korea; “Korea Herald” is neither."""
    found = _names("Tell us about North Korea and the U.S. as the Korea Herald saw it.")
    assert [(text, name) for text, name, _ in found] == [
        ("North Korea", "North Korea"),
        ("U.S", "United States"),
        ("Korea Herald", "Korea Herald"),
    ]
    assert found[-1][2] is True  # found by rule, needs review


def test_rules_find_companies_people_and_bodies_but_not_quoted_terms():
    """“Company X Inc.”, “Chairman X”, “Ministry of X”; “Third Pole” in quotes is no name."""
    found = _names(
        "The Orion Data Inc. board met Chairman Lee Sun-hee and the Ministry of Land and "
        "Transport to discuss the “Third Pole” idea."
    )
    assert [(text, review) for text, _, review in found] == [
        ("Orion Data Inc.", True),
        ("Lee Sun-hee", True),
        ("Ministry of Land and Transport", True),
    ]


def test_attribution_forms():
    """According to X; X, title of Y, said; “…,” said X; He said (the last person named)."""
    claims = _claims(
        "According to Nvidia CEO Jensen Huang, demand is rising. Jensen Huang, chief executive "
        "of Nvidia, said supply is tight. “We are ready,” said Huang. He added that prices hold. "
        "Analysts were unconvinced.[1]"
    )
    assert [c.speaker.name if c.speaker else None for c in claims] == [
        "Jensen Huang",
        "Jensen Huang",
        "Jensen Huang",
        "Jensen Huang",
        None,
    ]
    assert [c.kind for c in claims] == ["statement"] * 4 + ["fact"]
    assert [s.name for s in claims[0].subjects] == []


def test_target_years_ahead_are_pledges_and_past_years_are_dates():
    """“by 2030” ahead of the report's year is a pledge; “in 2024” dates a figure."""
    pledge, past = _claims("Firms will add 2 GW by 2030.[1] Sales reached $5bn in 2024.[1]")
    assert (pledge.kind, pledge.figure_date.year) == ("pledge", 2030)
    assert (past.kind, past.figure_date.year) == ("figure", 2024)


def test_unmarked_bullets_take_their_lists_marker():
    """A marker on a later item covers the unmarked items before it."""
    claims = _claims("Milestones:\n\n- One thing.\n- Another thing.[1]\n- A third.")
    assert [c.markers for c in claims] == [(1,), (1,), (1,)]
