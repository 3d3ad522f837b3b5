"""Property-based: whatever text arrives, the importer either imports it or refuses it with a
ReportImportError, and a refusal writes nothing."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.importer import ImportResult, ReportImportError, import_report
from articles.models import Article, Citation, Claim, ClaimAppearance, Source
from entities.models import Entity

LINES = st.one_of(
    st.sampled_from(
        [
            "Sources",
            "[1] A story about Korea https://example.org/a?utm_source=x",
            "[2] Another https://example.org/b",
            "[3] No URL at all",
            "- AWS and SK Group invest $5 billion in Ulsan.[1]",
            "- The state targets 35,000 GPUs by 2027.[2]",
            "According to SK Group Chairman Chey Tae-won, Korea is a testbed.[1][2]",
            "Korea’s budget rose to 10.1 trillion won ($7 billion).[1]",
            "Mega Investments",
            "Reply",
            "Keep Reading",
            "",
            "[9] Dangling https://example.org/z",
            "Text with a marker [7] nowhere.",
        ]
    ),
    st.text(max_size=60),
)


def _counts():
    return tuple(
        model.objects.count()
        for model in (Article, Claim, ClaimAppearance, Citation, Source, Entity)
    )


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(lines=st.lists(LINES, max_size=18), as_bytes=st.booleans())
def test_any_report_is_imported_or_refused_cleanly(lines, as_bytes):
    text = "\n".join(lines)
    before = _counts()
    try:
        result = import_report(
            text=text.encode("utf-8") if as_bytes else text, title="Fuzzed report"
        )
    except ReportImportError as error:
        assert str(error)
        assert _counts() == before, "a refused import left rows behind"
    else:
        assert isinstance(result, ImportResult)
        assert result.article.pk is not None
