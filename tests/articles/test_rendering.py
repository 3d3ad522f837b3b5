"""Article bodies: Markdown rendered safe, markers as footnote links, claims highlighted."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.rendering import Highlight, _Spacing, render_body


def _highlight(claim_id, passage, status="verified", label="Verified"):
    return Highlight(claim_id=claim_id, passage=passage, status=status, status_label=label)


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">click</a>',
        "[click](javascript:alert(1))",
        '<div onclick="alert(1)">x</div>',
        '<iframe src="https://evil.example"></iframe>',
        "<svg><script>alert(1)</script></svg>",
        '<a href="#" style="color:red" onmouseover="alert(1)">x</a>',
    ],
)
def test_nothing_an_editor_types_can_run_script(hostile):
    """Script, event handlers, javascript: URLs and frames are stripped from the body."""
    html = render_body(f"Intro.\n\n{hostile}\n\nOutro.").html.lower()
    for dangerous in ("<script", "onerror", "onclick", "onmouseover", "javascript:", "<iframe"):
        assert dangerous not in html
    assert "style=" not in html


def test_markers_become_footnote_links_numbered_per_occurrence():
    """Each [n] with a citation links to #source-n with a unique id for the back-link."""
    rendered = render_body("One.[1] Two.[2] Three.[1]", citation_numbers=[1, 2])
    assert '<a href="#source-1" id="cite-1-1" role="doc-noteref">[1]</a>' in rendered.html
    assert 'id="cite-1-2"' in rendered.html
    assert rendered.marker_ids == {1: ["cite-1-1", "cite-1-2"], 2: ["cite-2-1"]}


def test_a_marker_without_citation_stays_as_typed():
    """[7] with no citation 7 is left as text, not a dead link."""
    rendered = render_body("Claimed.[7]", citation_numbers=[1])
    assert "[7]" in rendered.html
    assert "#source-7" not in rendered.html


def test_markdown_reference_links_are_not_citations():
    """A reference-style link [text][1] with its definition still renders as a link."""
    rendered = render_body(
        "See [the report][1].\n\n[1]: https://example.org/r", citation_numbers=[1]
    )
    assert '<a href="https://example.org/r"' in rendered.html
    assert "#source-1" not in rendered.html


def test_claims_are_highlighted_with_their_status():
    """The passage is wrapped in <mark> and followed by a status link to the claim entry."""
    rendered = render_body(
        "- AWS and SK Group investing $5 billion to build a data center.[1]",
        citation_numbers=[1],
        highlights=[_highlight(7, "AWS and SK Group investing $5 billion", "disputed", "Disputed")],
    )
    assert '<mark class="claim status-disputed">AWS and SK Group investing $5 billion</mark>' in (
        rendered.html
    )
    assert 'href="#claim-7" id="in-text-7"' in rendered.html
    assert "Disputed</a>" in rendered.html
    assert rendered.highlighted == {7}


def test_passage_matches_across_line_breaks():
    """A passage wrapped differently in the body is still found."""
    rendered = render_body(
        "The state targets\n35,000 GPUs by 2027.", highlights=[_highlight(1, "targets 35,000 GPUs")]
    )
    assert rendered.highlighted == {1}


def test_two_claims_sharing_a_passage_share_one_highlight():
    """Both claims get a status link; the passage is marked once."""
    rendered = render_body(
        "Korea tripled its budget.",
        highlights=[
            _highlight(1, "Korea tripled its budget."),
            _highlight(2, "Korea tripled its budget.", "false", "False"),
        ],
    )
    assert rendered.html.count("<mark") == 1
    assert rendered.highlighted == {1, 2}


def test_overlapping_passage_is_listed_but_not_marked():
    """A passage overlapping an earlier highlight is left unmarked rather than misnested."""
    rendered = render_body(
        "AWS and SK Group investing $5 billion in Ulsan.",
        highlights=[
            _highlight(1, "AWS and SK Group investing"),
            _highlight(2, "investing $5 billion"),
        ],
    )
    assert rendered.highlighted == {1}


def test_missing_passage_is_not_highlighted():
    """A claim whose passage is not in the body is simply not marked."""
    rendered = render_body("Nothing here.", highlights=[_highlight(1, "Something else")])
    assert rendered.highlighted == set()
    assert "<mark" not in rendered.html


def test_highlight_crossing_paragraphs_stays_well_nested():
    """A passage spanning two paragraphs never leaves a <mark> open across them."""
    rendered = render_body(
        "First part **bold\n\nsecond** part.", highlights=[_highlight(1, "bold second")]
    )
    html = rendered.html
    assert html.count("<mark") == html.count("</mark>")
    assert html.count("<p>") == html.count("</p>")


def test_editor_cannot_forge_placeholders():
    """Private-use characters typed in the body are dropped, not turned into markup."""
    rendered = render_body(
        "Sneaky \ue000" + "0\ue001 text \ue003" + "1\ue001", citation_numbers=[1]
    )
    assert "<mark" not in rendered.html
    assert "#source-1" not in rendered.html


def test_body_headings_sit_below_the_headline():
    """A body using # headings is shifted down so the page keeps a single h1."""
    html = render_body("# Section\n\n## Sub\n\nText.").html
    assert "<h1>" not in html
    assert "<h2>Section</h2>" in html
    assert "<h3>Sub</h3>" in html


def test_level_two_headings_are_kept():
    """Bodies that already start at ## keep their levels."""
    assert "<h2>Deals</h2>" in render_body("## Deals\n\nText.").html


def _regex_range(text, passage):
    """Where a passage was found before ``_Spacing``: a pattern allowing any whitespace."""
    words = passage.split()
    match = re.search(r"\s+".join(re.escape(word) for word in words), text) if words else None
    return (match.start(), match.end()) if match else None


SPACED_TEXT = st.lists(
    st.sampled_from(
        ["a", "b", "ab", "[1]", ".", " ", "  ", "\n", "\n\n", "\t", "\u00a0", "\u2003"]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=SPACED_TEXT, passage=SPACED_TEXT)
def test_passages_are_found_where_a_whitespace_pattern_finds_them(text, passage):
    """Whatever the spacing, a passage's range is the one ``word\\s+word…`` would match."""
    assert _Spacing(text).find(passage) == _regex_range(text, passage)
