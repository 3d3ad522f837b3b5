"""The words of an admin search, split as Django's admin splits them."""

from __future__ import annotations

from django.utils.text import smart_split, unescape_string_literal


def search_words(search_term: str) -> list[str]:
    """Words and quoted phrases (quotes removed), as ``ModelAdmin.get_search_results`` reads
    them, for admins that build their own search conditions."""
    words = []
    for word in smart_split(search_term):
        if word[:1] in {'"', "'"} and word[0] == word[-1]:
            word = unescape_string_literal(word)
        words.append(word)
    return words
