"""Links built from a cached route template are exactly the paths reverse() gives."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from coverage_site.fast_reverse import reverse_fixed, reverse_one, reverser


@pytest.mark.parametrize("prefix", ["/", "/news0/"])
@pytest.mark.parametrize(
    ("viewname", "kwarg", "value"),
    [
        ("articles:claim_detail", "pk", 1020),
        ("articles:source_detail", "pk", 7),
        ("articles:article_detail", "slug", "apec-ceo-summit-2025"),
        ("entities:detail", "slug", "sk-group-slug-2"),
    ],
)
def test_paths_are_reverse_paths_under_any_script_prefix(prefix, viewname, kwarg, value):
    """The site mounted under a prefix links under that prefix, as reverse() would."""
    set_script_prefix(prefix)
    try:
        expected = reverse(viewname, kwargs={kwarg: value})
        assert reverse_one(viewname, kwarg, value) == expected
        assert reverser(viewname, kwarg)(value) == expected
        assert expected.startswith(prefix)
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize(
    ("viewname", "kwarg", "value"),
    [("articles:claim_detail", "pk", "not-a-number"), ("entities:detail", "slug", "a b/c")],
)
def test_values_reverse_refuses_are_still_refused(viewname, kwarg, value):
    """Nothing reverse() would refuse is spliced into a link."""
    with pytest.raises(NoReverseMatch):
        reverse_one(viewname, kwarg, value)
    with pytest.raises(NoReverseMatch):
        reverser(viewname, kwarg)(value)


@pytest.mark.parametrize("prefix", ["/", "/news0/"])
def test_a_bound_reverser_gives_reverse_paths(prefix):
    """``reverser()`` (one route, many links in a request) answers as reverse() does."""
    set_script_prefix(prefix)
    try:
        claim, entity = reverser("articles:claim_detail", "pk"), reverser("entities:detail", "slug")
        for value in (0, 7, 1020):
            assert claim(value) == reverse("articles:claim_detail", kwargs={"pk": value})
        assert entity("sk-group") == reverse("entities:detail", kwargs={"slug": "sk-group"})
        with pytest.raises(NoReverseMatch):
            claim("not-a-number")
        with pytest.raises(NoReverseMatch):
            entity("a b/c")
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize("prefix", ["/", "/coverage/"])
@pytest.mark.parametrize(
    "viewname", ["articles:home", "articles:claim_list", "articles:feed_rss", "articles:sitemap"]
)
def test_a_fixed_route_is_reversed_as_reverse_does(viewname, prefix):
    """``reverse_fixed`` (the navigation's links) answers as reverse() does, under a mounted
    prefix too."""
    set_script_prefix(prefix)
    try:
        assert reverse_fixed(viewname) == reverse(viewname)
    finally:
        set_script_prefix("/")
