"""Bad reports are refused with the problem and the line, and leave the database as it was."""

import datetime as dt

import pytest

from articles.importer import ReportImportError, import_report
from tests.articles.import_helpers import SEED_SIDECAR, seed_bytes, seed_text, snapshot

pytestmark = pytest.mark.django_db

SOURCES = "\n\nSources\n[1] A story https://example.org/story\n"
BAD_REPORTS = {
    "empty": (b"", None, "the report is empty"),
    "only whitespace": (b" \n\t\n  \n", None, "the report is empty"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 2, "binary file"),
    "NUL in text": ("Leaders met.[1]\nA\x00B" + SOURCES, 2, "binary"),
    "undecodable": ("Leaders met.[1]\nCaf\xe9 talks." + SOURCES).encode("latin-1"),
    "missing sources": (b"Leaders met.[1]\n\nNothing else.\n", None, "no Sources section"),
    "sources heading without entries": (
        b"Leaders met.[1]\n\nSources\n\nReply\n",
        3,
        "the Sources section lists no sources",
    ),
    "dangling marker": (
        "Leaders met.[1]\n\nThey agreed.[1][3]" + SOURCES,
        3,
        "marker [3] points at no source (the Sources list has [1])",
    ),
    "source without an address": (
        b"Leaders met.[1]\n\nSources\n[1] A story with no link\n",
        4,
        "source [1] has no web address",
    ),
    "source listed twice": (
        b"Leaders met.[1]\n\nSources\n[1] A https://example.org/a\n[1] B https://example.org/b\n",
        5,
        "source [1] is listed twice",
    ),
    "one address twice": (
        b"Met.[1][2]\n\nSources\n[1] A https://example.org/a\n[2] B http://example.org/a/\n",
        5,
        "sources [1] and [2] are the same address",
    ),
    "no text before the sources": (b"Sources\n[1] A https://example.org/a\n", 1, "no text"),
}
BAD_REPORTS["undecodable"] = (BAD_REPORTS["undecodable"], 2, "cannot be decoded as UTF-8")


@pytest.fixture
def existing_coverage():
    """Something on file already, so “untouched” means more than “still empty”."""
    import_report(text=seed_bytes(), sidecar=SEED_SIDECAR, status="published")
    return snapshot()


@pytest.mark.parametrize("case", BAD_REPORTS)
def test_bad_report_names_the_problem_and_line_and_changes_nothing(case, existing_coverage):
    """Each bad input raises ReportImportError with its line; no row changes."""
    text, line, message = BAD_REPORTS[case]
    with pytest.raises(ReportImportError) as refused:
        import_report(text=text, title="A title")
    assert refused.value.line == line
    assert message in refused.value.message
    assert str(refused.value) == (f"line {line}: " if line else "") + refused.value.message
    assert snapshot() == existing_coverage


def test_dangling_marker_in_the_seed_names_its_line(existing_coverage):
    """A marker added to the seed's fifth paragraph line is reported on that line."""
    lines = seed_text().split("\n")
    lines[14] += "[3]"
    with pytest.raises(ReportImportError, match=r"^line 15: marker \[3\] points at no source"):
        import_report(text="\n".join(lines), sidecar=SEED_SIDECAR)
    assert snapshot() == existing_coverage


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"status": "archived"}, "status “archived” is not one of"),
        ({"sidecar": {"published": "29/10/2025"}}, "is not a date like 2025-10-29"),
        ({"sidecar": {"slug": "Not A Slug"}}, "slug “Not A Slug” may hold only"),
        ({"sidecar": ["title"]}, "the sidecar must be a JSON object"),
        ({"sidecar": {"title": 42}}, "“title” must be text"),
        ({"title": "  "}, "the title is empty"),
        ({"title": None}, "the report has no title line"),
    ],
)
def test_bad_metadata_is_refused(kwargs, message, existing_coverage):
    """Status, dates, slugs and the sidecar's shape are checked before anything is written."""
    with pytest.raises(ReportImportError, match=message):
        import_report(text=seed_bytes(), **kwargs)
    assert snapshot() == existing_coverage


def test_unknown_sidecar_keys_are_warnings():
    """A sidecar key the importer does not use is reported, not fatal."""
    result = import_report(text=seed_bytes(), sidecar={**SEED_SIDECAR, "tags": "ai"})
    assert result.warnings[0].startswith("sidecar: “tags” is not used")


def test_published_date_argument_wins_over_the_sidecar():
    """Explicit arguments override the sidecar's metadata."""
    result = import_report(
        text=seed_bytes(),
        sidecar=SEED_SIDECAR,
        title="Another headline",
        published=dt.date(2025, 11, 2),
    )
    assert result.article.title == "Another headline"
    assert result.article.published_at.date() == dt.date(2025, 11, 2)
    assert result.article.slug == SEED_SIDECAR["slug"]
