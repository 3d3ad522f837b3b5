"""One cited document is one Source, whatever the URL's decoration."""

import pytest
from django.core.exceptions import ValidationError

from articles.source_urls import normalise_url


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("https://example.org/story/", "https://example.org/story"),
        ("http://example.org/story", "https://example.org/story"),
        ("HTTPS://WWW.Example.ORG/Story", "https://www.example.org/Story"),
        ("https://example.org/story?utm_source=x&utm_medium=y", "https://example.org/story"),
        ("https://example.org/story?id=3&fbclid=abc", "https://example.org/story?id=3"),
        ("https://example.org/s?b=2&a=1", "https://example.org/s?a=1&b=2"),
        ("https://example.org:443/s#comments", "https://example.org/s"),
        ("example.org/s", "https://example.org/s"),
    ],
)
def test_url_is_normalised(given, stored):
    assert normalise_url(given) == stored


@pytest.mark.parametrize("bad", ["", "   ", "ftp://example.org/x", "mailto:desk@example.org"])
def test_non_web_addresses_are_refused_with_a_message(bad):
    with pytest.raises(ValidationError):
        normalise_url(bad)
