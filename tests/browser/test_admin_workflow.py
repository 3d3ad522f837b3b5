"""Editors in real Chromium: an editor fixes a claim and publishes; a reporter cannot publish."""

from decimal import Decimal

import pytest

from articles.models import Article, ArticleStatus, Claim
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimAppearanceFactory,
    ClaimSourceFactory,
    FigureClaimFactory,
    PersonFactory,
    editor,
    reporter,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


@pytest.fixture
def console_errors(page):
    """Console errors the pages log, e.g. a style or script the Content-Security-Policy refused."""
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
    return errors


@pytest.fixture
def article_with_wrong_figure():
    """A draft whose one claim stores $4bn while its passage says $5 billion."""
    passage = "SK Group will invest $5 billion in AI data centres."
    article = ArticleFactory(title="SK's AI pledge", body=f"{passage}[1]")
    CitationFactory(article=article, number=1)
    claim = FigureClaimFactory(text=passage, amount=Decimal("4000000000"), unit="USD")
    ClaimSourceFactory(claim=claim)
    ClaimAppearanceFactory(article=article, claim=claim, passage=passage)
    return article, claim


def _log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")


def test_editor_fixes_a_claim_and_publishes(
    live_server, page, screenshot, article_with_wrong_figure, console_errors
):
    """The integrity panel blocks publishing until the editor corrects the figure."""
    article, claim = article_with_wrong_figure
    editor(username="chief")
    _log_in(page, live_server.url, "chief")

    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    assert "does not appear in its passage" in page.inner_text("#citation-problems")
    page.click("#workflow-panel button[value=published]")
    assert "Not published." in page.inner_text(".messagelist")
    screenshot("admin-editor-publish-refused")

    page.click("text=1 claim")
    page.click(
        f"a[href$='/admin/articles/claim/{claim.pk}/change/?_changelist_filters=article%3D{article.pk}']"
    )
    page.fill("#id_amount", "5000000000")
    page.select_option("#id_status", "verified")
    page.fill("#id_status_note", "Matches SK's filing.")
    screenshot("admin-editor-fixes-claim")
    page.click("input[name=_save]")
    assert "was changed successfully" in page.inner_text(".messagelist")
    claim.refresh_from_db()
    assert (claim.amount, claim.status) == (Decimal("5000000000"), "verified")

    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    assert page.is_visible("#citation-ok")
    page.click("#workflow-panel button[value=published]")
    assert "is now published" in page.inner_text(".messagelist")
    screenshot("admin-editor-published")
    assert Article.objects.get(pk=article.pk).is_public

    assert console_errors == []
    page.click("text=View on site")
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text() == "SK's AI pledge"


def test_reporter_tries_to_publish_and_cannot(
    live_server, page, screenshot, article_with_wrong_figure
):
    """No publish button or action for a reporter, and a hand-made request is forbidden."""
    article, _ = article_with_wrong_figure
    reporter(username="cub")
    _log_in(page, live_server.url, "cub")

    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    assert page.locator("#workflow-panel button[value=published]").count() == 0
    assert page.locator("#workflow-panel button[value=in_review]").count() == 1
    screenshot("admin-reporter-article")

    page.goto(f"{live_server.url}/admin/articles/article/")
    actions = page.locator("select[name=action] option").all_inner_texts()
    assert not any("Publish" in action for action in actions)

    status = page.evaluate(
        """async (url) => {
            const token = document.querySelector("[name=csrfmiddlewaretoken]").value;
            const response = await fetch(url, {
                method: "POST",
                headers: {"Content-Type": "application/x-www-form-urlencoded"},
                body: "csrfmiddlewaretoken=" + encodeURIComponent(token) + "&to_status=published",
            });
            return response.status;
        }""",
        f"{live_server.url}/admin/articles/article/{article.pk}/transition/",
    )
    assert status == 403
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.DRAFT
    assert Claim.objects.get().status == "unverified"


def test_editor_narrows_the_claims_list_to_one_entity_by_searching_for_it(
    live_server, page, screenshot, console_errors
):
    """The entity filter is a search box (not thousands of links); picking a name filters the
    list to claims by or about that entity and keeps the other filters."""
    chey = PersonFactory(name="Chey Tae-won")
    spoken = FigureClaimFactory(speaker=chey, text="SK will invest $5 billion.")
    about = FigureClaimFactory(text="Chey's group leads the AI push.")
    about.subjects.add(chey)
    FigureClaimFactory(speaker=PersonFactory(name="Someone Else"), text="Unrelated figure.")
    editor(username="desk")
    _log_in(page, live_server.url, "desk")

    page.goto(f"{live_server.url}/admin/articles/claim/?kind__exact=figure")
    page.click("#autocomplete-filter-entity + .select2")
    page.fill(".select2-search__field", "Chey")
    page.click(".select2-results__option >> text=Chey Tae-won")
    page.wait_for_url(f"**/admin/articles/claim/?*entity={chey.pk}*")
    assert "kind__exact=figure" in page.url
    listed = page.inner_text("#result_list")
    assert spoken.text in listed and about.text in listed
    assert "Unrelated figure." not in listed
    assert page.inner_text("#select2-autocomplete-filter-entity-container").endswith("Chey Tae-won")
    screenshot("admin-claims-filtered-by-entity")
    assert console_errors == []
