"""The sweep of the other pages: every page it names exists, and admin pages open signed in."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve

from articles.roles import sync_role_groups
from bench import run, sweep
from bench.endpoints import SWEEP, Page
from tests.factories import PersonFactory

MANIFEST = {
    "busy_entity": "pacific-compute-group",
    "search_term": "semiconductor",
    "public_article_slugs": ["first-1"],
}


def test_every_swept_page_is_a_route_of_the_site():
    values = run.placeholders(MANIFEST)
    missing = []
    for page in SWEEP:
        try:
            resolve(page.path.format(**values).split("?")[0])
        except Resolver404:
            missing.append(page.path)
    assert missing == []
    assert len({page.key for page in SWEEP}) == len(SWEEP)


@pytest.mark.django_db(transaction=True)
def test_sweep_measures_public_and_admin_pages_with_the_editors_session(live_server):
    sync_role_groups()  # an earlier transactional test may have flushed the migration's groups
    PersonFactory(name="Pacific Compute Group", slug="pacific-compute-group")
    session = StringIO()
    call_command("bench_session", stdout=session)
    pages = [
        Page("feed", "RSS feed", "/feed/rss/"),
        Page("admin_claims", "admin: claim queue", "/admin/articles/claim/", editor=True),
        Page("admin_signed_out", "admin without a session", "/admin/articles/claim/"),
    ]
    rows = sweep.sweep(
        live_server.url, pages, run.placeholders(MANIFEST), session.getvalue().strip()
    )
    by_page = {row["page"]: row for row in rows}
    assert by_page["feed"]["status"] == 200 and by_page["feed"]["median_ms"] > 0
    assert by_page["admin_claims"]["status"] == 200 and by_page["admin_claims"]["kilobytes"] > 1
    assert by_page["admin_signed_out"]["status"] == 302  # to the login page
