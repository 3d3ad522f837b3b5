"""The Content-Security-Policy (no inline script or style, nothing from other origins) holds on
the editors' admin and the API docs too: Chromium reports no violation and the pages work."""

import pytest

from tests.browser.test_admin_workflow import _log_in
from tests.content import build_summit
from tests.factories import editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def violations(page):
    """CSP violations Chromium reports on the console, plus failed requests."""
    seen: list[str] = []
    page.on(
        "console",
        lambda m: m.type == "error" and "Content Security Policy" in m.text and seen.append(m.text),
    )
    page.on("requestfailed", lambda r: seen.append(f"{r.url}: {r.failure}"))
    return seen


def test_admin_pages_meet_the_policy(live_server, page, violations, screenshot):
    content = build_summit(hidden=False)
    editor(username="chief")
    _log_in(page, live_server.url, "chief")
    claim = content.claims["investment"]
    paths = [
        "/admin/",
        "/admin/articles/article/",
        f"/admin/articles/article/{content.article.pk}/change/",
        f"/admin/articles/article/{content.article.pk}/history/",
        "/admin/articles/article/upload/",
        "/admin/articles/claim/",
        f"/admin/articles/claim/{claim.pk}/change/",
        f"/admin/entities/entity/{content.sk_group.pk}/change/",
        "/admin/articles/source/",
    ]
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
    assert violations == []
    # The admin's own scripts ran: autocomplete widgets are initialised by admin JS files.
    page.goto(f"{live_server.url}/admin/articles/claim/{claim.pk}/change/")
    assert page.locator(".select2-container").count() > 0
    screenshot("admin-claim-under-csp")


def test_api_docs_render_under_the_policy(live_server, page, violations, screenshot):
    page.goto(live_server.url + "/api/docs/")
    page.wait_for_selector(".opblock", timeout=20000)
    assert page.locator(".opblock").count() > 5
    assert violations == []
    screenshot("api-docs")
