"""Every public page type in real Chromium: it loads cleanly, axe-core finds no serious or
critical accessibility violation, it fits a phone screen, and a screenshot is saved for each of
desktop and phone."""

from http import HTTPStatus

import pytest

from tests.content import build_summit
from tests.factories import CorrectionNoteFactory
from tests.tools import AXE_JS, require_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PAGE_TYPES = {
    "home": lambda c: "/",
    "article": lambda c: c.article.get_absolute_url(),
    "claim": lambda c: c.claims["investment"].get_absolute_url(),
    "entity": lambda c: c.government.get_absolute_url(),
    "entity-busy": lambda c: c.sk_group.get_absolute_url() + "?page=2",
    "source": lambda c: c.source.get_absolute_url(),
    "claims-explorer": lambda c: "/claims/?unit=USD",
    "pledge-tracker": lambda c: "/pledges/",
    "search": lambda c: "/search/?q=billion",
    "not-found": lambda c: "/no/such/page/",
}
SERIOUS = {"serious", "critical"}


def _axe_violations(page) -> list[dict]:
    page.evaluate(require_file(AXE_JS).read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in SERIOUS]


def _describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_page_type_in_chromium(live_server, page, screenshot, name):
    """Loads without console errors, passes axe, fits a phone; desktop and phone screenshots."""
    content = build_summit(extra_claims=30 if name == "entity-busy" else 0)
    CorrectionNoteFactory(article=content.article)
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("requestfailed", lambda r: problems.append(f"{r.url}: {r.failure}"))
    page.on(
        "response",
        lambda r: (
            r.status >= 400
            and r.request.resource_type != "document"
            and problems.append(f"{r.url}: {r.status}")
        ),
    )
    response = page.goto(live_server.url + PAGE_TYPES[name](content))
    expected = HTTPStatus.NOT_FOUND if name == "not-found" else HTTPStatus.OK
    assert response.status == expected
    assert page.locator("h1").count() == 1
    assert screenshot(f"{name}-desktop").stat().st_size > 0
    violations = _axe_violations(page)
    assert violations == [], _describe(violations)

    page.set_viewport_size(PHONE)
    page.reload()
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name} is {overflow}px wider than a phone screen"
    assert screenshot(f"{name}-phone").stat().st_size > 0
    assert _axe_violations(page) == []
    if name == "not-found":  # the 404 document itself is reported; its assets must still load
        problems = [p for p in problems if not p.startswith("Failed to load resource")]
    assert problems == []


def test_the_accessibility_check_can_fail(live_server, page):
    """axe reports a serious violation on a page with an unlabeled form control."""
    build_summit(hidden=False)
    page.goto(live_server.url + "/claims/")
    page.evaluate("() => document.querySelector('label[for=id_kind]').remove()")
    assert any(v["id"] == "select-name" for v in _axe_violations(page))


def test_site_works_without_javascript(live_server, chromium, screenshot):
    """With JavaScript off, the explorer's filters, a claim link and search all work."""
    content = build_summit(hidden=False)
    context = chromium.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(live_server.url + "/claims/")
        tab.select_option("#id_kind", "pledge")
        tab.click("button[type=submit]")
        assert "kind=pledge" in tab.url
        assert tab.locator(".claim-card").count() == 1
        tab.click(f"text={content.claims['gpus'].text}")
        assert tab.url.endswith(content.claims["gpus"].get_absolute_url())
        tab.goto(live_server.url + "/search/")
        tab.fill("#search-query", "Chey")
        tab.press("#search-query", "Enter")
        assert "Chey Tae-won" in tab.content()
        tab.goto(live_server.url + content.article.get_absolute_url())
        tab.click(f"#in-text-{content.claims['investment'].pk}")
        assert tab.url.endswith(f"#claim-{content.claims['investment'].pk}")
    finally:
        context.close()
