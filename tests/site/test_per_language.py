"""Labels kept per language follow the active language, as lazy labels did."""

from __future__ import annotations

from django.utils import translation

from articles.presenters import _page_labels
from articles.templatetags.article_page import _months
from coverage_site.per_language import per_language


def test_month_names_follow_the_active_language():
    """A source's date reads in the language of the request, whichever came first."""
    with translation.override("de"):
        assert _months()[3] == "März"
    with translation.override("en-gb"):
        assert _months()[3] == "March"
    with translation.override("de"):
        assert _months()[3] == "März"


def test_choice_labels_follow_the_active_language():
    """Verdict and kind labels are each language's own, not the first one asked for."""
    with translation.override("en-gb"):
        english = _page_labels()
    with translation.override("de"):
        german = _page_labels()
    assert english[2]["place"] == "Place"
    assert german is not english
    with translation.override("en-gb"):
        assert _page_labels() is english


def test_built_once_per_language():
    """The value is built on first use in a language and shared afterwards."""
    calls = []

    @per_language
    def build() -> list[str]:
        calls.append(translation.get_language())
        return [translation.get_language()]

    with translation.override("en-gb"):
        assert build() == ["en-gb"]
        assert build() is build()
    with translation.override("fr"):
        assert build() == ["fr"]
    assert calls == ["en-gb", "fr"]
